// Once buffers have grown, a step (compute on a system of the same size)
// makes no heap allocation: counted with a replaced global operator new.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "support/reference_data.hpp"

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t n) {
  ++allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

using namespace equinet;

class NoAllocationPerStep : public ::testing::TestWithParam<std::pair<Precision, int>> {};

TEST_P(NoAllocationPerStep, StepAllocatesNothingOnceBuffersHaveGrown) {
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
  auto moved = ref.positions;
  moved[0] += 0.01;  // another geometry of the same size
  System s = ref.system();
  s.positions = moved.data();
  pot->compute(ref.system(), req, res);
  pot->compute(s, req, res);  // buffers have now seen both edge counts
  pot->compute(ref.system(), req, res);
  const long before = allocations.load();
  pot->compute(s, req, res);
  EXPECT_EQ(allocations.load() - before, 0);
}

INSTANTIATE_TEST_SUITE_P(Modes, NoAllocationPerStep,
                         ::testing::Values(std::make_pair(Precision::Float64, 0),
                                           std::make_pair(Precision::Float64, 500),
                                           std::make_pair(Precision::Float32, 500)));
