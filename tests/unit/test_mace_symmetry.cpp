// Invariance of energies and equivariance of forces under rotations,
// translations, permutations of atoms and inversion.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "equinet/so3/wigner_d.hpp"
#include "support/data_paths.hpp"
#include "support/reference_data.hpp"

using namespace equinet;

namespace {
struct Case {
  const char* model;  // data path (support/data_paths.hpp) without ".safetensors"
  const char* structure;
  // float64 round-off of the model on the structure: 1e-10 eV/Å for the
  // reference models; the trained si-sw-mace has large cancelling edge terms
  // on liquid frames (~1e-8 eV/Å, its parity tolerance)
  double force_tol = 1e-10;
  double energy_rel_tol = 1e-11;
};
class MaceSymmetry : public ::testing::TestWithParam<Case> {};

void rotate(const double R[9], const double* in, double* out) {
  for (int a = 0; a < 3; ++a)
    out[a] = R[3 * a] * in[0] + R[3 * a + 1] * in[1] + R[3 * a + 2] * in[2];
}
}  // namespace

TEST_P(MaceSymmetry, RotationTranslationPermutationInversion) {
  const Case& c = GetParam();
  EQUINET_RESOLVE_DATA(model, c.model);
  const auto ref = equinet::testing::load_reference(model.path + "_ref.json", c.structure);
  LoadOptions opt;
  opt.head = ref.head;  // a foundation-model record's head ("" otherwise)
  auto pot = Potential::load(model.path + ".safetensors", opt);
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
  EXPECT_NEAR(rot.energy, base.energy, c.energy_rel_tol * std::abs(base.energy));
  for (size_t i = 0; i < n; ++i) {
    double f[3];
    rotate(R, &base.forces[3 * i], f);
    for (int a = 0; a < 3; ++a)
      EXPECT_NEAR(rot.forces[3 * i + a], f[a], c.force_tol) << "atom " << i;
    EXPECT_NEAR(rot.atom_energies[i], base.atom_energies[i], c.force_tol);
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
  EXPECT_NEAR(per.energy, base.energy, c.energy_rel_tol * std::abs(base.energy));
  for (size_t k = 0; k < n; ++k)
    for (int a = 0; a < 3; ++a)
      EXPECT_NEAR(per.forces[3 * k + a], base.forces[3 * perm[k] + a], c.force_tol);

  // inversion x -> -x (the cell stays: a lattice is centrosymmetric):
  // energies invariant, forces flip sign
  std::vector<double> ipos(3 * n);
  for (size_t k = 0; k < 3 * n; ++k) ipos[k] = -ref.positions[k];
  System si = ref.system();
  si.positions = ipos.data();
  Results inv;
  pot->compute(si, req, inv);
  EXPECT_NEAR(inv.energy, base.energy, c.energy_rel_tol * std::abs(base.energy));
  for (size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(inv.atom_energies[i], base.atom_energies[i], c.force_tol) << "atom " << i;
    for (int a = 0; a < 3; ++a)
      EXPECT_NEAR(inv.forces[3 * i + a], -base.forces[3 * i + a], c.force_tol) << "atom " << i;
  }
  // the checks above compare something: forces are not all zero
  double fmax = 0;
  for (double f : base.forces) fmax = std::max(fmax, std::abs(f));
  EXPECT_GT(fmax, 1e-3);
}

INSTANTIATE_TEST_SUITE_P(
    Structures, MaceSymmetry,
    ::testing::Values(
        Case{"shared:testdata/mace/small", "water_cluster_9"},
        Case{"shared:testdata/mace/small", "random_HO_30"},
        Case{"shared:testdata/mace/periodic", "si54_triclinic_strained_rattled"},
        Case{"shared:testdata/mace/periodic", "si8_small_cell"},
        // the shipped potentials: run without ../shared
        Case{"repo:potentials/si-sw-mace", "test55_liquid_1", 1e-8, 1e-10},
        Case{"repo:potentials/ethanol-xtb-mace", "test0_md500K_A"},
        // foundation-model options (ZBL's large forces: looser absolute tolerance)
        Case{"shared:testdata/mace-foundation/density_zbl", "sr8tio6_cluster_TiO_0.90", 1e-9},
        Case{"shared:testdata/mace-foundation/density_zbl", "srtio3_2x2x2_rattled", 1e-9},
        Case{"shared:testdata/mace-foundation/nonlinear_heads", "fe_co5_rattled@spice_wB97M", 1e-9,
             1e-11},
        Case{"shared:testdata/mace-foundation/omol_like", "acetamide_water2@q-1_s2"},
        Case{"shared:testdata/mace-foundation/finetuned_two_heads", "water_cluster_8@Default"}),
    equinet::testing::data_case_name<Case>);
