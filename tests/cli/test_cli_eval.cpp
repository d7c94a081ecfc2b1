// `equinet eval` against the mace-torch references in ../shared/testdata/mace:
// inputs are written from the full-precision *_ref.json, the output extxyz is
// read back and compared; plus the shipped (rounded) *_ref.extxyz files.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "cli/cli_test_support.hpp"
#include "equinet/io/extxyz.hpp"
#include "support/reference_data.hpp"

using namespace equinet;
using namespace equinet::testing;

namespace {

io::Frame frame_of(const ReferenceStructure& r) {
  io::Frame f;
  f.positions = r.positions;
  f.numbers = r.numbers;
  for (int z : r.numbers) f.symbols.push_back(element_symbol(z));
  f.has_cell = r.pbc[0] || r.pbc[1] || r.pbc[2];
  for (int k = 0; k < 9; ++k) f.cell[k] = f.has_cell ? r.cell[k] : 0.0;
  for (int k = 0; k < 3; ++k) f.pbc[k] = r.pbc[k];
  f.info["name"] = io::InfoValue::string(r.name);
  // A stale result in the input must be replaced, never kept.
  f.info["energy"] = io::InfoValue::real(12345.0);
  return f;
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

struct Tolerance {
  double energy_rel, forces, node_energy, virial, stress;
};

// float64: the parity targets of CONVENTIONS.md; float32: relative to the
// largest component, as in tests/parity/cases/*_float32.json.
Tolerance tolerance_for(const ReferenceStructure& r, bool single) {
  if (!single) return {1e-10, 1e-8, 1e-9, 1e-8, 1e-8};
  const double fmax = max_abs(r.forces);
  const double wmax = std::max(max_abs(std::vector<double>(r.virial, r.virial + 9)), 1.0);
  const double vol = r.has_stress ? cell_volume(r.cell) : 1.0;
  return {1e-6, 1e-4 * fmax, 1e-3, 1e-4 * wmax, 1e-4 * wmax / vol};
}

void expect_results(const io::Frame& out, const ReferenceStructure& ref, const Tolerance& tol) {
  SCOPED_TRACE(ref.name);
  ASSERT_EQ(out.numbers, ref.numbers);
  ASSERT_EQ(out.positions, ref.positions);  // input kept bit for bit
  EXPECT_NEAR(out.info.at("energy").as_real(), ref.energy, tol.energy_rel * std::abs(ref.energy));
  const auto& forces = out.arrays.at("forces");
  ASSERT_EQ(forces.ncols, 3);
  ASSERT_EQ(forces.values.size(), ref.forces.size());
  for (size_t k = 0; k < ref.forces.size(); ++k)
    EXPECT_NEAR(forces.values[k], ref.forces[k], tol.forces) << "force component " << k;
  const auto& node_energy = out.arrays.at("node_energy").values;
  ASSERT_EQ(node_energy.size(), ref.node_energy.size());
  for (size_t i = 0; i < node_energy.size(); ++i)
    EXPECT_NEAR(node_energy[i], ref.node_energy[i], tol.node_energy) << "atom " << i;
  const auto& virial = out.info.at("virial").as_array();
  ASSERT_EQ(virial.size(), 9u);
  for (int k = 0; k < 9; ++k) EXPECT_NEAR(virial[k], ref.virial[k], tol.virial) << "virial " << k;
  ASSERT_EQ(out.info.count("stress"), ref.has_stress ? 1u : 0u);
  if (ref.has_stress) {
    const auto& stress = out.info.at("stress").as_array();
    ASSERT_EQ(stress.size(), 9u);
    for (int k = 0; k < 9; ++k) EXPECT_NEAR(stress[k], ref.stress[k], tol.stress) << "stress " << k;
    for (int k = 0; k < 9; ++k) EXPECT_EQ(out.cell[k], ref.cell[k]);
  } else {
    EXPECT_FALSE(out.has_cell);
  }
  for (int k = 0; k < 3; ++k) EXPECT_EQ(out.pbc[k], ref.pbc[k]);
}

struct EvalCase {
  std::string model;  // small or periodic
  std::string dtype;
};

void PrintTo(const EvalCase& c, std::ostream* os) { *os << c.model << " " << c.dtype; }

std::string case_name(const ::testing::TestParamInfo<EvalCase>& info) {
  return info.param.model + "_" + info.param.dtype;
}

}  // namespace

class CliEval : public ::testing::TestWithParam<EvalCase> {};

TEST_P(CliEval, ReproducesMaceTorchReferences) {
  EQUINET_REQUIRE_SHARED();
  const auto& param = GetParam();
  const std::string dir = shared_dir() + "/testdata/mace/";
  const auto refs = load_references(dir + param.model + "_ref.json");
  const auto work = test_work_dir();
  std::vector<io::Frame> frames;
  for (const auto& r : refs) frames.push_back(frame_of(r));
  const std::string in = (work / "in.extxyz").string(), out = (work / "out.extxyz").string();
  io::write_extxyz(in, frames);

  const auto run = run_cli(
      {"eval", dir + param.model + ".safetensors", in, "-o", out, "--dtype", param.dtype}, work);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto result = io::read_extxyz(out);
  ASSERT_EQ(result.size(), refs.size());
  for (size_t f = 0; f < refs.size(); ++f) {
    expect_results(result[f], refs[f], tolerance_for(refs[f], param.dtype == "float32"));
    EXPECT_EQ(result[f].info.at("name").text, refs[f].name);  // other input keys kept
  }
}

INSTANTIATE_TEST_SUITE_P(References, CliEval,
                         ::testing::Values(EvalCase{"small", "float64"},
                                           EvalCase{"periodic", "float64"},
                                           EvalCase{"small", "float32"},
                                           EvalCase{"periodic", "float32"}),
                         case_name);

// The shipped *_ref.extxyz hold the same structures with positions rounded
// to 8 decimals (|δx| <= 5e-9 Å). Results therefore differ from the stored
// ones by about |∂F/∂x| δx (stiffest Si/O-H terms: < 1e3 eV/Å², so < 1e-5 eV/Å)
// plus the 8-decimal rounding of the stored forces themselves.
TEST(CliEvalShipped, RoundedReferenceFilesAgreeWithinRounding) {
  EQUINET_REQUIRE_SHARED();
  const std::string dir = shared_dir() + "/testdata/mace/";
  for (const std::string model : {"small", "periodic"}) {
    const auto work = test_work_dir();
    const std::string in = dir + model + "_ref.extxyz", out = (work / "out.extxyz").string();
    const auto run = run_cli({"eval", dir + model + ".safetensors", in, "-o", out}, work);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto expected = io::read_extxyz(in);
    const auto result = io::read_extxyz(out);
    ASSERT_EQ(result.size(), expected.size());
    for (size_t f = 0; f < result.size(); ++f) {
      SCOPED_TRACE(model + " frame " + std::to_string(f));
      EXPECT_EQ(result[f].positions, expected[f].positions);
      const double e = expected[f].info.at("energy").as_real();
      EXPECT_NEAR(result[f].info.at("energy").as_real(), e, 1e-9 * std::abs(e));
      const auto& fo = result[f].arrays.at("forces").values;
      const auto& fe = expected[f].arrays.at("forces").values;
      ASSERT_EQ(fo.size(), fe.size());
      for (size_t k = 0; k < fo.size(); ++k) EXPECT_NEAR(fo[k], fe[k], 1e-5) << "component " << k;
    }
  }
}

// --radial-table N reaches the core: a fine table (2000 intervals) stays at
// the reference within the float64 force tolerance, a coarse one (8)
// visibly changes the forces.
TEST(CliEvalOptions, RadialTableIsPassedToTheModel) {
  EQUINET_REQUIRE_SHARED();
  const std::string dir = shared_dir() + "/testdata/mace/";
  const auto refs = load_references(dir + "periodic_ref.json");
  const auto work = test_work_dir();
  std::vector<io::Frame> frames;
  for (const auto& r : refs) frames.push_back(frame_of(r));
  const std::string in = (work / "in.extxyz").string();
  io::write_extxyz(in, frames);
  auto forces_with = [&](const std::string& intervals) {
    const std::string out = (work / ("out" + intervals + ".extxyz")).string();
    const auto run = run_cli(
        {"eval", dir + "periodic.safetensors", in, "-o", out, "--radial-table", intervals}, work);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    std::vector<double> all;
    for (const auto& f : io::read_extxyz(out)) {
      const auto& v = f.arrays.at("forces").values;
      all.insert(all.end(), v.begin(), v.end());
    }
    return all;
  };
  std::vector<double> reference;
  for (const auto& r : refs) reference.insert(reference.end(), r.forces.begin(), r.forces.end());
  const auto fine = forces_with("2000"), coarse = forces_with("8");
  ASSERT_EQ(fine.size(), reference.size());
  ASSERT_EQ(coarse.size(), reference.size());
  double fine_err = 0, coarse_err = 0;
  for (size_t k = 0; k < reference.size(); ++k) {
    fine_err = std::max(fine_err, std::abs(fine[k] - reference[k]));
    coarse_err = std::max(coarse_err, std::abs(coarse[k] - reference[k]));
  }
  EXPECT_LT(fine_err, 1e-8);
  EXPECT_GT(coarse_err, 1e-6);
}

// Stress needs a volume: written for fully periodic frames only (a stale
// input stress is dropped), the virial always; the frame's own pbc is kept.
TEST(CliEvalOptions, StressOnlyForFullyPeriodicFrames) {
  EQUINET_REQUIRE_SHARED();
  const auto work = test_work_dir();
  auto frames = io::read_extxyz(example_si8());
  frames.push_back(frames[0]);
  frames[1].pbc[2] = false;  // a slab: periodic in x and y only
  for (auto& f : frames) f.info["stress"] = io::InfoValue::real_array(std::vector<double>(9, 7.0));
  const std::string in = (work / "in.extxyz").string(), out = (work / "out.extxyz").string();
  io::write_extxyz(in, frames);
  const auto run = run_cli({"eval", shared_dir() + "/testdata/mace/periodic.safetensors", in, "-o",
                            out, "--threads", "1", "--quiet"},
                           work);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.err, "");
  const auto result = io::read_extxyz(out);
  ASSERT_EQ(result.size(), 2u);
  ASSERT_EQ(result[0].info.count("stress"), 1u);
  EXPECT_NE(result[0].info.at("stress").as_array()[0], 7.0);
  EXPECT_EQ(result[1].info.count("stress"), 0u);
  EXPECT_EQ(result[1].info.at("virial").as_array().size(), 9u);
  EXPECT_FALSE(result[1].pbc[2]);
  // Perfect diamond: zero forces by symmetry, isotropic stress.
  for (double f : result[0].arrays.at("forces").values) EXPECT_NEAR(f, 0.0, 1e-10);
  const auto& s = result[0].info.at("stress").as_array();
  EXPECT_NEAR(s[0], s[4], 1e-12);
  EXPECT_NEAR(s[0], s[8], 1e-12);
  EXPECT_NEAR(s[1], 0.0, 1e-12);
}
