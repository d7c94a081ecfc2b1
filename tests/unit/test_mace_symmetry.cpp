// Invariance of energies and equivariance of forces under rotations,
// translations and permutations of atoms.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "equinet/so3/wigner_d.hpp"
#include "support/reference_data.hpp"

using namespace equinet;

namespace {
struct Case {
  const char* model;
  const char* structure;
};
class MaceSymmetry : public ::testing::TestWithParam<Case> {};

void rotate(const double R[9], const double* in, double* out) {
  for (int a = 0; a < 3; ++a)
    out[a] = R[3 * a] * in[0] + R[3 * a + 1] * in[1] + R[3 * a + 2] * in[2];
}
}  // namespace

TEST_P(MaceSymmetry, RotationTranslationPermutation) {
  EQUINET_REQUIRE_SHARED();
  const auto [model, structure] = GetParam();
  const std::string dir = equinet::testing::shared_dir() + "/testdata/mace/";
  const auto ref = equinet::testing::load_reference(dir + model + "_ref.json", structure);
  auto pot = Potential::load(dir + model + ".safetensors");
  Request req;
  req.forces = req.atom_energies = true;
  Results base;
  pot->compute(ref.system(), req, base);
  const size_t n = ref.numbers.size();

  // rotation (+ translation): rotate positions and cell
  const double axis[3] = {0.3, -0.8, 0.52};
  double R[9];
  so3::rotation_matrix(axis, 2.1, R);
  std::vector<double> pos(3 * n);
  for (size_t i = 0; i < n; ++i) {
    rotate(R, &ref.positions[3 * i], &pos[3 * i]);
    pos[3 * i] += 1.7;
    pos[3 * i + 1] -= 0.4;
    pos[3 * i + 2] += 3.3;
  }
  System s = ref.system();
  s.positions = pos.data();
  for (int r = 0; r < 3; ++r) rotate(R, &ref.cell[3 * r], &s.cell[3 * r]);
  Results rot;
  pot->compute(s, req, rot);
  EXPECT_NEAR(rot.energy, base.energy, 1e-11 * std::abs(base.energy));
  for (size_t i = 0; i < n; ++i) {
    double f[3];
    rotate(R, &base.forces[3 * i], f);
    for (int a = 0; a < 3; ++a) EXPECT_NEAR(rot.forces[3 * i + a], f[a], 1e-10) << "atom " << i;
    EXPECT_NEAR(rot.atom_energies[i], base.atom_energies[i], 1e-10);
  }

  // permutation
  std::vector<size_t> perm(n);
  std::iota(perm.begin(), perm.end(), 0);
  std::shuffle(perm.begin(), perm.end(), std::mt19937(5));
  std::vector<double> ppos(3 * n);
  std::vector<int> pnum(n);
  for (size_t k = 0; k < n; ++k) {
    pnum[k] = ref.numbers[perm[k]];
    for (int a = 0; a < 3; ++a) ppos[3 * k + a] = ref.positions[3 * perm[k] + a];
  }
  System sp = ref.system();
  sp.positions = ppos.data();
  sp.atomic_numbers = pnum.data();
  Results per;
  pot->compute(sp, req, per);
  EXPECT_NEAR(per.energy, base.energy, 1e-11 * std::abs(base.energy));
  for (size_t k = 0; k < n; ++k)
    for (int a = 0; a < 3; ++a)
      EXPECT_NEAR(per.forces[3 * k + a], base.forces[3 * perm[k] + a], 1e-10);
}

INSTANTIATE_TEST_SUITE_P(Structures, MaceSymmetry,
                         ::testing::Values(Case{"small", "water_cluster_9"},
                                           Case{"small", "random_HO_30"},
                                           Case{"periodic", "si54_triclinic_strained_rattled"},
                                           Case{"periodic", "si8_small_cell"}));
