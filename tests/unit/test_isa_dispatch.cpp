// Run-time choice of the instruction-set variant of the model code
// (LoadOptions::isa, EQUINET_ISA, available_isas()): every variant gives the
// generic code's results, and errors thrown inside a variant library are
// still equinet::Error for the caller.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <tuple>

#include "support/error_of.hpp"
#include "support/reference_data.hpp"

using namespace equinet;
using equinet::testing::error_of;

namespace {

std::string model_path(const std::string& name) {
  return equinet::testing::shared_dir() + "/testdata/mace/" + name + ".safetensors";
}

// Sets (or, with nullopt, unsets) EQUINET_ISA for one scope.
class ScopedIsaEnv {
 public:
  explicit ScopedIsaEnv(const std::optional<std::string>& value) {
    if (const char* old = std::getenv("EQUINET_ISA")) old_ = old;
    if (value)
      setenv("EQUINET_ISA", value->c_str(), 1);
    else
      unsetenv("EQUINET_ISA");
  }
  ~ScopedIsaEnv() {
    if (old_)
      setenv("EQUINET_ISA", old_->c_str(), 1);
    else
      unsetenv("EQUINET_ISA");
  }

 private:
  std::optional<std::string> old_;
};

LoadOptions with_isa(const std::string& isa) {
  LoadOptions o;
  o.isa = isa;
  return o;
}

}  // namespace

TEST(IsaDispatch, AvailableStartsWithGenericAndHasNoDuplicates) {
  const auto isas = available_isas();
  ASSERT_FALSE(isas.empty());
  EXPECT_EQ(isas.front(), "generic");
  for (const auto& isa : isas) {
    EXPECT_TRUE(isa == "generic" || isa == "x86-64-v3" || isa == "x86-64-v4") << isa;
    EXPECT_EQ(std::count(isas.begin(), isas.end(), isa), 1) << isa;
  }
}

TEST(IsaDispatch, AutomaticChoiceIsTheLastAvailable) {
  EQUINET_REQUIRE_SHARED();
  ScopedIsaEnv env(std::nullopt);
  const auto pot = Potential::load(model_path("small"));
  EXPECT_EQ(pot->info().isa, available_isas().back());
}

TEST(IsaDispatch, ForcedGenericIsReported) {
  EQUINET_REQUIRE_SHARED();
  const auto pot = Potential::load(model_path("small"), with_isa("generic"));
  EXPECT_EQ(pot->info().isa, "generic");
}

TEST(IsaDispatch, UnknownIsaIsAnErrorNamingItAndTheAvailableOnes) {
  EQUINET_REQUIRE_SHARED();
  const std::string msg =
      error_of([] { Potential::load(model_path("small"), with_isa("avx9000")); });
  EXPECT_NE(msg.find("'avx9000'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("LoadOptions::isa"), std::string::npos) << msg;
  EXPECT_NE(msg.find("available here: generic"), std::string::npos) << msg;
}

// A known variant that this machine cannot use (not built, or the CPU lacks
// it) is refused by name rather than silently replaced.
TEST(IsaDispatch, UnavailableVariantIsAnError) {
  EQUINET_REQUIRE_SHARED();
  const auto isas = available_isas();
  int checked = 0;
  for (const std::string isa : {"x86-64-v3", "x86-64-v4"}) {
    if (std::find(isas.begin(), isas.end(), isa) != isas.end()) continue;
    const std::string msg = error_of([&] { Potential::load(model_path("small"), with_isa(isa)); });
    EXPECT_NE(msg.find("'" + isa + "'"), std::string::npos) << msg;
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "every known variant is available here";
}

TEST(IsaDispatch, EnvironmentVariableOverridesTheAutomaticChoice) {
  EQUINET_REQUIRE_SHARED();
  {
    ScopedIsaEnv env(std::string("generic"));
    EXPECT_EQ(Potential::load(model_path("small"))->info().isa, "generic");
    // LoadOptions::isa wins over the environment
    const std::string best = available_isas().back();
    EXPECT_EQ(Potential::load(model_path("small"), with_isa(best))->info().isa, best);
  }
  {
    ScopedIsaEnv env(std::string("bogus-isa"));
    const std::string msg = error_of([] { Potential::load(model_path("small")); });
    EXPECT_NE(msg.find("'bogus-isa'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("EQUINET_ISA"), std::string::npos) << msg;
  }
  {
    ScopedIsaEnv env(std::string(""));  // empty: automatic
    EXPECT_EQ(Potential::load(model_path("small"))->info().isa, available_isas().back());
  }
}

// Every variant against the generic code: same energies, forces, virials and
// per-atom energies to 1e-10 relative (only the rounding of vectorised sums
// and fused multiply-adds may differ).
class IsaAgreement : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(IsaAgreement, VariantsMatchGeneric) {
  EQUINET_REQUIRE_SHARED();
  const auto isas = available_isas();
  if (isas.size() < 2) GTEST_SKIP() << "no instruction-set variant usable here";
  const std::string model = std::get<0>(GetParam());
  const auto refs = equinet::testing::load_references(equinet::testing::shared_dir() +
                                                      "/testdata/mace/" + model + "_ref.json");
  ASSERT_FALSE(refs.empty());
  const auto& ref = refs.front();
  Request req;
  req.forces = req.virial = req.atom_energies = true;

  const auto evaluate = [&](const std::string& isa) {
    LoadOptions o = with_isa(isa);
    o.radial_table_intervals = std::get<1>(GetParam());
    auto pot = Potential::load(model_path(model), o);
    EXPECT_EQ(pot->info().isa, isa);
    Results res;
    pot->compute(ref.system(), req, res);
    return res;
  };
  const Results base = evaluate("generic");
  double fmax = 0, wmax = 0, emax = 0;
  for (double f : base.forces) fmax = std::max(fmax, std::abs(f));
  for (double w : base.virial) wmax = std::max(wmax, std::abs(w));
  for (double e : base.atom_energies) emax = std::max(emax, std::abs(e));
  const double rel = 1e-10;
  for (size_t k = 1; k < isas.size(); ++k) {
    SCOPED_TRACE(isas[k]);
    const Results r = evaluate(isas[k]);
    EXPECT_EQ(r.n_edges, base.n_edges);
    EXPECT_NEAR(r.energy, base.energy, rel * std::abs(base.energy));
    ASSERT_EQ(r.forces.size(), base.forces.size());
    for (size_t i = 0; i < r.forces.size(); ++i)
      EXPECT_NEAR(r.forces[i], base.forces[i], rel * fmax) << "force component " << i;
    for (int i = 0; i < 9; ++i)
      EXPECT_NEAR(r.virial[i], base.virial[i], rel * std::max(wmax, 1.0)) << "virial " << i;
    ASSERT_EQ(r.atom_energies.size(), base.atom_energies.size());
    for (size_t i = 0; i < r.atom_energies.size(); ++i)
      EXPECT_NEAR(r.atom_energies[i], base.atom_energies[i], rel * emax) << "atom " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Models, IsaAgreement,
                         ::testing::Combine(::testing::Values("small", "periodic"),
                                            ::testing::Values(0, 200)),
                         [](const auto& info) {
                           return std::get<0>(info.param) +
                                  (std::get<1>(info.param) ? "_table" : "_exact");
                         });

// Exceptions thrown by a variant library's code (unknown element, bad graph)
// are caught as equinet::Error across the shared-library boundary.
class IsaErrors : public ::testing::TestWithParam<std::string> {};

TEST_P(IsaErrors, ErrorsThrownInsideTheVariantAreEquinetErrors) {
  EQUINET_REQUIRE_SHARED();
  auto pot = Potential::load(model_path("small"), with_isa(GetParam()));
  ASSERT_EQ(pot->info().isa, GetParam());
  const double positions[6] = {0, 0, 0, 0.96, 0, 0};
  const int numbers[2] = {8, 14};  // Si is not in the H/O model
  System s;
  s.n_atoms = 2;
  s.positions = positions;
  s.atomic_numbers = numbers;
  Request req;
  Results res;
  bool caught = false;
  try {
    pot->compute(s, req, res);
  } catch (const Error& e) {
    caught = true;
    EXPECT_NE(std::string(e.what()).find("atom 1 (Z=14, Si)"), std::string::npos) << e.what();
  } catch (...) {
    ADD_FAILURE() << "not caught as equinet::Error";
  }
  EXPECT_TRUE(caught);

  Graph g;  // n_nodes < n_local
  g.n_local = 2;
  g.n_nodes = 1;
  caught = false;
  try {
    pot->compute(g, req, res);
  } catch (const std::runtime_error& e) {  // equinet::Error's base works too
    caught = dynamic_cast<const Error*>(&e) != nullptr;
    EXPECT_NE(std::string(e.what()).find("inconsistent atom counts"), std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(caught);
}

INSTANTIATE_TEST_SUITE_P(Isas, IsaErrors, ::testing::ValuesIn(available_isas()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (char& c : n)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });
