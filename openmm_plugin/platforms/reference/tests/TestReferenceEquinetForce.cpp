// EquinetForce tests on the Reference platform (body: tests/EquinetForceTests.h).
#include "EquinetForceTests.h"

namespace EquinetTest {
INSTANTIATE_TEST_SUITE_P(Reference, EquinetForceTest, ::testing::Values(std::string("Reference")));
}  // namespace EquinetTest
