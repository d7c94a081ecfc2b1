// GoogleTest main that owns the Kokkos runtime for the whole test binary.
// Kokkos' start-up warnings are disabled: printed on stdout during
// gtest_discover_tests they would be registered as (fake) test names.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>

#ifdef EQUINET_ISA_UNDER_TEST
#include "equinet/models/common/model_family.hpp"

// A test built against a variant's objects (tests/CMakeLists.txt) checks
// that the code it calls is the variant's.
TEST(VariantUnderTest, BlocksAreTheVariantsCode) {
  EXPECT_STREQ(equinet::models::library_isa(), EQUINET_ISA_UNDER_TEST);
}
#endif

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  Kokkos::InitArguments args;
  args.disable_warnings = true;
  Kokkos::ScopeGuard kokkos(args);
  return RUN_ALL_TESTS();
}
