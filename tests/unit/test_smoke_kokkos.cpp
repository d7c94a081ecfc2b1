// Checks that the Kokkos the project was built against actually runs kernels:
// a parallel_reduce on the default host execution space (OpenMP when Kokkos
// has it) must give the closed-form sum, and the OpenMP backend must be there.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <cstdint>
#include <type_traits>

namespace {

TEST(SmokeKokkos, ParallelReduceOnHostSpaceGivesClosedFormSum) {
  using Space = Kokkos::DefaultHostExecutionSpace;
  const std::int64_t n = 1000003;  // odd, not a multiple of any thread count
  std::int64_t sum = 0;
  Kokkos::parallel_reduce(
      "smoke_sum_of_squares", Kokkos::RangePolicy<Space>(0, n),
      KOKKOS_LAMBDA(const std::int64_t i, std::int64_t& acc) { acc += i * i; }, sum);
  // sum_{i<n} i^2 = (n-1) n (2n-1) / 6
  EXPECT_EQ(sum, (n - 1) * n * (2 * n - 1) / 6);
}

TEST(SmokeKokkos, ViewFilledInParallelReadsBackOnHost) {
  using Space = Kokkos::DefaultHostExecutionSpace;
  const int n = 4097;
  Kokkos::View<double*, Space> v("v", n);
  Kokkos::parallel_for(
      "smoke_fill", Kokkos::RangePolicy<Space>(0, n),
      KOKKOS_LAMBDA(const int i) { v(i) = 0.5 * i; });
  Kokkos::fence();
  for (int i = 0; i < n; ++i) ASSERT_DOUBLE_EQ(v(i), 0.5 * i) << "at index " << i;
}

TEST(SmokeKokkos, OpenMPBackendIsEnabled) {
#ifdef KOKKOS_ENABLE_OPENMP
  EXPECT_TRUE((std::is_same_v<Kokkos::DefaultHostExecutionSpace, Kokkos::OpenMP>));
  EXPECT_GE(Kokkos::OpenMP::concurrency(), 1);
#else
  FAIL() << "Kokkos was built without OpenMP; scripts/deps/kokkos.sh enables it";
#endif
}

}  // namespace
