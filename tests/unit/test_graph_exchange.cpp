// The caller-graph path (what LAMMPS uses): local atoms plus periodic-image
// ghosts and full lists, with node features of ghosts exchanged between
// layers (one-cutoff ghost shell) or recomputed (layers x cutoff shell).
// Both must reproduce the periodic System evaluation exactly.
#include <gtest/gtest.h>

#include <cmath>

#include "support/data_paths.hpp"
#include "support/reference_data.hpp"

using namespace equinet;

namespace {

struct GhostedGraph {
  std::vector<double> positions;
  std::vector<int> numbers, owner;
  std::vector<int64_t> offsets;
  std::vector<int> neighbors;
  int64_t n_local = 0, n_centers = 0;
};

// Images of every atom whose fractional coordinates lie within `margin` Å
// (perpendicular) of the cell; lists within `list_cutoff` for the first
// `centers` atoms (-1: all).
GhostedGraph build(const equinet::testing::ReferenceStructure& ref, double margin,
                   double list_cutoff, bool lists_for_all) {
  GhostedGraph g;
  const size_t n = ref.numbers.size();
  g.n_local = int64_t(n);
  g.positions = ref.positions;
  g.numbers = ref.numbers;
  for (size_t i = 0; i < n; ++i) g.owner.push_back(int(i));
  // reciprocal rows for fractional coordinates and heights
  const double* c = ref.cell;
  const double vol = c[0] * (c[4] * c[8] - c[5] * c[7]) - c[1] * (c[3] * c[8] - c[5] * c[6]) +
                     c[2] * (c[3] * c[7] - c[4] * c[6]);
  double rec[9];
  for (int k = 0; k < 3; ++k) {
    const double* a = c + 3 * ((k + 1) % 3);
    const double* b = c + 3 * ((k + 2) % 3);
    rec[3 * k] = (a[1] * b[2] - a[2] * b[1]) / vol;
    rec[3 * k + 1] = (a[2] * b[0] - a[0] * b[2]) / vol;
    rec[3 * k + 2] = (a[0] * b[1] - a[1] * b[0]) / vol;
  }
  double frac_margin[3];
  int reach[3];
  for (int k = 0; k < 3; ++k) {
    const double h = 1.0 / std::sqrt(rec[3 * k] * rec[3 * k] + rec[3 * k + 1] * rec[3 * k + 1] +
                                     rec[3 * k + 2] * rec[3 * k + 2]);
    frac_margin[k] = margin / h;
    reach[k] = int(std::ceil(frac_margin[k])) + 1;
  }
  for (int a = -reach[0]; a <= reach[0]; ++a)
    for (int b = -reach[1]; b <= reach[1]; ++b)
      for (int d = -reach[2]; d <= reach[2]; ++d) {
        if (a == 0 && b == 0 && d == 0) continue;
        for (size_t i = 0; i < n; ++i) {
          double p[3];
          for (int x = 0; x < 3; ++x)
            p[x] = ref.positions[3 * i + x] + a * c[x] + b * c[3 + x] + d * c[6 + x];
          bool inside = true;
          for (int k = 0; k < 3; ++k) {
            const double f = rec[3 * k] * p[0] + rec[3 * k + 1] * p[1] + rec[3 * k + 2] * p[2];
            inside = inside && f > -frac_margin[k] && f < 1 + frac_margin[k];
          }
          if (!inside) continue;
          g.positions.insert(g.positions.end(), p, p + 3);
          g.numbers.push_back(ref.numbers[i]);
          g.owner.push_back(int(i));
        }
      }
  const int64_t nodes = int64_t(g.numbers.size());
  g.n_centers = lists_for_all ? nodes : g.n_local;
  g.offsets.push_back(0);
  for (int64_t i = 0; i < g.n_centers; ++i) {
    for (int64_t j = 0; j < nodes; ++j) {
      if (i == j) continue;
      double r2 = 0;
      for (int x = 0; x < 3; ++x)
        r2 += std::pow(g.positions[3 * i + x] - g.positions[3 * j + x], 2);
      if (r2 < list_cutoff * list_cutoff) g.neighbors.push_back(int(j));
    }
    g.offsets.push_back(int64_t(g.neighbors.size()));
  }
  return g;
}

// Ghost rows are images of their owners.
class ImageExchange : public GhostExchange {
 public:
  explicit ImageExchange(const GhostedGraph& g) : g_(g) {}
  void forward(double* d, int w) override { fwd(d, w); }
  void forward(float* d, int w) override { fwd(d, w); }
  void reverse(double* d, int w) override { rev(d, w); }
  void reverse(float* d, int w) override { rev(d, w); }
  int forward_calls = 0, reverse_calls = 0;

 private:
  template <typename T>
  void fwd(T* d, int w) {
    ++forward_calls;
    for (size_t i = g_.n_local; i < g_.owner.size(); ++i)
      for (int k = 0; k < w; ++k) d[i * w + k] = d[size_t(g_.owner[i]) * w + k];
  }
  template <typename T>
  void rev(T* d, int w) {
    ++reverse_calls;
    for (size_t i = g_.n_local; i < g_.owner.size(); ++i)
      for (int k = 0; k < w; ++k) {
        d[size_t(g_.owner[i]) * w + k] += d[i * w + k];
        d[i * w + k] = 0;
      }
  }
  const GhostedGraph& g_;
};

Graph as_graph(const GhostedGraph& g, GhostExchange* ex) {
  Graph graph;
  graph.n_local = g.n_local;
  graph.n_nodes = int64_t(g.numbers.size());
  graph.n_centers = g.n_centers;
  graph.positions = g.positions.data();
  graph.atomic_numbers = g.numbers.data();
  graph.neighbor_offsets = g.offsets.data();
  graph.neighbors = g.neighbors.data();
  graph.exchange = ex;
  return graph;
}

void expect_same(const GhostedGraph& g, const Results& got, const Results& want, const char* mode) {
  EXPECT_NEAR(got.energy, want.energy, 1e-10 * std::abs(want.energy)) << mode;
  std::vector<double> folded(want.forces.size(), 0.0), wfold(want.atom_virials.size(), 0.0);
  for (size_t i = 0; i < g.owner.size(); ++i)
    for (int a = 0; a < 3; ++a) folded[3 * g.owner[i] + a] += got.forces[3 * i + a];
  for (size_t i = 0; i < g.owner.size(); ++i)
    for (int k = 0; k < 9; ++k) wfold[9 * g.owner[i] + k] += got.atom_virials[9 * i + k];
  for (size_t k = 0; k < folded.size(); ++k)
    EXPECT_NEAR(folded[k], want.forces[k], 1e-9) << mode << " force " << k;
  for (int k = 0; k < 9; ++k)
    EXPECT_NEAR(got.virial[k], want.virial[k], 1e-8) << mode << " virial " << k;
  for (size_t k = 0; k < wfold.size(); ++k)
    EXPECT_NEAR(wfold[k], want.atom_virials[k], 1e-9) << mode;
  for (size_t i = 0; i < want.atom_energies.size(); ++i)
    EXPECT_NEAR(got.atom_energies[i], want.atom_energies[i], 1e-10) << mode;
}

}  // namespace

struct Case {
  const char* model;  // data path (support/data_paths.hpp) without ".safetensors"
  const char* structure;
};
class GraphPath : public ::testing::TestWithParam<Case> {};

// The graph's per-structure inputs are those of the system (graph_of copies
// positions and species only).
Graph with_inputs(Graph g, const System& s) {
  g.total_charge = s.total_charge;
  g.total_spin = s.total_spin;
  return g;
}

TEST_P(GraphPath, ExchangeAndRecomputeMatchSystem) {
  EQUINET_RESOLVE_DATA(model, GetParam().model);
  const auto ref = equinet::testing::load_reference(model.path + "_ref.json", GetParam().structure);
  LoadOptions opt;
  opt.head = ref.head;
  auto pot = Potential::load(model.path + ".safetensors", opt);
  const double rc = pot->info().cutoff, skin = 0.7;
  Request req;
  req.forces = req.virial = req.atom_energies = req.atom_virials = true;
  Results want;
  pot->compute(ref.system(), req, want);

  // exchange: one cutoff + skin of ghosts, lists for local atoms only
  const auto g1 = build(ref, rc + skin, rc + skin, false);
  ImageExchange ex(g1);
  Results got1;
  pot->compute(with_inputs(as_graph(g1, &ex), ref.system()), req, got1);
  EXPECT_EQ(ex.forward_calls, pot->info().num_layers - 1);
  EXPECT_EQ(ex.reverse_calls, pot->info().num_layers - 1);
  EXPECT_EQ(got1.n_edges, want.n_edges);
  expect_same(g1, got1, want, "exchange");

  // recompute: layers x cutoff + skin of ghosts, lists for every atom
  const auto g2 = build(ref, pot->info().num_layers * rc + skin, rc + skin, true);
  Results got2;
  pot->compute(with_inputs(as_graph(g2, nullptr), ref.system()), req, got2);
  expect_same(g2, got2, want, "recompute");

  // per-atom quantities add up
  double e = 0, w[9] = {0};
  for (double x : want.atom_energies) e += x;
  for (size_t i = 0; i < want.atom_virials.size(); ++i) w[i % 9] += want.atom_virials[i];
  EXPECT_NEAR(e, want.energy, 1e-9);
  for (int k = 0; k < 9; ++k) EXPECT_NEAR(w[k], want.virial[k], 1e-9);
}

INSTANTIATE_TEST_SUITE_P(Structures, GraphPath,
                         ::testing::Values(Case{"shared:testdata/mace/periodic", "si64_rattled"},
                                           Case{"shared:testdata/mace/periodic",
                                                "si54_triclinic_strained_rattled"},
                                           Case{"shared:testdata/mace/periodic", "si8_small_cell"},
                                           Case{"shared:testdata/mace-foundation/density_zbl",
                                                "srtio3_triclinic_strained_1x2x2"},
                                           Case{"shared:testdata/mace-foundation/nonlinear_heads",
                                                "bcc_fe16_rattled@omat_pbe"},
                                           Case{"shared:testdata/mace-foundation/omol_like",
                                                "box_acetamide_ethanol_water4_cubic@q-1_s2"}),
                         equinet::testing::data_case_name<Case>);
