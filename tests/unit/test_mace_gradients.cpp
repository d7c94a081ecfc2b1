// Checks that need no reference: forces are -dE/dx and the virial is -dE/dε
// (central finite differences of our own energy).
#include <gtest/gtest.h>

#include <cmath>

#include "support/reference_data.hpp"

using namespace equinet;

namespace {
struct Case {
  const char* model;
  const char* structure;
};
class MaceGradients : public ::testing::TestWithParam<Case> {};

double energy_of(Potential& pot, System s) {
  Results r;
  Request q;
  q.forces = false;
  pot.compute(s, q, r);
  return r.energy;
}
}  // namespace

TEST_P(MaceGradients, ForcesAndVirialAreEnergyDerivatives) {
  EQUINET_REQUIRE_SHARED();
  const auto [model, structure] = GetParam();
  const std::string dir = equinet::testing::shared_dir() + "/testdata/mace/";
  auto ref = equinet::testing::load_reference(dir + model + "_ref.json", structure);
  auto pot = Potential::load(dir + model + ".safetensors");
  Request req;
  req.forces = req.virial = true;
  Results res;
  pot->compute(ref.system(), req, res);

  const double h = 1e-4;
  std::vector<double> pos = ref.positions;
  System s = ref.system();
  s.positions = pos.data();
  // every component for small systems, a spread subset for large ones
  const size_t stride = pos.size() > 60 ? 7 : 1;
  for (size_t k = 0; k < pos.size(); k += stride) {
    const double x0 = pos[k];
    pos[k] = x0 + h;
    const double ep = energy_of(*pot, s);
    pos[k] = x0 - h;
    const double em = energy_of(*pot, s);
    pos[k] = x0;
    EXPECT_NEAR(res.forces[k], -(ep - em) / (2 * h), 2e-7) << "component " << k;
  }
  // strain x -> (1 + ε) x applied to positions and cell
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      double e_pm[2];
      for (int sgn = 0; sgn < 2; ++sgn) {
        const double eps = sgn == 0 ? h : -h;
        std::vector<double> p2 = ref.positions;
        System s2 = ref.system();
        for (size_t i = 0; i < p2.size() / 3; ++i) p2[3 * i + a] += eps * ref.positions[3 * i + b];
        for (int r = 0; r < 3; ++r) s2.cell[3 * r + a] += eps * ref.cell[3 * r + b];
        s2.positions = p2.data();
        e_pm[sgn] = energy_of(*pot, s2);
      }
      EXPECT_NEAR(res.virial[3 * a + b], -(e_pm[0] - e_pm[1]) / (2 * h), 2e-7)
          << "virial " << a << b;
    }
}

INSTANTIATE_TEST_SUITE_P(Structures, MaceGradients,
                         ::testing::Values(Case{"small", "water_dimer"},
                                           Case{"periodic", "si8_small_cell"},
                                           Case{"periodic", "si54_triclinic_strained_rattled"}));
