// A second model family, written here and registered at run time through the
// same ModelFamily entry the library tables use: a tiny pair potential
//   E = Σ_i E0[s_i] + Σ_{edges i<-j} ½ A[s_i][s_j] exp(-r/ρ) f_c(r),
//   f_c(r) = ½ (cos(π r / r_c) + 1),
// on models::GraphPotential. It loads from bytes, is inspected without being
// built, evaluates on systems and graphs, and its forces and virial are the
// derivatives of its energy — without any MACE code.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "equinet/io/safetensors.hpp"
#include "equinet/models/common/graph_potential.hpp"
#include "equinet/runtime/family_registry.hpp"
#include "support/error_of.hpp"

using namespace equinet;

namespace {

constexpr double kPi = 3.14159265358979323846;

struct PairConfig {
  double cutoff = 0, rho = 0;
  std::vector<int> elements;
  std::vector<double> e0, amplitude;  // n_el, n_el x n_el
};

PairConfig read_config(const io::SafetensorsFile& file) {
  PairConfig c;
  const auto j = nlohmann::json::parse(file.metadata_value("equinet.config"));
  c.cutoff = j.at("cutoff").get<double>();
  c.rho = j.at("rho").get<double>();
  c.elements = j.at("elements").get<std::vector<int>>();
  const int64_t n = int64_t(c.elements.size());
  c.e0 = file.read_f64("e0", {n});
  c.amplitude = file.read_f64("amplitude", {n, n});
  return c;
}

ModelInfo describe(const PairConfig& c) {
  ModelInfo i;
  i.source = "test-pair";
  i.cutoff = c.cutoff;
  i.atomic_numbers = c.elements;
  i.num_layers = 1;
  i.num_parameters = int64_t(c.amplitude.size());
  i.hyperparameters = {{"rho", std::to_string(c.rho)}};
  return i;
}

template <typename T>
class PairModel {
 public:
  explicit PairModel(PairConfig c) : c_(std::move(c)) {}
  ModelInfo info() const { return describe(c_); }
  int max_exchange_width() const { return 0; }

  void evaluate(const models::EdgeGraph<T>& g, GhostExchange*, bool gradients,
                models::ModelOutputs<T>& out) const {
    const size_t n_el = c_.elements.size();
    out.node_energies.assign(size_t(g.n_local), 0.0);
    out.edge_forces.assign(size_t(g.n_edges()) * 3, T(0));
    for (int64_t i = 0; i < g.n_local; ++i) out.node_energies[i] = c_.e0[g.species[i]];
    for (int64_t e = 0; e < g.n_edges(); ++e) {
      const int i = g.receivers[e], j = g.senders[e];
      const T* v = &g.vectors[3 * e];
      const double r = std::sqrt(double(v[0]) * v[0] + double(v[1]) * v[1] + double(v[2]) * v[2]);
      const double a = 0.5 * c_.amplitude[g.species[i] * n_el + g.species[j]];
      const double x = kPi * r / c_.cutoff, fc = 0.5 * (std::cos(x) + 1);
      const double dfc = -0.5 * std::sin(x) * kPi / c_.cutoff, ex = std::exp(-r / c_.rho);
      if (i < g.n_local) out.node_energies[i] += a * ex * fc;
      if (gradients && i < g.n_local) {
        const double dE_dr = a * ex * (dfc - fc / c_.rho);
        for (int k = 0; k < 3; ++k) out.edge_forces[3 * e + k] = T(dE_dr * v[k] / r);
      }
    }
  }

 private:
  PairConfig c_;
};

ModelInfo inspect_pair(const io::SafetensorsFile& file) { return describe(read_config(file)); }

std::unique_ptr<Potential> make_pair(const io::SafetensorsFile& file, const LoadOptions& options) {
  if (options.precision == Precision::Float32)
    return std::make_unique<models::GraphPotential<PairModel<float>, float>>(file, options,
                                                                             read_config(file));
  return std::make_unique<models::GraphPotential<PairModel<double>, double>>(file, options,
                                                                             read_config(file));
}

const models::ModelFamily kPairFamily{"test-pair", &inspect_pair, &make_pair};

std::vector<uint8_t> pair_model_bytes() {
  std::map<std::string, io::TensorData> tensors;
  tensors["e0"] = io::TensorData::f64({2}, {-1.5, -4.25});
  tensors["amplitude"] = io::TensorData::f64({2, 2}, {3.0, 1.7, 1.7, 2.2});
  return io::serialize_safetensors(
      tensors, {{"equinet.format_version", "1"},
                {"equinet.source", "test-pair"},
                {"equinet.config", R"({"cutoff": 3.5, "rho": 0.9, "elements": [1, 8]})"}});
}

class PairFamily : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { runtime::register_family(kPairFamily); }
};

struct Cluster {
  std::vector<double> positions;
  std::vector<int> numbers;
  System system() const {
    System s;
    s.n_atoms = int64_t(numbers.size());
    s.positions = positions.data();
    s.atomic_numbers = numbers.data();
    return s;
  }
};

Cluster random_cluster(int n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 4.0);
  Cluster c;
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < 3; ++k) c.positions.push_back(u(rng));
    c.numbers.push_back(i % 3 == 0 ? 8 : 1);
  }
  return c;
}

double energy(Potential& pot, const System& s) {
  Request q;
  q.forces = false;
  Results r;
  pot.compute(s, q, r);
  return r.energy;
}

}  // namespace

TEST_F(PairFamily, InspectReadsWithoutBuilding) {
  const ModelInfo info = inspect_bytes(pair_model_bytes(), "pair.safetensors");
  EXPECT_EQ(info.source, "test-pair");
  EXPECT_EQ(info.format_version, 1);
  EXPECT_EQ(info.cutoff, 3.5);
  EXPECT_EQ(info.atomic_numbers, (std::vector<int>{1, 8}));
  EXPECT_EQ(info.num_parameters, 4);
  EXPECT_EQ(info.hyperparameter("rho"), std::to_string(0.9));
  EXPECT_TRUE(info.isa.empty());
}

TEST_F(PairFamily, LoadsAndMatchesADirectSum) {
  auto pot = Potential::load_from_bytes(pair_model_bytes(), "pair.safetensors");
  EXPECT_EQ(pot->info().source, "test-pair");
  EXPECT_EQ(pot->info().isa, "generic");  // a registered family runs its own code
  const Cluster c = random_cluster(9, 3);
  // direct double sum over ordered pairs within the cutoff
  const double A[2][2] = {{3.0, 1.7}, {1.7, 2.2}}, E0[2] = {-1.5, -4.25};
  double want = 0;
  for (size_t i = 0; i < c.numbers.size(); ++i) {
    const int si = c.numbers[i] == 8;
    want += E0[si];
    for (size_t j = 0; j < c.numbers.size(); ++j) {
      if (i == j) continue;
      double r2 = 0;
      for (int k = 0; k < 3; ++k)
        r2 += std::pow(c.positions[3 * i + k] - c.positions[3 * j + k], 2);
      const double r = std::sqrt(r2);
      if (r < 3.5)
        want += 0.5 * A[si][c.numbers[j] == 8] * std::exp(-r / 0.9) * 0.5 *
                (std::cos(kPi * r / 3.5) + 1);
    }
  }
  EXPECT_NEAR(energy(*pot, c.system()), want, 1e-12 * std::abs(want));
}

TEST_F(PairFamily, ForcesAndVirialAreEnergyDerivatives) {
  auto pot = Potential::load_from_bytes(pair_model_bytes(), "pair.safetensors");
  Cluster c = random_cluster(8, 11);
  Request req;
  req.forces = req.virial = true;
  Results res;
  pot->compute(c.system(), req, res);
  ASSERT_GT(res.n_edges, 0);
  const double h = 1e-5;
  for (size_t k = 0; k < c.positions.size(); ++k) {
    const double x0 = c.positions[k];
    c.positions[k] = x0 + h;
    const double ep = energy(*pot, c.system());
    c.positions[k] = x0 - h;
    const double em = energy(*pot, c.system());
    c.positions[k] = x0;
    EXPECT_NEAR(res.forces[k], -(ep - em) / (2 * h), 1e-7) << "component " << k;
  }
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) {
      double e[2];
      for (int sgn = 0; sgn < 2; ++sgn) {
        Cluster strained = c;
        const double eps = sgn ? -h : h;
        for (size_t i = 0; i < c.numbers.size(); ++i)
          strained.positions[3 * i + a] += eps * c.positions[3 * i + b];
        e[sgn] = energy(*pot, strained.system());
      }
      EXPECT_NEAR(res.virial[3 * a + b], -(e[0] - e[1]) / (2 * h), 1e-7) << a << b;
    }
}

TEST_F(PairFamily, GraphPathEqualsSystemPath) {
  auto pot = Potential::load_from_bytes(pair_model_bytes(), "pair.safetensors");
  const Cluster c = random_cluster(7, 5);
  Request req;
  req.forces = req.virial = req.atom_energies = true;
  Results from_system, from_graph;
  pot->compute(c.system(), req, from_system);
  // every other atom as neighbour: the core keeps those within the cutoff
  const int n = int(c.numbers.size());
  std::vector<int64_t> offsets{0};
  std::vector<int> neighbors;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j)
      if (j != i) neighbors.push_back(j);
    offsets.push_back(int64_t(neighbors.size()));
  }
  Graph g;
  g.n_local = g.n_nodes = g.n_centers = n;
  g.positions = c.positions.data();
  g.atomic_numbers = c.numbers.data();
  g.neighbor_offsets = offsets.data();
  g.neighbors = neighbors.data();
  pot->compute(g, req, from_graph);
  EXPECT_EQ(from_graph.n_edges, from_system.n_edges);
  EXPECT_NEAR(from_graph.energy, from_system.energy, 1e-12);
  for (size_t k = 0; k < from_system.forces.size(); ++k)
    EXPECT_NEAR(from_graph.forces[k], from_system.forces[k], 1e-12);
}

TEST_F(PairFamily, RegistryErrorsNameTheFamilies) {
  EXPECT_NE(equinet::testing::error_of([] {
              runtime::register_family(kPairFamily);
            }).find("'test-pair' is already known"),
            std::string::npos);
  std::map<std::string, io::TensorData> none;
  auto bytes = io::serialize_safetensors(none, {{"equinet.source", "nonesuch"}});
  const std::string msg = equinet::testing::error_of(
      [&] { Potential::load_from_bytes(bytes, "nonesuch.safetensors"); });
  EXPECT_NE(msg.find("nonesuch.safetensors: metadata 'equinet.source' = 'nonesuch' is not a "
                     "known model family (known: mace, test-pair)"),
            std::string::npos)
      << msg;
  EXPECT_NE(equinet::testing::error_of([&] {
              inspect_bytes(bytes, "nonesuch.safetensors");
            }).find("is not a known model family"),
            std::string::npos);
}

TEST_F(PairFamily, NewerFormatVersionIsRefused) {
  std::map<std::string, io::TensorData> none;
  for (const char* version : {"2", "0", "x1", ""}) {
    auto bytes = io::serialize_safetensors(
        none, {{"equinet.source", "test-pair"}, {"equinet.format_version", version}});
    const std::string msg =
        equinet::testing::error_of([&] { inspect_bytes(bytes, "v.safetensors"); });
    EXPECT_NE(msg.find("v.safetensors: "), std::string::npos) << version;
    EXPECT_NE(msg.find(std::string(version) == "2" ? "model format version 2 is newer"
                                                   : "is not a positive integer"),
              std::string::npos)
        << msg;
  }
}
