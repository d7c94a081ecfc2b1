// Every block's node features transform with Wigner-D under a rotation of
// the structure (parity: proper rotations only, plus inversion checked on
// scalars/pseudo-parity separately).
#include <gtest/gtest.h>

#include <cmath>

#include "equinet/io/safetensors.hpp"
#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/mace_model.hpp"
#include "equinet/neighbor/neighbor_list.hpp"
#include "equinet/so3/wigner_d.hpp"
#include "support/reference_data.hpp"

using namespace equinet;

namespace {

struct Evaluated {
  std::unique_ptr<mace::MaceModel<double>> model;
  models::EdgeGraph<double> graph;
};

void evaluate(mace::MaceModel<double>& model, const equinet::testing::ReferenceStructure& ref,
              const std::vector<double>& pos, const double* cell, models::EdgeGraph<double>& g) {
  neighbor::NeighborBuilder builder;
  neighbor::NeighborList list;
  const bool any = ref.pbc[0] || ref.pbc[1] || ref.pbc[2];
  builder.build(int64_t(ref.numbers.size()), pos.data(), any ? cell : nullptr, ref.pbc,
                model.config().r_max, list);
  g.n_nodes = g.n_centers = g.n_local = int64_t(ref.numbers.size());
  g.species.clear();
  for (int z : ref.numbers)
    g.species.push_back(int(
        std::find(model.config().atomic_numbers.begin(), model.config().atomic_numbers.end(), z) -
        model.config().atomic_numbers.begin()));
  g.recv_offsets = list.offsets;
  g.senders = list.senders;
  g.receivers.clear();
  for (int64_t i = 0; i < g.n_nodes; ++i)
    for (int64_t e = list.offsets[i]; e < list.offsets[i + 1]; ++e) g.receivers.push_back(int(i));
  g.vectors.resize(3 * list.n_edges());
  neighbor::compute_edge_vectors<double>(list, pos.data(), g.vectors.data());
  g.index_by_sender();
  models::ModelOutputs<double> out;
  model.evaluate(g, nullptr, false, out);
}

}  // namespace

class MaceBlockEquivariance : public ::testing::TestWithParam<std::pair<const char*, const char*>> {
};

TEST_P(MaceBlockEquivariance, FeaturesRotateWithWignerD) {
  EQUINET_REQUIRE_SHARED();
  const auto [model_name, structure] = GetParam();
  const std::string dir = equinet::testing::shared_dir() + "/testdata/mace/";
  const auto file = io::SafetensorsFile::open(dir + model_name + ".safetensors");
  const auto config = mace::parse_mace_config(file.metadata_value("equinet.config"), file.path());
  mace::MaceModel<double> a(file, config), b(file, config);
  const auto ref = equinet::testing::load_reference(dir + model_name + "_ref.json", structure);
  const size_t n = ref.numbers.size();

  double R[9];
  const double axis[3] = {-0.4, 0.7, 0.2};
  so3::rotation_matrix(axis, 0.93, R);
  std::vector<double> rpos(3 * n);
  double rcell[9];
  auto rot = [&](const double* v, double* out) {
    for (int i = 0; i < 3; ++i)
      out[i] = R[3 * i] * v[0] + R[3 * i + 1] * v[1] + R[3 * i + 2] * v[2];
  };
  for (size_t i = 0; i < n; ++i) rot(&ref.positions[3 * i], &rpos[3 * i]);
  for (int r = 0; r < 3; ++r) rot(&ref.cell[3 * r], &rcell[3 * r]);
  models::EdgeGraph<double> ga, gb;
  evaluate(a, ref, ref.positions, ref.cell, ga);
  evaluate(b, ref, rpos, rcell, gb);

  int checked = 0;
  for (size_t l = 0; l < a.num_layers(); ++l)
    for (const char* stage : {"messages", "A", "B", "h"}) {
      const auto fa = a.features(l, stage), fb = b.features(l, stage);
      const int dim = fa.irreps.dim();
      for (size_t i = 0; i < n; ++i) {
        int off = 0;
        for (const auto& blk : fa.irreps.blocks()) {
          const int d = blk.ir.dim(), mul = blk.mul;
          const auto D = so3::wigner_D(blk.ir.l, R);
          for (int u = 0; u < mul; ++u)
            for (int m = 0; m < d; ++m) {
              double expect = 0;
              for (int k = 0; k < d; ++k)
                expect += D[m * d + k] * fa.data[i * dim + off + k * mul + u];
              EXPECT_NEAR(fb.data[i * dim + off + m * mul + u], expect, 1e-11)
                  << "layer " << l << " stage " << stage << " atom " << i << " block "
                  << blk.ir.str();
            }
          off += blk.dim();
        }
      }
      ++checked;
    }
  EXPECT_EQ(checked, int(4 * a.num_layers()));
}

INSTANTIATE_TEST_SUITE_P(Structures, MaceBlockEquivariance,
                         ::testing::Values(std::make_pair("small", "water_cluster_9"),
                                           std::make_pair("periodic",
                                                          "si54_triclinic_strained_rattled")));
