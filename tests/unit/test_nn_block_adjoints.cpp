// Finite-difference checks of the generic blocks' derivatives (float64,
// random blocks built from random weights; support/finite_difference.hpp
// for the method and the tolerance): IrrepsLinear (shared and per-element
// weights), RadialMLP (reverse and forward tangent), the Bessel-envelope
// radial basis and RadialTable (d/dr of their values), LayerNormMLP
// (mace's RadialMLP) and the e3nn Gate of the non-linear block.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "equinet/nn/gate.hpp"
#include "equinet/nn/irreps_linear.hpp"
#include "equinet/nn/layer_norm_mlp.hpp"
#include "equinet/nn/radial_basis.hpp"
#include "equinet/nn/radial_mlp.hpp"
#include "equinet/nn/radial_table.hpp"
#include "support/finite_difference.hpp"

using namespace equinet;
using equinet::testing::expect_adjoint_matches_finite_differences;
using equinet::testing::random_vector;

namespace {

struct LinearCase {
  const char* in;
  const char* out;
  int num_sets;  // > 1: weights chosen per element (FullyConnectedTensorProduct with one-hot)
};

class IrrepsLinearAdjoint : public ::testing::TestWithParam<LinearCase> {};

}  // namespace

TEST_P(IrrepsLinearAdjoint, ReverseMatchesFiniteDifferences) {
  const auto c = GetParam();
  const auto in = so3::Irreps::parse(c.in), out = so3::Irreps::parse(c.out);
  const nn::IrrepsLinear<double> lin(
      in, out,
      random_vector(size_t(nn::IrrepsLinear<double>::weight_count(in, out, c.num_sets)), 1),
      c.num_sets, "random weights");
  // row strides wider than the rows, so that a stride mix-up shows
  const int rows = 5, xs = in.dim() + 3, ys = out.dim() + 2;
  std::vector<int> sets(rows);
  for (int r = 0; r < rows; ++r) sets[r] = (3 * r + 1) % c.num_sets;
  const int* set_of = c.num_sets > 1 ? sets.data() : nullptr;
  auto f = [&](const std::vector<double>& x) {
    std::vector<double> y(size_t(rows) * ys, 0.0);
    lin.forward(0, rows, x.data(), xs, y.data(), ys, set_of, false);
    return y;
  };
  const auto x = random_vector(size_t(rows) * xs, 2);
  auto g = random_vector(size_t(rows) * ys, 3);
  for (int r = 0; r < rows; ++r)  // padding is no output
    for (int k = out.dim(); k < ys; ++k) g[size_t(r) * ys + k] = 0;
  std::vector<double> x_adj(x.size(), 0.0);
  lin.reverse(0, rows, g.data(), ys, x_adj.data(), xs, set_of);
  expect_adjoint_matches_finite_differences("x", f, x, g, x_adj, 4);
}

INSTANTIATE_TEST_SUITE_P(
    Blocks, IrrepsLinearAdjoint,
    ::testing::Values(LinearCase{"3x0e+2x1o+1x2e", "2x0e+3x1o+2x2e", 1},
                      // two input blocks of one irrep (fan-in), an output with no input
                      LinearCase{"3x0e+2x1o+2x0e+1x2e", "2x0e+3x1o+1x2e+2x1e", 1},
                      LinearCase{"3x0e+2x1o+2x0e+1x2e", "2x0e+3x1o+1x2e+2x1e", 3},
                      LinearCase{"4x0e+4x1o", "4x0e+4x1o", 2}));

namespace {

nn::RadialMLP<double> random_mlp(const std::vector<int>& widths, unsigned seed) {
  std::vector<std::vector<double>> w;
  for (size_t k = 0; k + 1 < widths.size(); ++k)
    w.push_back(random_vector(size_t(widths[k]) * widths[k + 1], seed + unsigned(k)));
  return nn::RadialMLP<double>(widths, w, "random MLP");
}

// mace's radial basis: 8 Bessel functions on [0, 5 Å), envelope p = 5
nn::BesselEnvelope<double> bessel_basis() {
  nn::BesselEnvelope<double> b;
  b.r_max = 5.0;
  b.p = 5;
  b.prefactor = std::sqrt(2.0 / b.r_max);
  for (int n = 1; n <= 8; ++n) b.weights.push_back(n * M_PI / b.r_max);
  return b;
}

}  // namespace

TEST(RadialMLPAdjoint, ReverseAndTangentMatchFiniteDifferences) {
  const std::vector<int> widths{6, 9, 7, 5};
  const auto mlp = random_mlp(widths, 10);
  const int rows = 7;
  nn::RadialMLP<double>::Workspace ws;
  auto f = [&](const std::vector<double>& x) {
    std::vector<double> y(size_t(rows) * widths.back());
    nn::RadialMLP<double>::Workspace w;
    mlp.forward(rows, x.data(), y.data(), w);
    return y;
  };
  const auto x = random_vector(size_t(rows) * widths.front(), 11);
  const auto g = random_vector(size_t(rows) * widths.back(), 12);
  std::vector<double> y(g.size()), x_adj(x.size());
  mlp.forward(rows, x.data(), y.data(), ws);
  // the same values with another workspace (to rounding: with AVX, Eigen's
  // products may take other paths for buffers of other alignment)
  const auto y_again = f(x);
  for (size_t k = 0; k < y.size(); ++k) EXPECT_NEAR(y[k], y_again[k], 1e-14 * (1 + std::abs(y[k])));
  mlp.reverse(rows, g.data(), x_adj.data(), ws);
  expect_adjoint_matches_finite_differences("x", f, x, g, x_adj, 13);

  // forward mode: dy = (dy/dx) dx against the same differences
  const auto dx = random_vector(x.size(), 14);
  std::vector<double> y_t(y.size()), dy(y.size());
  mlp.forward_tangent(rows, x.data(), dx.data(), y_t.data(), dy.data());
  const double h = equinet::testing::kFiniteDifferenceStep;
  std::vector<double> xp = x, xm = x;
  for (size_t i = 0; i < x.size(); ++i) {
    xp[i] += h * dx[i];
    xm[i] -= h * dx[i];
  }
  const auto yp = f(xp), ym = f(xm);
  for (size_t k = 0; k < y.size(); ++k) {
    EXPECT_NEAR(y_t[k], y[k], 1e-14 * std::max(1.0, std::abs(y[k]))) << "output " << k;
    const double fd = (yp[k] - ym[k]) / (2 * h);
    EXPECT_NEAR(dy[k], fd,
                equinet::testing::kFiniteDifferenceTolerance * std::max(1.0, std::abs(fd)))
        << "output " << k;
  }
}

namespace {

// Radii spread over (0, r_max), away from 0 where the Bessel functions' 1/r
// makes differences of rounded values imprecise.
std::vector<double> random_radii(size_t n, double r_max, unsigned seed) {
  auto r = random_vector(n, seed);
  for (double& x : r) x = 0.3 + (0.5 * (x + 1)) * (r_max - 0.35);
  return r;
}

// f(r) for `width` functions at every radius, and their derivatives dr.
template <typename F>
void expect_radial_derivatives(const std::string& what, int width, F&& eval, double r_max,
                               unsigned seed) {
  const auto r = random_radii(9, r_max, seed);
  std::vector<double> values(r.size() * width), derivs(r.size() * width);
  for (size_t e = 0; e < r.size(); ++e) eval(r[e], &values[e * width], &derivs[e * width]);
  auto f = [&](const std::vector<double>& rr) {
    std::vector<double> v(rr.size() * width), unused(width);
    for (size_t e = 0; e < rr.size(); ++e) eval(rr[e], &v[e * width], unused.data());
    return v;
  };
  const auto g = random_vector(values.size(), seed + 1);
  // reverse of y_e = f(r_e): r_adj[e] = Σ_k g[e][k] f'_k(r_e)
  std::vector<double> r_adj(r.size(), 0.0);
  for (size_t e = 0; e < r.size(); ++e)
    for (int k = 0; k < width; ++k) r_adj[e] += g[e * width + k] * derivs[e * width + k];
  expect_adjoint_matches_finite_differences(what, f, r, g, r_adj, seed + 2);
}

}  // namespace

TEST(RadialBasisDerivative, MatchesFiniteDifferences) {
  const auto basis = bessel_basis();
  const int nb = int(basis.weights.size());
  for (const bool envelope : {true, false})
    expect_radial_derivatives(
        envelope ? "Bessel x envelope" : "Bessel", nb,
        [&](double r, double* v, double* d) { basis.evaluate(r, envelope, v, d); }, basis.r_max,
        20);
  double u, du;
  basis.envelope(basis.r_max + 0.1, u, du);  // the envelope ends the basis at r_max
  EXPECT_EQ(u, 0.0);
  EXPECT_EQ(du, 0.0);
}

TEST(RadialTableDerivative, MatchesFiniteDifferencesAndTheTabulatedFunction) {
  // a table of MLP(basis(r)), as MaceModel builds one
  const auto basis = bessel_basis();
  const int nb = int(basis.weights.size()), width = 6;
  const auto mlp = random_mlp({nb, 8, width}, 30);
  auto exact = [&](double r, double* v, double* d) {
    std::vector<double> x(nb), dx(nb);
    basis.evaluate(r, true, x.data(), dx.data());
    mlp.forward_tangent(1, x.data(), dx.data(), v, d);
  };
  const nn::RadialTable<double> table(width, basis.r_max, 400, exact);
  auto spline = [&](double r, double* v, double* d) {
    const auto p = table.piece(r);
    for (int k = 0; k < width; ++k) {
      const double* c = p.c;
      v[k] = c[k] + p.t * (c[width + k] + p.t * (c[2 * width + k] + p.t * c[3 * width + k]));
      d[k] =
          (c[width + k] + 2 * p.t * c[2 * width + k] + 3 * p.t * p.t * c[3 * width + k]) * p.inv_h;
    }
  };
  expect_radial_derivatives("table", width, spline, basis.r_max, 31);
  // and the pieces interpolate the function they tabulate (cubic Hermite:
  // h^4/384 max|f''''| with h = 5/400; f'''' of these functions is < 1e3)
  for (double r : random_radii(20, basis.r_max, 32)) {
    std::vector<double> v(width), d(width), ve(width), de(width);
    spline(r, v.data(), d.data());
    exact(r, ve.data(), de.data());
    for (int k = 0; k < width; ++k) EXPECT_NEAR(v[k], ve[k], 1e-7) << "r = " << r;
  }
}

namespace {

nn::LayerNormMLP<double> random_layer_norm_mlp(const std::vector<int>& widths, unsigned seed) {
  std::vector<nn::LayerNormMLPLayer> layers;
  for (size_t k = 0; k + 1 < widths.size(); ++k) {
    nn::LayerNormMLPLayer L;
    const size_t in = size_t(widths[k]), out = size_t(widths[k + 1]);
    L.weight = random_vector(in * out, seed + 4 * unsigned(k));
    L.bias = random_vector(out, seed + 4 * unsigned(k) + 1);
    if (k + 2 < widths.size()) {
      L.layer_norm_weight = random_vector(out, seed + 4 * unsigned(k) + 2);
      L.layer_norm_bias = random_vector(out, seed + 4 * unsigned(k) + 3);
    }
    layers.push_back(std::move(L));
  }
  return nn::LayerNormMLP<double>(widths, layers, "random layer-norm MLP");
}

}  // namespace

TEST(LayerNormMLPAdjoint, ReverseAndTangentMatchFiniteDifferences) {
  const std::vector<int> widths{6, 9, 7, 5};
  const auto net = random_layer_norm_mlp(widths, 30);
  const int rows = 6;
  auto f = [&](const std::vector<double>& x) {
    std::vector<double> y(size_t(rows) * widths.back());
    nn::LayerNormMLP<double>::Workspace w;
    net.forward(rows, x.data(), y.data(), w);
    return y;
  };
  const auto x = random_vector(size_t(rows) * widths.front(), 31);
  const auto g = random_vector(size_t(rows) * widths.back(), 32);
  nn::LayerNormMLP<double>::Workspace ws;
  std::vector<double> y(g.size()), x_adj(x.size());
  net.forward(rows, x.data(), y.data(), ws);
  net.reverse(rows, g.data(), x_adj.data(), ws);
  expect_adjoint_matches_finite_differences("x", f, x, g, x_adj, 33);

  const auto dx = random_vector(x.size(), 34);
  std::vector<double> y_t(y.size()), dy(y.size());
  net.forward_tangent(rows, x.data(), dx.data(), y_t.data(), dy.data());
  // the tangent is the adjoint's transpose: <g, dy> = <x_adj, dx>
  double gdy = 0, adx = 0;
  for (size_t k = 0; k < y.size(); ++k) {
    EXPECT_NEAR(y_t[k], y[k], 1e-13 * std::max(1.0, std::abs(y[k]))) << "output " << k;
    gdy += g[k] * dy[k];
  }
  for (size_t i = 0; i < x.size(); ++i) adx += x_adj[i] * dx[i];
  EXPECT_NEAR(gdy, adx, 1e-12 * std::max(1.0, std::abs(adx)));
}

TEST(LayerNormMLPForward, NormalisesEachHiddenLayer) {
  // one hidden layer with unit gain, zero shift: its SiLU inputs have mean 0
  // and variance var/(var + eps) per row, whatever the input
  nn::LayerNormMLPLayer h{
      random_vector(4 * 3, 40), random_vector(4, 41), {1, 1, 1, 1}, {0, 0, 0, 0}};
  nn::LayerNormMLPLayer out{{1, 0, 0, 0}, {0}, {}, {}};  // reads the first hidden unit
  const nn::LayerNormMLP<double> net({3, 4, 1}, {h, out}, "test");
  const auto x = random_vector(3, 42);
  std::vector<double> z(4);
  for (int j = 0; j < 4; ++j) {
    z[j] = h.bias[j];
    for (int i = 0; i < 3; ++i) z[j] += h.weight[size_t(j) * 3 + i] * x[i];
  }
  double mean = 0, var = 0;
  for (double v : z) mean += v / 4;
  for (double v : z) var += (v - mean) * (v - mean) / 4;
  const double pre = (z[0] - mean) / std::sqrt(var + 1e-5);
  nn::LayerNormMLP<double>::Workspace ws;
  double y = 0;
  net.forward(1, x.data(), &y, ws);
  EXPECT_NEAR(y, pre / (1 + std::exp(-pre)), 1e-14);
}

class GateAdjoint : public ::testing::TestWithParam<const char*> {};

TEST_P(GateAdjoint, ReverseMatchesFiniteDifferences) {
  const nn::Gate<double> gate(so3::Irreps::parse(GetParam()));
  const int rows = 4, din = gate.in().dim, dout = gate.out().dim;
  auto f = [&](const std::vector<double>& x) {
    std::vector<double> y(size_t(rows) * dout);
    gate.forward(0, rows, x.data(), y.data());
    return y;
  };
  const auto x = random_vector(size_t(rows) * din, 50);
  const auto g = random_vector(size_t(rows) * dout, 51);
  std::vector<double> x_adj(x.size());
  gate.reverse(0, rows, x.data(), g.data(), x_adj.data());
  expect_adjoint_matches_finite_differences("x", f, x, g, x_adj, 52);
}

TEST(GateForward, GatesEachChannelWithItsOwnScalar) {
  // 1x0e + 2x1o: input [s, g0, g1 | 3 x 2 vector rows]; e3nn's constants
  const nn::Gate<double> gate(so3::Irreps::parse("1x0e+2x1o"));
  ASSERT_EQ(gate.in().irreps.str(), "3x0e+2x1o");
  const std::vector<double> x{0.3, -1.2, 0.7, 1, 2, 3, 4, 5, 6};
  std::vector<double> y(7);
  gate.forward(0, 1, x.data(), y.data());
  const double c_silu = 1 / std::sqrt(nn::kSiluSecondMoment);
  const double c_sig = 1 / std::sqrt(nn::kSigmoidSecondMoment);
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  EXPECT_NEAR(y[0], c_silu * 0.3 * sig(0.3), 1e-15);
  for (int m = 0; m < 3; ++m) {  // m-major: [m][u]
    EXPECT_NEAR(y[1 + 2 * m], x[3 + 2 * m] * c_sig * sig(-1.2), 1e-15);
    EXPECT_NEAR(y[2 + 2 * m], x[4 + 2 * m] * c_sig * sig(0.7), 1e-15);
  }
}

INSTANTIATE_TEST_SUITE_P(Blocks, GateAdjoint,
                         ::testing::Values("4x0e+2x1o", "3x0e+2x1o+3x2e+1x3o", "2x1o"));
