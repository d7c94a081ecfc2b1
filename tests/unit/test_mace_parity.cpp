// Generic parity driver: every tests/parity/cases/*.json names a model, a
// mace-torch reference structure, a precision and tolerances. Paths are
// "repo:<path>" (shipped with the repository: never skipped) or
// "shared:<path>" (../shared: skipped when absent). Each case runs
// once per instruction-set variant of the model code usable on this machine
// (equinet::available_isas(): "generic" and the x86-64 levels the CPU has).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <tuple>

#include "support/data_paths.hpp"
#include "support/reference_data.hpp"

using namespace equinet;
using equinet::testing::read_json;

namespace {

std::vector<std::string> case_files() {
  std::vector<std::string> files;
  const std::filesystem::path dir =
      std::filesystem::path(EQUINET_SOURCE_DIR) / "tests/parity/cases";
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

using Param = std::tuple<std::string, std::string>;  // case file, isa

std::string case_name(const ::testing::TestParamInfo<Param>& info) {
  std::string n = std::filesystem::path(std::get<0>(info.param)).stem().string() + "_" +
                  std::get<1>(info.param);
  for (char& c : n)
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  return n;
}

// One mace-torch record against the potential's result.
void expect_record(Potential& pot, const equinet::testing::ReferenceStructure& ref,
                   const nlohmann::json& tol, bool single) {
  SCOPED_TRACE("record " + ref.name);
  Request req;
  req.forces = req.virial = req.atom_energies = true;
  Results res;
  pot.compute(ref.system(), req, res);

  EXPECT_EQ(res.n_edges, ref.n_edges);
  EXPECT_NEAR(res.energy, ref.energy, tol.at("energy_rel").get<double>() * std::abs(ref.energy));
  const size_t n = ref.numbers.size();
  ASSERT_EQ(res.forces.size(), 3 * n);
  double fmax = 0;
  for (double f : ref.forces) fmax = std::max(fmax, std::abs(f));
  const double ftol =
      single ? tol.at("forces_rel_max").get<double>() * fmax : tol.at("forces").get<double>();
  for (size_t k = 0; k < 3 * n; ++k)
    EXPECT_NEAR(res.forces[k], ref.forces[k], ftol) << "component " << k;
  for (size_t i = 0; i < n; ++i)
    EXPECT_NEAR(res.atom_energies[i], ref.node_energy[i], tol.at("node_energy").get<double>())
        << "atom " << i;
  double wmax = 0;
  for (double w : ref.virial) wmax = std::max(wmax, std::abs(w));
  // absolute ("virial", eV) or relative to the largest component ("virial_rel_max")
  const double wtol = tol.contains("virial_rel_max")
                          ? tol.at("virial_rel_max").get<double>() * std::max(wmax, 1.0)
                          : tol.at("virial").get<double>();
  for (int k = 0; k < 9; ++k) EXPECT_NEAR(res.virial[k], ref.virial[k], wtol) << "virial " << k;
  if (ref.has_stress && !single) {
    const double vol = equinet::testing::cell_volume(ref.cell);
    for (int k = 0; k < 9; ++k)
      EXPECT_NEAR(-res.virial[k] / vol, ref.stress[k], tol.at("stress").get<double>())
          << "stress " << k;
  }
}

}  // namespace

class MaceParity : public ::testing::TestWithParam<Param> {};

// "structure": a record name, or "*" for every record of the reference file
// (every head and every charge/spin pair of a foundation-model reference;
// each record's head and per-structure inputs are passed as mace got them).
TEST_P(MaceParity, MatchesMaceTorch) {
  const auto spec = read_json(std::get<0>(GetParam()));
  EQUINET_RESOLVE_DATA(model, spec.at("model").get<std::string>());
  EQUINET_RESOLVE_DATA(reference, spec.at("reference").get<std::string>());
  const std::string structure = spec.at("structure").get<std::string>();
  const auto refs = structure == "*"
                        ? equinet::testing::load_references(reference.path)
                        : std::vector<equinet::testing::ReferenceStructure>{
                              equinet::testing::load_reference(reference.path, structure)};
  ASSERT_FALSE(refs.empty());
  const bool single = spec.at("dtype") == "float32";
  std::map<std::string, std::unique_ptr<Potential>> by_head;
  for (const auto& ref : refs) {
    auto& pot = by_head[ref.head];
    if (!pot) {
      LoadOptions opt;
      opt.precision = single ? Precision::Float32 : Precision::Float64;
      opt.isa = std::get<1>(GetParam());
      opt.head = ref.head;
      pot = Potential::load(model.path, opt);
      ASSERT_EQ(pot->info().isa, opt.isa);
      if (!ref.head.empty()) ASSERT_EQ(pot->info().head, ref.head);
    }
    expect_record(*pot, ref, spec.at("tolerance"), single);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, MaceParity,
                         ::testing::Combine(::testing::ValuesIn(case_files()),
                                            ::testing::ValuesIn(available_isas())),
                         case_name);
