// MACE's convolution (ConvTP) as a tensor product: its coefficient tables
// are the non-zero coefficients of its description (tp::path_coefficients),
// and forward and reverse on a small graph equal the CG product of that
// description (uvu paths) edge by edge, with the radial MLP's weights.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <tuple>
#include <vector>

#include "equinet/models/common/edge_graph.hpp"
#include "equinet/models/mace/conv_tp.hpp"
#include "equinet/nn/radial_mlp.hpp"
#include "equinet/tp/cg_product.hpp"
#include "support/tp_inputs.hpp"

using namespace equinet;
using equinet::testing::random_vector;
using so3::Irreps;

namespace {

struct ConvCase {
  const char* in;
  int lmax;
  const char* target;
};

// equal multiplicities (blocks fixed at compile time), unequal ones, l_max 3
const ConvCase kCases[] = {{"16x0e+16x1o+16x2e", 2, "16x0e+16x1o+16x2e"},
                           {"4x0e+2x1o", 2, "4x0e+4x1o+2x1e+2x2e+2x2o"},
                           {"8x0e+8x1o", 3, "8x0e+8x1o+8x2e+8x3o"}};

double rel_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0, m = 1;
  for (size_t i = 0; i < a.size(); ++i) {
    d = std::max(d, std::abs(a[i] - b[i]));
    m = std::max(m, std::abs(b[i]));
  }
  return d / m;
}

template <typename T>
void expect_tables_are_the_coefficients(const ConvCase& c) {
  const mace::ConvTP<T> conv(Irreps::parse(c.in), c.lmax, Irreps::parse(c.target));
  const tp::TensorProductDescription& d = conv.description();
  EXPECT_EQ(d.in1, Irreps::parse(c.in));
  EXPECT_EQ(d.in2.dim(), conv.sh_dim());
  EXPECT_EQ(d.n_weights(), conv.weight_count());
  ASSERT_FALSE(d.paths.empty());
  auto key = [](const tp::Coefficient& a) { return std::make_tuple(a.m1, a.m2, a.m3); };
  for (size_t n = 0; n < d.paths.size(); ++n) {
    const tp::Path& p = d.paths[n];
    EXPECT_EQ(p.mode, tp::Mode::uvu);
    EXPECT_EQ(p.weight, std::sqrt(double(d.out[p.out].ir.dim())));  // e3nn's norm, fan-in 1
    const auto want = tp::path_coefficients(d, p);
    auto got = conv.coefficients(int(n));
    ASSERT_EQ(got.size(), want.size()) << c.in << " path " << n;
    std::sort(got.begin(), got.end(),
              [&](const auto& a, const auto& b) { return key(a) < key(b); });
    for (size_t t = 0; t < want.size(); ++t) {
      EXPECT_EQ(key(got[t]), key(want[t])) << c.in << " path " << n;
      EXPECT_EQ(got[t].value, double(T(want[t].value))) << c.in << " path " << n;
    }
  }
}

TEST(ConvTP, TablesAreTheDescriptionsNonZeroCoefficients) {
  for (const ConvCase& c : kCases) {
    expect_tables_are_the_coefficients<double>(c);
    expect_tables_are_the_coefficients<float>(c);
  }
}

// 4 nodes, 3 receivers, edges grouped by receiver (one repeated pair)
models::EdgeGraph<double> small_graph() {
  models::EdgeGraph<double> g;
  g.n_nodes = 4;
  g.n_centers = g.n_local = 3;
  const int edges[][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 0}, {1, 3}, {2, 0}, {2, 1}, {2, 1}};
  g.recv_offsets.assign(4, 0);
  for (const auto& e : edges) {
    g.receivers.push_back(e[0]);
    g.senders.push_back(e[1]);
    ++g.recv_offsets[size_t(e[0]) + 1];
  }
  for (int i = 0; i < 3; ++i) g.recv_offsets[i + 1] += g.recv_offsets[i];
  g.vectors.assign(3 * g.senders.size(), 0.0);
  g.index_by_sender();
  return g;
}

TEST(ConvTP, ForwardAndReverseEqualTheCGProductOfItsDescription) {
  for (const ConvCase& c : kCases) {
    const mace::ConvTP<double> conv(Irreps::parse(c.in), c.lmax, Irreps::parse(c.target));
    const tp::TensorProductDescription& d = conv.description();
    tp::CGTensorProduct<double> cg(d, "generic");
    const auto g = small_graph();
    const int E = int(g.n_edges()), nf = 3, nw = conv.weight_count();
    const int dx = d.in1.dim(), dy = d.in2.dim(), dm = d.out.dim();
    const nn::RadialMLP<double> mlp(
        {nf, 5, nw}, {random_vector(size_t(nf) * 5, 1), random_vector(size_t(5) * nw, 2)},
        "test radial MLP");
    const auto x = random_vector(size_t(g.n_nodes) * dx, 3), Y = random_vector(size_t(E) * dy, 4),
               feats = random_vector(size_t(E) * nf, 5), dfeats = random_vector(feats.size(), 6),
               M_adj = random_vector(size_t(g.n_centers) * dm, 7);
    std::vector<double> K(size_t(E) * conv.pair_count()), M(size_t(g.n_centers) * dm);
    conv.couplings(E, Y.data(), K.data());
    typename mace::ConvTP<double>::Workspaces ws;
    conv.forward(g, x.data(), K.data(), feats.data(), mlp, ws, M.data());
    std::vector<double> x_adj(x.size(), 0.0), Y_adj(Y.size(), 0.0), r_adj(size_t(E), 0.0);
    conv.reverse(g, x.data(), K.data(), feats.data(), dfeats.data(), mlp, ws, M_adj.data(),
                 x_adj.data(), Y_adj.data(), r_adj.data());
    // edge by edge: the CG product of the sender's row and the edge's harmonics
    std::vector<double> M_ref(M.size(), 0.0), x_ref(x.size(), 0.0), Y_ref(Y.size()),
        r_ref(static_cast<size_t>(E));
    nn::RadialMLP<double>::Workspace mws;
    for (int e = 0; e < E; ++e) {
      std::vector<double> w(static_cast<size_t>(nw)), z(static_cast<size_t>(dm)),
          xa(static_cast<size_t>(dx)), wa(static_cast<size_t>(nw)), fa(static_cast<size_t>(nf));
      mlp.forward(1, feats.data() + size_t(e) * nf, w.data(), mws);
      const double* xs = x.data() + size_t(g.senders[e]) * dx;
      const double* ye = Y.data() + size_t(e) * dy;
      const double* za = M_adj.data() + size_t(g.receivers[e]) * dm;
      cg.forward(1, xs, ye, w.data(), z.data());
      for (int k = 0; k < dm; ++k) M_ref[size_t(g.receivers[e]) * dm + k] += z[k];
      cg.reverse(1, xs, ye, w.data(), za, xa.data(), Y_ref.data() + size_t(e) * dy, wa.data());
      for (int k = 0; k < dx; ++k) x_ref[size_t(g.senders[e]) * dx + k] += xa[k];
      mlp.reverse(1, wa.data(), fa.data(), mws);
      r_ref[e] = 0;
      for (int k = 0; k < nf; ++k) r_ref[e] += fa[k] * dfeats[size_t(e) * nf + k];
    }
    EXPECT_LT(rel_diff(M, M_ref), 1e-12) << c.in;
    EXPECT_LT(rel_diff(x_adj, x_ref), 1e-12) << c.in;
    EXPECT_LT(rel_diff(Y_adj, Y_ref), 1e-12) << c.in;
    EXPECT_LT(rel_diff(r_adj, r_ref), 1e-12) << c.in;
  }
}

}  // namespace
