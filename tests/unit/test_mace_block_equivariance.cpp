// The intermediate node features of every layer and stage transform as
// their irreps say when the structure is transformed:
//   rotation R:   block (l, p) -> Wigner D^l(R) applied over m,
//   inversion -1: block (l, p) -> p times itself (e3nn: 1o flips sign, 1e
//                 does not, 0e is invariant, 0o flips),
// and under both the energies are invariant; under inversion forces flip.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "equinet/io/safetensors.hpp"
#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/mace_model.hpp"
#include "equinet/neighbor/verlet_list.hpp"
#include "equinet/so3/wigner_d.hpp"
#include "support/reference_data.hpp"

using namespace equinet;

namespace {

using Structure = equinet::testing::ReferenceStructure;

// Builds the graph of `s` (the Verlet list fills it, as compute(System)
// does) and evaluates the model on it (energies only).
void evaluate(mace::MaceModel<double>& model, const Structure& s, models::EdgeGraph<double>& g,
              models::ModelOutputs<double>& out) {
  neighbor::VerletNeighborList list(0.0);
  const bool any = s.pbc[0] || s.pbc[1] || s.pbc[2];
  list.update(int64_t(s.numbers.size()), s.positions.data(), any ? s.cell : nullptr, s.pbc,
              model.config().r_max, g);
  g.n_nodes = g.n_centers = g.n_local = int64_t(s.numbers.size());
  const auto& z = model.config().atomic_numbers;
  g.species.clear();
  for (int n : s.numbers) g.species.push_back(int(std::find(z.begin(), z.end(), n) - z.begin()));
  g.index_by_sender();
  model.evaluate(g, nullptr, false, out);
}

struct Transform {
  const char* name;
  bool inversion;  // else the rotation below
};

// The rotation used (an arbitrary axis and angle).
void rotation(double R[9]) {
  const double axis[3] = {-0.4, 0.7, 0.2};
  so3::rotation_matrix(axis, 0.93, R);
}

// The transform's action on a vector (positions, cell vectors, forces).
void apply(const Transform& t, const double* v, double* w) {
  if (t.inversion) {
    for (int a = 0; a < 3; ++a) w[a] = -v[a];
    return;
  }
  double R[9];
  rotation(R);
  for (int a = 0; a < 3; ++a) w[a] = R[3 * a] * v[0] + R[3 * a + 1] * v[1] + R[3 * a + 2] * v[2];
}

// The transformed structure. Inversion negates positions and keeps the cell:
// a lattice is centrosymmetric, so the inverted crystal has the same cell.
Structure transformed(const Structure& s, const Transform& t) {
  Structure out = s;
  for (size_t i = 0; i < s.numbers.size(); ++i)
    apply(t, &s.positions[3 * i], &out.positions[3 * i]);
  if (!t.inversion)
    for (int r = 0; r < 3; ++r) apply(t, &s.cell[3 * r], &out.cell[3 * r]);
  return out;
}

// The representation matrix of irrep `ir` for the transform ((2l+1)^2, row-major).
std::vector<double> representation(const so3::Irrep& ir, const Transform& t) {
  if (!t.inversion) {
    double R[9];
    rotation(R);
    return so3::wigner_D(ir.l, R);
  }
  std::vector<double> D(size_t(ir.dim() * ir.dim()), 0.0);
  for (int m = 0; m < ir.dim(); ++m) D[m * ir.dim() + m] = double(ir.p);
  return D;
}

struct Case {
  const char* model;
  const char* structure;
  Transform transform;
};

class MaceBlockEquivariance : public ::testing::TestWithParam<Case> {};

std::string case_name(const ::testing::TestParamInfo<Case>& i) {
  return std::string(i.param.model) + "_" + i.param.structure + "_" + i.param.transform.name;
}

}  // namespace

TEST_P(MaceBlockEquivariance, FeaturesTransformByTheirIrreps) {
  EQUINET_REQUIRE_SHARED();
  const auto c = GetParam();
  const std::string dir = equinet::testing::shared_dir() + "/testdata/mace/";
  const auto file = io::SafetensorsFile::open(dir + c.model + ".safetensors");
  const auto config = mace::parse_mace_config(file.metadata_value("equinet.config"), file.path());
  const auto weights = mace::read_mace_weights(file, config, 0);
  mace::MaceModel<double> a(weights, config), b(weights, config);
  const auto ref = equinet::testing::load_reference(dir + c.model + "_ref.json", c.structure);
  const size_t n = ref.numbers.size();
  models::EdgeGraph<double> ga, gb;
  models::ModelOutputs<double> oa, ob;
  evaluate(a, ref, ga, oa);
  evaluate(b, transformed(ref, c.transform), gb, ob);
  ASSERT_EQ(ga.n_edges(), gb.n_edges());

  ASSERT_GT(a.num_layers(), 1u);
  for (size_t l = 0; l < a.num_layers(); ++l)
    for (const char* stage : {"messages", "A", "B", "h"}) {
      const auto fa = a.features(l, stage), fb = b.features(l, stage);
      ASSERT_EQ(fa.irreps, fb.irreps);
      const int dim = fa.irreps.dim();
      ASSERT_GT(dim, 0) << "layer " << l << " stage " << stage;
      int off = 0;
      for (const auto& blk : fa.irreps.blocks()) {
        const int d = blk.ir.dim(), mul = blk.mul;
        const auto D = representation(blk.ir, c.transform);
        // the block must be there to be tested, and must change where its
        // representation is not the identity
        double size = 0, change = 0;
        for (size_t i = 0; i < n; ++i)
          for (int u = 0; u < mul; ++u)
            for (int m = 0; m < d; ++m) {
              double expect = 0;
              for (int k = 0; k < d; ++k)
                expect += D[m * d + k] * fa.data[i * dim + off + k * mul + u];
              const double got = fb.data[i * dim + off + m * mul + u];
              const double before = fa.data[i * dim + off + m * mul + u];
              EXPECT_NEAR(got, expect, 1e-11 * std::max(1.0, std::abs(expect)))
                  << "layer " << l << " stage " << stage << " atom " << i << " block "
                  << blk.ir.str() << " m " << m << " channel " << u;
              size = std::max(size, std::abs(before));
              change = std::max(change, std::abs(got - before));
            }
        EXPECT_GT(size, 1e-6) << "layer " << l << " stage " << stage << " block " << blk.ir.str()
                              << " is zero";
        const bool identity = c.transform.inversion ? blk.ir.p == 1 : blk.ir.l == 0;
        if (!identity)
          EXPECT_GT(change, 1e-6) << "layer " << l << " stage " << stage << " block "
                                  << blk.ir.str() << " did not change under " << c.transform.name;
        off += blk.dim();
      }
      EXPECT_EQ(off, dim);
    }
  for (size_t i = 0; i < n; ++i)
    EXPECT_NEAR(ob.node_energies[i], oa.node_energies[i], 1e-10 * std::abs(oa.node_energies[i]))
        << "atom " << i;
}

TEST_P(MaceBlockEquivariance, ForcesTransformAsVectors) {
  EQUINET_REQUIRE_SHARED();
  const auto c = GetParam();
  const std::string dir = equinet::testing::shared_dir() + "/testdata/mace/";
  auto pot = Potential::load(dir + c.model + ".safetensors");
  const auto ref = equinet::testing::load_reference(dir + c.model + "_ref.json", c.structure);
  const auto moved = transformed(ref, c.transform);
  Request req;
  req.forces = true;
  Results ra, rb;
  pot->compute(ref.system(), req, ra);
  pot->compute(moved.system(), req, rb);
  EXPECT_NEAR(rb.energy, ra.energy, 1e-11 * std::abs(ra.energy));
  double fmax = 0;
  for (double f : ra.forces) fmax = std::max(fmax, std::abs(f));
  ASSERT_GT(fmax, 1e-3);
  for (size_t i = 0; i < ref.numbers.size(); ++i) {
    double expect[3];
    apply(c.transform, &ra.forces[3 * i], expect);
    for (int a = 0; a < 3; ++a)
      EXPECT_NEAR(rb.forces[3 * i + a], expect[a], 1e-10 * std::max(1.0, fmax)) << "atom " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Structures, MaceBlockEquivariance,
    ::testing::Values(Case{"small", "water_cluster_9", {"rotation", false}},
                      Case{"small", "water_cluster_9", {"inversion", true}},
                      Case{"periodic", "si54_triclinic_strained_rattled", {"rotation", false}},
                      Case{"periodic", "si54_triclinic_strained_rattled", {"inversion", true}}),
    case_name);
