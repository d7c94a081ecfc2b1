// Finite-difference checks of the MACE blocks' reverse passes (float64,
// small random blocks with random weights; support/finite_difference.hpp for
// the method and the tolerance): the convolution ConvTP, with radial weights
// from an MLP of the Bessel basis or from a radial table, per input (node
// features x, spherical harmonics Y, edge lengths r), and the symmetric
// contraction at correlation 1 to 3 with several output irreps.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "equinet/error.hpp"
#include "equinet/models/common/edge_graph.hpp"
#include "equinet/models/mace/conv_tp.hpp"
#include "equinet/models/mace/symmetric_contraction.hpp"
#include "equinet/nn/radial_basis.hpp"
#include "equinet/nn/radial_mlp.hpp"
#include "equinet/nn/radial_table.hpp"
#include "support/finite_difference.hpp"
#include "support/tp_inputs.hpp"

using namespace equinet;
using equinet::testing::expect_adjoint_matches_finite_differences;
using equinet::testing::random_vector;
using equinet::testing::sh_irreps;

namespace {

// Six nodes, five receivers (node 5 only sends, as a ghost does), one
// receiver without edges, senders with 0 to 4 edges (every kernel group size).
models::EdgeGraph<double> small_graph() {
  const std::vector<std::vector<int>> senders_of{{1, 2, 3, 5}, {0, 2}, {}, {0, 1, 2, 4, 5}, {3}};
  models::EdgeGraph<double> g;
  g.n_nodes = 6;
  g.n_centers = g.n_local = 5;
  g.species = {0, 1, 1, 0, 1, 0};
  g.recv_offsets = {0};
  for (int i = 0; i < 5; ++i) {
    for (int j : senders_of[i]) {
      g.senders.push_back(j);
      g.receivers.push_back(i);
    }
    g.recv_offsets.push_back(int64_t(g.senders.size()));
  }
  g.index_by_sender();
  return g;
}

nn::BesselEnvelope<double> bessel_basis(int n) {
  nn::BesselEnvelope<double> b;
  b.r_max = 5.0;
  b.p = 5;
  b.prefactor = std::sqrt(2.0 / b.r_max);
  for (int k = 1; k <= n; ++k) b.weights.push_back(k * M_PI / b.r_max);
  return b;
}

struct ConvCase {
  int channels;
  bool table;  // radial weights from a RadialTable (else the MLP of the basis)
};

std::string conv_name(const ::testing::TestParamInfo<ConvCase>& i) {
  return std::to_string(i.param.channels) + "channels_" + (i.param.table ? "table" : "mlp");
}

class ConvTPAdjoint : public ::testing::TestWithParam<ConvCase> {};

}  // namespace

TEST_P(ConvTPAdjoint, ReverseMatchesFiniteDifferencesPerInput) {
  const auto c = GetParam();
  const int C = c.channels, lmax = 3, nb = 6;
  // node features 0e + 1o into messages of every l <= 3 and both parities
  const auto in = sh_irreps(C, 1);
  auto target_blocks = sh_irreps(C, lmax).blocks();
  for (const auto& b : sh_irreps(C, lmax, -1).blocks()) target_blocks.push_back(b);
  const mace::ConvTP<double> conv(in, lmax, so3::Irreps(target_blocks).sorted().simplified());
  const auto g = small_graph();
  const int64_t E = g.n_edges();
  const int dx = conv.in().dim, dm = conv.mid().dim, sh = conv.sh_dim(), np = conv.pair_count();

  const auto basis = bessel_basis(nb);
  std::vector<std::vector<double>> mlp_w{random_vector(size_t(nb) * 8, 40),
                                         random_vector(size_t(8) * conv.weight_count(), 41)};
  const nn::RadialMLP<double> mlp({nb, 8, conv.weight_count()}, mlp_w, "random MLP");
  const nn::RadialTable<double> table(conv.weight_count(), basis.r_max, 300,
                                      [&](double r, double* v, double* d) {
                                        std::vector<double> x(nb), dxr(nb);
                                        basis.evaluate(r, true, x.data(), dxr.data());
                                        mlp.forward_tangent(1, x.data(), dxr.data(), v, d);
                                      });
  auto radial_features = [&](const std::vector<double>& r, std::vector<double>& f,
                             std::vector<double>& df) {
    f.resize(size_t(E) * nb);
    df.resize(size_t(E) * nb);
    for (int64_t e = 0; e < E; ++e) basis.evaluate(r[e], true, &f[e * nb], &df[e * nb]);
  };

  // M = conv(x, Y, r); Y need not be harmonics of an edge vector for its adjoint
  struct Inputs {
    std::vector<double> x, Y, r;
  };
  mace::ConvTP<double>::Workspaces ws;
  auto messages = [&](const Inputs& v) {
    std::vector<double> K(size_t(E) * np), M(size_t(g.n_centers) * dm), f, df;
    conv.couplings(E, v.Y.data(), K.data());
    if (c.table) {
      conv.forward(g, v.x.data(), K.data(), v.r.data(), table, ws, M.data());
    } else {
      radial_features(v.r, f, df);
      conv.forward(g, v.x.data(), K.data(), f.data(), mlp, ws, M.data());
    }
    return M;
  };
  Inputs at{random_vector(size_t(g.n_nodes) * dx, 42), random_vector(size_t(E) * sh, 43),
            random_vector(size_t(E), 44)};
  for (double& r : at.r) r = 1.0 + 1.5 * (r + 1);  // in (1, 4) Å, inside r_max
  const auto G = random_vector(size_t(g.n_centers) * dm, 45);

  std::vector<double> K(size_t(E) * np), x_adj(at.x.size(), 0.0), Y_adj(at.Y.size(), 0.0),
      r_adj(at.r.size(), 0.0), f, df;
  conv.couplings(E, at.Y.data(), K.data());
  if (c.table) {
    conv.reverse(g, at.x.data(), K.data(), at.r.data(), table, ws, G.data(), x_adj.data(),
                 Y_adj.data(), r_adj.data());
  } else {
    radial_features(at.r, f, df);
    conv.reverse(g, at.x.data(), K.data(), f.data(), df.data(), mlp, ws, G.data(), x_adj.data(),
                 Y_adj.data(), r_adj.data());
  }
  auto along = [&](std::vector<double> Inputs::*member) {
    return [&, member](const std::vector<double>& value) {
      Inputs v = at;
      v.*member = value;
      return messages(v);
    };
  };
  expect_adjoint_matches_finite_differences("x", along(&Inputs::x), at.x, G, x_adj, 46);
  expect_adjoint_matches_finite_differences("Y", along(&Inputs::Y), at.Y, G, Y_adj, 47);
  expect_adjoint_matches_finite_differences("r", along(&Inputs::r), at.r, G, r_adj, 48);
}

INSTANTIATE_TEST_SUITE_P(Blocks, ConvTPAdjoint,
                         ::testing::Values(ConvCase{3, false}, ConvCase{3, true},
                                           ConvCase{8, false}, ConvCase{8, true}),
                         conv_name);

namespace {

struct ContractionCase {
  int correlation, channels;
};

std::string contraction_name(const ::testing::TestParamInfo<ContractionCase>& i) {
  return "correlation" + std::to_string(i.param.correlation) + "_" +
         std::to_string(i.param.channels) + "channels";
}

// Random U (about half its entries zero, as mace's are sparse) and W for
// every output block and degree; shapes as mace-torch stores them.
mace::SymmetricContractionWeights random_contraction(const so3::Irreps& in, const so3::Irreps& out,
                                                     int correlation, int elements, unsigned seed) {
  int in_dim = 0;
  for (const auto& b : in.blocks()) in_dim += b.ir.dim();
  mace::SymmetricContractionWeights w;
  for (size_t blk = 0; blk < out.size(); ++blk) {
    mace::SymmetricContractionWeights::Contraction c;
    for (int nu = 1; nu <= correlation; ++nu) {
      const int64_t K = nu + 1;
      std::vector<int64_t> shape;
      if (out[blk].ir.dim() > 1) shape.push_back(out[blk].ir.dim());
      shape.insert(shape.end(), nu, in_dim);
      shape.push_back(K);
      int64_t n = 1;
      for (int64_t d : shape) n *= d;
      auto U = random_vector(size_t(n), seed++);
      for (double& u : U)
        if (std::abs(u) < 0.5) u = 0;
      c.U.push_back({"U_matrix_" + std::to_string(nu), shape, U});
      c.W.push_back({"W_" + std::to_string(nu),
                     {elements, K, in[0].mul},
                     random_vector(size_t(elements * K * in[0].mul), seed++)});
    }
    w.contractions.push_back(std::move(c));
  }
  return w;
}

class SymmetricContractionAdjoint : public ::testing::TestWithParam<ContractionCase> {};

}  // namespace

TEST_P(SymmetricContractionAdjoint, ReverseMatchesFiniteDifferences) {
  const auto c = GetParam();
  const int C = c.channels, elements = 2, nodes = 5;
  const auto in = sh_irreps(C, 2), out = sh_irreps(C, 1);
  const mace::SymmetricContraction<double> sc(
      random_contraction(in, out, c.correlation, elements, 50), in, out, c.correlation, elements,
      "random weights");
  ASSERT_GT(sc.monomial_count(), 0);
  const std::vector<int> species{0, 1, 1, 0, 1};
  auto f = [&](const std::vector<double>& A) {
    std::vector<double> B(size_t(nodes) * out.dim());
    sc.forward(nodes, A.data(), species.data(), B.data());
    return B;
  };
  const auto A = random_vector(size_t(nodes) * in.dim(), 60);
  const auto G = random_vector(size_t(nodes) * out.dim(), 61);
  std::vector<double> A_adj(A.size());
  sc.reverse(nodes, A.data(), species.data(), G.data(), A_adj.data());
  expect_adjoint_matches_finite_differences("A", f, A, G, A_adj, 62);
}

INSTANTIATE_TEST_SUITE_P(Blocks, SymmetricContractionAdjoint,
                         ::testing::Values(ContractionCase{1, 4}, ContractionCase{2, 4},
                                           ContractionCase{3, 4}, ContractionCase{2, 3},
                                           ContractionCase{3, 8}),
                         contraction_name);

TEST(SymmetricContractionWeights, WrongShapeNamesTheArray) {
  const auto in = sh_irreps(4, 2), out = sh_irreps(4, 1);
  auto w = random_contraction(in, out, 2, 2, 70);
  w.contractions[1].W[0].shape[1] += 1;
  try {
    mace::SymmetricContraction<double>(w, in, out, 2, 2, "model.safetensors");
    FAIL() << "no error";
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("model.safetensors"), std::string::npos) << msg;
    EXPECT_NE(msg.find("W_1"), std::string::npos) << msg;
  }
}
