// The opt-in tabulated radial functions: forces and energies stay within a
// documented bound of the exact mode, and stay exact derivatives of their own
// (slightly different) energy.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "support/reference_data.hpp"

using namespace equinet;

class MaceRadialTable : public ::testing::TestWithParam<const char*> {};

// The documented bounds (README), against the float64 exact mode: forces
// within 1e-7 eV/Å at 2000 intervals and 5e-6 eV/Å at 500 (the size
// suggested for float32), error ∝ N^-3. In float32 the table must not add
// much to float32's own rounding (~3e-7 eV/Å here): a table whose
// derivative is formed from differences of rounded node values loses ~1/h
// of precision and fails the 2000-interval float32 bound.
struct TableBound {
  const char* model;
  int intervals;
  Precision precision;
  double max_force_error;
  double max_energy_error;  // per atom
};

class MaceRadialTableBound : public ::testing::TestWithParam<TableBound> {};

TEST_P(MaceRadialTableBound, CloseToExactMode) {
  EQUINET_REQUIRE_SHARED();
  const std::string model = GetParam().model;
  const std::string dir = equinet::testing::shared_dir() + "/testdata/mace/";
  LoadOptions tab;
  tab.radial_table_intervals = GetParam().intervals;
  tab.precision = GetParam().precision;
  auto exact = Potential::load(dir + model + ".safetensors");
  auto table = Potential::load(dir + model + ".safetensors", tab);
  double worst_f = 0, worst_e = 0;
  for (const auto& ref : equinet::testing::load_references(dir + model + "_ref.json")) {
    Request req;
    req.forces = req.virial = true;
    Results a, b;
    exact->compute(ref.system(), req, a);
    table->compute(ref.system(), req, b);
    worst_e = std::max(worst_e, std::abs(a.energy - b.energy) / ref.numbers.size());
    for (size_t k = 0; k < a.forces.size(); ++k)
      worst_f = std::max(worst_f, std::abs(a.forces[k] - b.forces[k]));
  }
  {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3e", worst_f);
    RecordProperty("max_force_error", buf);
    std::snprintf(buf, sizeof buf, "%.3e", worst_e);
    RecordProperty("max_energy_error_per_atom", buf);
  }
  EXPECT_LT(worst_f, GetParam().max_force_error);
  EXPECT_LT(worst_e, GetParam().max_energy_error);
  EXPECT_GT(worst_f, 0.0);  // it is an approximation: a zero would mean the table was not used
}

TEST_P(MaceRadialTable, ForcesAreDerivativesOfTabulatedEnergy) {
  EQUINET_REQUIRE_SHARED();
  const std::string model = GetParam();
  const std::string dir = equinet::testing::shared_dir() + "/testdata/mace/";
  LoadOptions tab;
  tab.radial_table_intervals = 500;
  auto pot = Potential::load(dir + model + ".safetensors", tab);
  const auto ref = equinet::testing::load_references(dir + model + "_ref.json").front();
  Request req;
  Results res;
  pot->compute(ref.system(), req, res);
  std::vector<double> pos = ref.positions;
  System s = ref.system();
  s.positions = pos.data();
  const double h = 1e-5;
  for (size_t k = 0; k < pos.size(); k += 5) {
    Results rp, rm;
    Request e_only;
    e_only.forces = false;
    pos[k] += h;
    pot->compute(s, e_only, rp);
    pos[k] -= 2 * h;
    pot->compute(s, e_only, rm);
    pos[k] += h;
    EXPECT_NEAR(res.forces[k], -(rp.energy - rm.energy) / (2 * h), 1e-6) << k;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, MaceRadialTable, ::testing::Values("small", "periodic"));
INSTANTIATE_TEST_SUITE_P(
    Models, MaceRadialTableBound,
    ::testing::Values(TableBound{"small", 2000, Precision::Float64, 1e-7, 1e-8},
                      TableBound{"periodic", 2000, Precision::Float64, 1e-7, 1e-8},
                      TableBound{"small", 500, Precision::Float64, 5e-6, 1e-8},
                      TableBound{"periodic", 500, Precision::Float64, 5e-6, 1e-8},
                      TableBound{"small", 2000, Precision::Float32, 1e-6, 1e-6},
                      TableBound{"periodic", 2000, Precision::Float32, 1e-6, 1e-6},
                      TableBound{"small", 500, Precision::Float32, 5e-6, 1e-6},
                      TableBound{"periodic", 500, Precision::Float32, 5e-6, 1e-6}),
    [](const ::testing::TestParamInfo<TableBound>& info) {
      return std::string(info.param.model) + "_" + std::to_string(info.param.intervals) +
             (info.param.precision == Precision::Float32 ? "_float32" : "_float64");
    });
