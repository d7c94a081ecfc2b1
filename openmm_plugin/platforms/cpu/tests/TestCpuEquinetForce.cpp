// EquinetForce tests on the CPU platform (body: tests/EquinetForceTests.h).
#include "EquinetForceTests.h"

namespace EquinetTest {
INSTANTIATE_TEST_SUITE_P(CPU, EquinetForceTest, ::testing::Values(std::string("CPU")));
}  // namespace EquinetTest
