// Once buffers have grown, a step (compute on a system of sizes seen before)
// makes no heap allocation, whether it reuses the Verlet list or rebuilds it.
// Counted: every global operator new (plain, array, aligned, nothrow), the C
// allocators (malloc, calloc, realloc, posix_memalign, aligned_alloc,
// memalign; replaced here and forwarded to glibc's __libc_* entry points) and
// Kokkos allocations (the Kokkos::Tools allocation callback).
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <new>

#include "support/reference_data.hpp"

extern "C" {
void* __libc_malloc(size_t);
void* __libc_calloc(size_t, size_t);
void* __libc_realloc(void*, size_t);
void* __libc_memalign(size_t, size_t);
}

namespace {
std::atomic<bool> counting{false};
std::atomic<long> cxx_allocations{0}, c_allocations{0}, kokkos_allocations{0};

void count(std::atomic<long>& c) {
  if (counting.load(std::memory_order_relaxed)) ++c;
}
void* checked(void* p) {
  if (!p) throw std::bad_alloc();
  return p;
}
void count_kokkos(const Kokkos_Profiling_SpaceHandle, const char*, const void*, const uint64_t) {
  count(kokkos_allocations);
}
long total() { return cxx_allocations + c_allocations + kokkos_allocations; }
}  // namespace

extern "C" {
void* malloc(size_t n) {
  count(c_allocations);
  return __libc_malloc(n);
}
void* calloc(size_t n, size_t s) {
  count(c_allocations);
  return __libc_calloc(n, s);
}
void* realloc(void* p, size_t n) {
  count(c_allocations);
  return __libc_realloc(p, n);
}
void* memalign(size_t a, size_t n) {
  count(c_allocations);
  return __libc_memalign(a, n);
}
void* aligned_alloc(size_t a, size_t n) {
  count(c_allocations);
  return __libc_memalign(a, n);
}
int posix_memalign(void** out, size_t a, size_t n) {
  count(c_allocations);
  void* p = __libc_memalign(a, n);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
}

void* operator new(std::size_t n) {
  count(cxx_allocations);
  return checked(__libc_malloc(n ? n : 1));
}
void* operator new[](std::size_t n) {
  count(cxx_allocations);
  return checked(__libc_malloc(n ? n : 1));
}
void* operator new(std::size_t n, std::align_val_t a) {
  count(cxx_allocations);
  return checked(__libc_memalign(std::size_t(a), n ? n : 1));
}
void* operator new[](std::size_t n, std::align_val_t a) {
  count(cxx_allocations);
  return checked(__libc_memalign(std::size_t(a), n ? n : 1));
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  count(cxx_allocations);
  return __libc_malloc(n ? n : 1);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  count(cxx_allocations);
  return __libc_malloc(n ? n : 1);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }

using namespace equinet;

namespace {

// Allocations made by f() (every counter).
template <typename F>
long allocations_of(F&& f) {
  const long before = total();
  counting = true;
  f();
  counting = false;
  return total() - before;
}

}  // namespace

// The counters see an allocation of each kind made on purpose: a zero
// below is not a counter that never counts.
TEST(AllocationCounters, CountEveryKindOfAllocation) {
  Kokkos::Tools::Experimental::set_allocate_data_callback(count_kokkos);
  void* volatile sink = nullptr;  // keeps the allocations from being optimised away
  auto counted = [&](std::atomic<long>& c, auto&& f) {
    const long before = c;
    counting = true;
    f();
    counting = false;
    return c - before;
  };
  EXPECT_GE(counted(c_allocations, [&] { std::free(sink = std::malloc(24)); }), 1);
  EXPECT_GE(counted(c_allocations, [&] { std::free(sink = std::calloc(3, 8)); }), 1);
  EXPECT_GE(counted(c_allocations, [&] { std::free(sink = std::realloc(nullptr, 24)); }), 1);
  EXPECT_GE(counted(c_allocations, [&] { std::free(sink = std::aligned_alloc(64, 128)); }), 1);
  EXPECT_GE(counted(cxx_allocations,
                    [&] {
                      int* p = new int(1);
                      sink = p;  // (a new/delete pair that escapes nowhere may be elided)
                      delete p;
                    }),
            1);
  struct alignas(64) Wide {
    double x[8];
  };
  EXPECT_GE(counted(cxx_allocations,
                    [&] {
                      Wide* p = new Wide;
                      sink = p;
                      delete p;
                    }),
            1);
  EXPECT_GE(counted(cxx_allocations, [&] { delete new (std::nothrow) int(2); }), 1);
  EXPECT_GE(counted(kokkos_allocations, [&] { Kokkos::View<double*> v("eq.probe", 16); }), 1);
  Kokkos::Tools::Experimental::set_allocate_data_callback(nullptr);
}

class NoAllocationPerStep : public ::testing::TestWithParam<std::pair<Precision, int>> {};

TEST_P(NoAllocationPerStep, ReuseAndRebuildStepsAllocateNothingOnceBuffersHaveGrown) {
  EQUINET_REQUIRE_SHARED();
  const std::string dir = equinet::testing::shared_dir() + "/testdata/mace/";
  LoadOptions opt;
  opt.precision = GetParam().first;
  opt.radial_table_intervals = GetParam().second;
  auto pot = Potential::load(dir + "periodic.safetensors", opt);
  const auto ref = equinet::testing::load_reference(dir + "periodic_ref.json", "si64_rattled");
  Request req;
  req.forces = req.virial = req.atom_energies = req.atom_virials = true;
  Results res;
  // a: the reference; a_reuse: one atom moved by 0.01 Å (the Verlet list is
  // reused); b: that atom moved by 0.6 Å, more than half the default 1 Å
  // skin (the list is rebuilt, here and on going back to a)
  auto a_reuse = ref.positions, b = ref.positions;
  a_reuse[0] += 0.01;
  b[0] += 0.6;
  System sa = ref.system(), sr = sa, sb = sa;
  sr.positions = a_reuse.data();
  sb.positions = b.data();
  // warm-up: every step below, on the same sizes
  for (int k = 0; k < 2; ++k)
    for (const System* s : {&sa, &sr, &sb}) pot->compute(*s, req, res);
  Kokkos::Tools::Experimental::set_allocate_data_callback(count_kokkos);
  const long rebuild = allocations_of([&] { pot->compute(sa, req, res); });  // after b
  const long reuse = allocations_of([&] { pot->compute(sr, req, res); });
  Kokkos::Tools::Experimental::set_allocate_data_callback(nullptr);
  EXPECT_EQ(rebuild, 0) << "a Verlet rebuild step allocates";
  EXPECT_EQ(reuse, 0) << "a Verlet reuse step allocates";
}

INSTANTIATE_TEST_SUITE_P(Modes, NoAllocationPerStep,
                         ::testing::Values(std::make_pair(Precision::Float64, 0),
                                           std::make_pair(Precision::Float64, 500),
                                           std::make_pair(Precision::Float32, 500)));
