// Tensor products (a)-(e): the fast products against the sparse CG reference
// for every degree up to 8, the CG product (uuu and uvu paths) against the
// definition, equivariance under random rotations, reverse passes against
// finite differences, float against double, and errors. Rows are m-major
// (so3::FeatureLayout).
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "equinet/potential.hpp"
#include "equinet/so3/feature_layout.hpp"
#include "equinet/so3/wigner_3j.hpp"
#include "equinet/so3/wigner_d.hpp"
#include "equinet/tp/cg_product.hpp"
#include "equinet/tp/fourier_product.hpp"
#include "equinet/tp/grid_product.hpp"
#include "equinet/tp/many_body_product.hpp"
#include "support/error_of.hpp"
#include "support/tp_inputs.hpp"

using namespace equinet;
using namespace equinet::tp;
using equinet::testing::error_of;
using equinet::testing::random_vector;
using equinet::testing::sh_irreps;
using so3::Irreps;

namespace {

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

// max |a - b| / max(1, max |b|)
double rel_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(a[i] - b[i]));
  return d / std::max(1.0, max_abs(b));
}

// A bilinear product (x, y) -> z with its reverse pass, uniform for the tests.
struct Bilinear {
  Irreps in1, in2, out;
  std::function<void(int, const double*, const double*, double*)> forward;
  std::function<void(int, const double*, const double*, const double*, double*, double*)> reverse;
};

// The products' definition (tp/description.hpp), dense in m: every element
// addressed through so3::FeatureLayout::at, the coefficients straight from
// wigner_3j. w: per-channel path weights, empty for ones.
std::vector<double> dense_cg_reference(const TensorProductDescription& d, int rows,
                                       const std::vector<double>& x, const std::vector<double>& y,
                                       const std::vector<double>& w = {}) {
  const so3::FeatureLayout a(d.in1), b(d.in2), c(d.out);
  std::vector<double> z(size_t(rows) * c.dim, 0.0);
  for (int r = 0; r < rows; ++r)
    for (size_t n = 0; n < d.paths.size(); ++n) {
      const Path& p = d.paths[n];
      const int l1 = d.in1[p.in1].ir.l, l2 = d.in2[p.in2].ir.l, l3 = d.out[p.out].ir.l;
      const auto& C = so3::wigner_3j(l1, l2, l3);
      for (int m1 = 0; m1 <= 2 * l1; ++m1)
        for (int m2 = 0; m2 <= 2 * l2; ++m2)
          for (int m3 = 0; m3 <= 2 * l3; ++m3)
            for (int u = 0; u < d.in1[p.in1].mul; ++u) {
              const int v = p.mode == Mode::uvu ? 0 : u;
              const double wu = w.empty() ? 1.0 : w[size_t(d.weight_offset(n) + u)];
              z[size_t(r) * c.dim + c.at(p.out, m3, u)] +=
                  p.weight * wu * C[(m1 * (2 * l2 + 1) + m2) * (2 * l3 + 1) + m3] *
                  x[size_t(r) * a.dim + a.at(p.in1, m1, u)] *
                  y[size_t(r) * b.dim + b.at(p.in2, m2, v)];
            }
    }
  return z;
}

Bilinear cg(const TensorProductDescription& d) {
  auto p = std::make_shared<CGTensorProduct<double>>(d);
  return {
      d.in1, d.in2, d.out,
      [p](int n, const double* x, const double* y, double* z) { p->forward(n, x, y, nullptr, z); },
      [p](int n, const double* x, const double* y, const double* za, double* xa, double* ya) {
        p->reverse(n, x, y, nullptr, za, xa, ya, nullptr);
      }};
}

template <class P>
Bilinear wrap(std::shared_ptr<P> p, const Irreps& a, const Irreps& b, const Irreps& c) {
  return {a, b, c,
          [p](int n, const double* x, const double* y, double* z) { p->forward(n, x, y, z); },
          [p](int n, const double* x, const double* y, const double* za, double* xa, double* ya) {
            p->reverse(n, x, y, za, xa, ya);
          }};
}

Bilinear grid(GridProductKind k, const Irreps& a, const Irreps& b, const Irreps& c) {
  return wrap(std::make_shared<GridTensorProduct<double>>(k, a, b, c), a, b, c);
}
Bilinear fourier(const Irreps& a, const Irreps& b, const Irreps& c) {
  return wrap(std::make_shared<FourierTensorProduct<double>>(a, b, c), a, b, c);
}

std::vector<double> apply(const Bilinear& p, int rows, const std::vector<double>& x,
                          const std::vector<double>& y) {
  std::vector<double> z(size_t(rows) * p.out.dim());
  p.forward(rows, x.data(), y.data(), z.data());
  return z;
}

void rotate_rows(const Irreps& irreps, const double R[9], int rows, std::vector<double>& v) {
  for (int r = 0; r < rows; ++r)
    so3::rotate_features(irreps, R, v.data() + size_t(r) * irreps.dim());
}

// f(R x, R y) = R f(x, y) for a random rotation.
void expect_equivariant(const Bilinear& p, unsigned seed) {
  const int rows = 3;
  auto x = random_vector(size_t(rows) * p.in1.dim(), seed);
  auto y = random_vector(size_t(rows) * p.in2.dim(), seed + 1);
  auto axis = random_vector(3, seed + 2);
  double R[9];
  so3::rotation_matrix(axis.data(), 0.3 + 2.0 * std::abs(axis[0]), R);
  auto z = apply(p, rows, x, y);
  rotate_rows(p.in1, R, rows, x);
  rotate_rows(p.in2, R, rows, y);
  rotate_rows(p.out, R, rows, z);
  EXPECT_LT(rel_diff(apply(p, rows, x, y), z), 1e-12) << p.in1.str() << " x " << p.in2.str();
}

// <z_adj, dz> for a central difference along (dx, dy) against <x_adj, dx> + <y_adj, dy>.
void expect_reverse_matches_finite_differences(const Bilinear& p, unsigned seed) {
  const int rows = 2;
  const auto x = random_vector(size_t(rows) * p.in1.dim(), seed);
  const auto y = random_vector(size_t(rows) * p.in2.dim(), seed + 1);
  const auto dx = random_vector(x.size(), seed + 2), dy = random_vector(y.size(), seed + 3);
  const auto za = random_vector(size_t(rows) * p.out.dim(), seed + 4);
  std::vector<double> xa(x.size()), ya(y.size());
  p.reverse(rows, x.data(), y.data(), za.data(), xa.data(), ya.data());
  const double h = 1e-4;
  auto shifted = [&](double s) {
    std::vector<double> xs = x, ys = y;
    for (size_t i = 0; i < x.size(); ++i) xs[i] += s * dx[i];
    for (size_t i = 0; i < y.size(); ++i) ys[i] += s * dy[i];
    const auto z = apply(p, rows, xs, ys);
    double d = 0;
    for (size_t i = 0; i < z.size(); ++i) d += za[i] * z[i];
    return d;
  };
  const double fd = (shifted(h) - shifted(-h)) / (2 * h);
  double an = 0;
  for (size_t i = 0; i < x.size(); ++i) an += xa[i] * dx[i];
  for (size_t i = 0; i < y.size(); ++i) an += ya[i] * dy[i];
  EXPECT_NEAR(an, fd, 1e-8 * (1 + std::abs(fd))) << p.in1.str() << " x " << p.in2.str();
}

void expect_equal_products(const Bilinear& a, const Bilinear& b, unsigned seed, double tol) {
  const int rows = 3;
  const auto x = random_vector(size_t(rows) * a.in1.dim(), seed);
  const auto y = random_vector(size_t(rows) * a.in2.dim(), seed + 1);
  EXPECT_LT(rel_diff(apply(a, rows, x, y), apply(b, rows, x, y)), tol)
      << a.in1.str() << " x " << a.in2.str() << " -> " << a.out.str();
}

}  // namespace

// ---- (b), (c), (d) against (a), degree by degree -------------------------------

class ProductsByDegree : public ::testing::TestWithParam<int> {};

TEST_P(ProductsByDegree, GauntGridEqualsCGWithGauntWeights) {
  const int L = GetParam(), C = 3;
  const auto in = sh_irreps(C, L), out = sh_irreps(C, 2 * L);
  expect_equal_products(grid(GridProductKind::Gaunt, in, in, out),
                        cg(gaunt_description(in, in, out)), 10 + L, 1e-12);
}

TEST_P(ProductsByDegree, GauntFourierEqualsCGWithGauntWeights) {
  const int L = GetParam(), C = 3;
  const auto in = sh_irreps(C, L), out = sh_irreps(C, 2 * L);
  expect_equal_products(fourier(in, in, out), cg(gaunt_description(in, in, out)), 20 + L, 1e-12);
}

TEST_P(ProductsByDegree, VectorGauntEqualsCGOnTheOddPaths) {
  const int L = GetParam(), C = 3;
  const auto in = sh_irreps(C, L), out = sh_irreps(C, 2 * L, -1);  // parity flipped
  const auto d = vector_gaunt_description(in, in, out);
  for (const auto& p : d.paths)
    EXPECT_EQ((d.in1[p.in1].ir.l + d.in2[p.in2].ir.l + d.out[p.out].ir.l) % 2, 1);
  expect_equal_products(grid(GridProductKind::VectorGaunt, in, in, out), cg(d), 30 + L, 1e-12);
}

TEST_P(ProductsByDegree, ProductsOfDifferentDegreesAndMissingBlocks) {
  const int L = GetParam(), C = 2;
  // in1 up to L, in2 only odd-parity l = 1..max(1, L/2) pseudo-type, output truncated
  const auto a = sh_irreps(C, L), b = sh_irreps(C, std::max(1, L / 2), -1, 1),
             g_out = sh_irreps(C, L + 1, -1, 0), v_out = sh_irreps(C, L + 1, 1, 0);
  expect_equal_products(grid(GridProductKind::Gaunt, a, b, g_out),
                        cg(gaunt_description(a, b, g_out)), 40 + L, 1e-12);
  expect_equal_products(fourier(a, b, g_out), cg(gaunt_description(a, b, g_out)), 50 + L, 1e-12);
  expect_equal_products(grid(GridProductKind::VectorGaunt, a, b, v_out),
                        cg(vector_gaunt_description(a, b, v_out)), 60 + L, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(L, ProductsByDegree, ::testing::Range(0, 9));

// ---- equivariance and reverse passes ------------------------------------------

class EveryProduct : public ::testing::TestWithParam<std::string> {
 protected:
  Bilinear make() const {
    const int C = 2, L = 4;
    const auto in = sh_irreps(C, L), out = sh_irreps(C, 2 * L), pout = sh_irreps(C, 2 * L, -1);
    const std::string k = GetParam();
    if (k == "cg_full")  // both parities out: the odd paths too
      return cg(
          full_description(in, sh_irreps(C, 3),
                           Irreps::parse(sh_irreps(C, 5).str() + "+" + sh_irreps(C, 5, -1).str())));
    if (k == "gaunt_grid") return grid(GridProductKind::Gaunt, in, in, out);
    if (k == "gaunt_fourier") return fourier(in, in, out);
    return grid(GridProductKind::VectorGaunt, in, in, pout);
  }
};

TEST_P(EveryProduct, IsEquivariantUnderRandomRotations) { expect_equivariant(make(), 77); }
TEST_P(EveryProduct, ReverseMatchesFiniteDifferences) {
  expect_reverse_matches_finite_differences(make(), 91);
}
INSTANTIATE_TEST_SUITE_P(Kinds, EveryProduct,
                         ::testing::Values("cg_full", "gaunt_grid", "gaunt_fourier",
                                           "vector_gaunt"));

namespace {

// uvu paths as MACE's convolution has them: in1 of unequal multiplicities
// times spherical harmonics up to lsh (multiplicity 1), one output block per
// path, up to degree lout.
TensorProductDescription uvu_description(const Irreps& in1, int lsh, int lout) {
  std::vector<so3::MulIrrep> sh, out;
  for (int l = 0; l <= lsh; ++l) sh.push_back({1, {l, (l % 2) ? -1 : 1}});
  std::vector<Path> paths;
  for (size_t i = 0; i < in1.size(); ++i)
    for (int j = 0; j <= lsh; ++j)
      for (int l3 = std::abs(in1[i].ir.l - j); l3 <= std::min(lout, in1[i].ir.l + j); ++l3) {
        paths.push_back(
            {int(i), j, int(out.size()), 0.5 + 0.25 * double(paths.size() % 3), Mode::uvu});
        out.push_back({in1[i].mul, {l3, in1[i].ir.p * sh[j].ir.p}});
      }
  TensorProductDescription d{in1, Irreps(sh), Irreps(out), paths};
  validate(d);
  return d;
}

// uuu and uvu paths in one product: in2 blocks of multiplicity 1 couple uvu,
// those of multiplicity C uuu.
TensorProductDescription mixed_description() {
  TensorProductDescription d{sh_irreps(3, 2),
                             Irreps::parse("1x0e+3x1o+1x1o+1x2e"),
                             Irreps::parse("3x0e+3x1o+3x1e+3x2e"),
                             {}};
  for (size_t i = 0; i < d.in1.size(); ++i)
    for (size_t j = 0; j < d.in2.size(); ++j)
      for (size_t k = 0; k < d.out.size(); ++k) {
        const auto &a = d.in1[i].ir, &b = d.in2[j].ir, &c = d.out[k].ir;
        if (c.l < std::abs(a.l - b.l) || c.l > a.l + b.l || a.p * b.p != c.p) continue;
        d.paths.push_back({int(i), int(j), int(k), 1.0 + 0.1 * double(d.paths.size()),
                           d.in2[j].mul == 1 ? Mode::uvu : Mode::uuu});
      }
  validate(d);
  return d;
}

// <za, z(w + dw) - z(w)> = <wa, dw> exactly (linear in w); weight 2 on every
// path and channel doubles the output.
void expect_weight_gradient(const TensorProductDescription& d) {
  const int rows = 2;
  CGTensorProduct<double> p(d);
  ASSERT_EQ(p.n_weights(), d.n_weights());
  const auto x = random_vector(size_t(rows) * d.in1.dim(), 1),
             y = random_vector(size_t(rows) * d.in2.dim(), 2),
             w = random_vector(size_t(p.n_weights()), 3), dw = random_vector(w.size(), 4),
             za = random_vector(size_t(rows) * d.out.dim(), 5);
  std::vector<double> z(za.size()), xa(x.size()), ya(y.size()), wa(w.size());
  p.reverse(rows, x.data(), y.data(), w.data(), za.data(), xa.data(), ya.data(), wa.data());
  std::vector<double> w2 = w, z2(z.size());
  for (size_t i = 0; i < w.size(); ++i) w2[i] += dw[i];
  p.forward(rows, x.data(), y.data(), w.data(), z.data());
  p.forward(rows, x.data(), y.data(), w2.data(), z2.data());
  double lhs = 0, rhs = 0;
  for (size_t i = 0; i < z.size(); ++i) lhs += za[i] * (z2[i] - z[i]);
  for (size_t i = 0; i < w.size(); ++i) rhs += wa[i] * dw[i];
  EXPECT_NEAR(lhs, rhs, 1e-12 * (1 + std::abs(lhs))) << d.str();
  std::vector<double> two(w.size(), 2.0), z1(z.size());
  p.forward(rows, x.data(), y.data(), two.data(), z2.data());
  p.forward(rows, x.data(), y.data(), nullptr, z1.data());
  for (size_t i = 0; i < z.size(); ++i) EXPECT_NEAR(z2[i], 2 * z1[i], 1e-13) << d.str();
}

// forward with and without weights against the dense definition
void expect_matches_definition(const TensorProductDescription& d, unsigned seed) {
  const int rows = 3;
  CGTensorProduct<double> p(d);
  const auto x = random_vector(size_t(rows) * d.in1.dim(), seed),
             y = random_vector(size_t(rows) * d.in2.dim(), seed + 1),
             w = random_vector(size_t(p.n_weights()), seed + 2);
  std::vector<double> z(size_t(rows) * d.out.dim());
  p.forward(rows, x.data(), y.data(), w.data(), z.data());
  EXPECT_LT(rel_diff(z, dense_cg_reference(d, rows, x, y, w)), 1e-13) << d.str();
  p.forward(rows, x.data(), y.data(), nullptr, z.data());
  EXPECT_LT(rel_diff(z, dense_cg_reference(d, rows, x, y)), 1e-13) << d.str();
}

}  // namespace

TEST(CGProduct, ChannelWeightsAndTheirGradient) {
  expect_weight_gradient(full_description(sh_irreps(3, 2), sh_irreps(3, 2), sh_irreps(3, 3)));
  expect_weight_gradient(uvu_description(Irreps::parse("4x0e+2x1o+3x2e"), 3, 3));
  expect_weight_gradient(mixed_description());
}

TEST(CGProduct, UuuUvuAndMixedPathsMatchTheDefinition) {
  expect_matches_definition(full_description(sh_irreps(2, 3), sh_irreps(2, 2), sh_irreps(2, 4)),
                            11);
  expect_matches_definition(uvu_description(Irreps::parse("4x0e+2x1o+3x2e"), 3, 3), 12);
  expect_matches_definition(uvu_description(sh_irreps(5, 3), 3, 4), 13);
  expect_matches_definition(mixed_description(), 14);
}

TEST(CGProduct, UvuIsEquivariantAndItsReverseMatchesFiniteDifferences) {
  for (const auto& d :
       {uvu_description(Irreps::parse("4x0e+2x1o+3x2e"), 3, 3), mixed_description()}) {
    expect_equivariant(cg(d), 31);
    expect_reverse_matches_finite_differences(cg(d), 41);
  }
}

TEST(VectorGauntProduct, OfTwoVectorsIsTheirCrossProduct) {
  const auto v = Irreps::parse("2x1o"), out = Irreps::parse("2x1e");
  GridTensorProduct<double> p(GridProductKind::VectorGaunt, v, v, out);
  const auto x = random_vector(6, 3), y = random_vector(6, 4);
  std::vector<double> z(6);
  p.forward(1, x.data(), y.data(), z.data());
  // 3 r·(e_a × e_b) projected: z = sqrt(3) x × y (Y^1 = sqrt(3) r); m-major
  // rows: component m of channel c at 2m + c
  for (int c = 0; c < 2; ++c) {
    auto a = [&](int m) { return x[2 * m + c]; };
    auto b = [&](int m) { return y[2 * m + c]; };
    const double cross[3] = {a(1) * b(2) - a(2) * b(1), a(2) * b(0) - a(0) * b(2),
                             a(0) * b(1) - a(1) * b(0)};
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(z[2 * k + c], std::sqrt(3.0) * cross[k], 1e-13);
  }
}

// ---- (e) many-body ---------------------------------------------------------------

TEST(ManyBodyProduct, PowersEqualRepeatedGauntProducts) {
  const int C = 2, L = 3, Lout = 2, rows = 2;
  const auto in = sh_irreps(C, L), out = sh_irreps(C, Lout);
  ManyBodyGridProduct<double> mb(in, out, 4);
  const auto a = random_vector(size_t(rows) * in.dim(), 5);
  std::vector<double> z(size_t(rows) * mb.out_row_dim());
  mb.forward(rows, a.data(), z.data());
  // a^ν = Gaunt(a^(ν-1) kept up to degree (ν-1)L, a), projected onto Lout at the end
  std::vector<double> power = a;
  for (int nu = 2; nu <= 4; ++nu) {
    const auto prev = sh_irreps(C, (nu - 1) * L), full = sh_irreps(C, nu * L);
    GridTensorProduct<double> g(GridProductKind::Gaunt, prev, in, full);
    std::vector<double> next(size_t(rows) * full.dim());
    g.forward(rows, power.data(), a.data(), next.data());
    GridTensorProduct<double> proj(GridProductKind::Gaunt, prev, in, out);
    std::vector<double> expect(size_t(rows) * out.dim());
    proj.forward(rows, power.data(), a.data(), expect.data());
    std::vector<double> got;
    for (int r = 0; r < rows; ++r)
      got.insert(got.end(), z.begin() + size_t(r) * mb.out_row_dim() + (nu - 2) * out.dim(),
                 z.begin() + size_t(r) * mb.out_row_dim() + (nu - 1) * out.dim());
    EXPECT_LT(rel_diff(got, expect), 1e-12) << "nu = " << nu;
    power = next;
  }
}

TEST(ManyBodyProduct, EquivariantAndReverseMatchesFiniteDifferences) {
  const int C = 2, rows = 2;
  const auto in = sh_irreps(C, 3), out = sh_irreps(C, 3);
  ManyBodyGridProduct<double> mb(in, out, 4);
  auto a = random_vector(size_t(rows) * in.dim(), 8);
  std::vector<double> z(size_t(rows) * mb.out_row_dim());
  mb.forward(rows, a.data(), z.data());
  // equivariance: each ν block rotates as `out`
  auto axis = random_vector(3, 9);
  double R[9];
  so3::rotation_matrix(axis.data(), 1.1, R);
  std::vector<double> ar = a, zr(z.size());
  rotate_rows(in, R, rows, ar);
  mb.forward(rows, ar.data(), zr.data());
  rotate_rows(out, R, rows * 3, z);
  EXPECT_LT(rel_diff(zr, z), 1e-12);
  // reverse against central differences (a^4: O(h^2) error)
  const auto za = random_vector(z.size(), 10), da = random_vector(a.size(), 11);
  std::vector<double> aa(a.size());
  mb.reverse(rows, a.data(), za.data(), aa.data());
  auto f = [&](double s) {
    std::vector<double> as = a, zs(z.size());
    for (size_t i = 0; i < a.size(); ++i) as[i] += s * da[i];
    mb.forward(rows, as.data(), zs.data());
    double d = 0;
    for (size_t i = 0; i < zs.size(); ++i) d += za[i] * zs[i];
    return d;
  };
  const double h = 1e-4, fd = (f(h) - f(-h)) / (2 * h);
  double an = 0;
  for (size_t i = 0; i < a.size(); ++i) an += aa[i] * da[i];
  EXPECT_NEAR(an, fd, 1e-7 * (1 + std::abs(fd)));
}

// ---- float against double ---------------------------------------------------------

template <class P32, class P64, class Run>
void expect_float_matches_double(P32& p32, P64& p64, size_t n_in, size_t n_out, Run run) {
  const auto in = random_vector(n_in, 123);
  std::vector<float> in32(in.begin(), in.end()), out32(n_out);
  std::vector<double> out64(n_out);
  run(p32, in32.data(), out32.data());
  run(p64, in.data(), out64.data());
  std::vector<double> o32(out32.begin(), out32.end());
  EXPECT_LT(rel_diff(o32, out64), 2e-5);
}

TEST(FloatPrecision, EveryProductForwardAndReverseMatchesDouble) {
  const int C = 4, L = 4, rows = 3;
  const auto in = sh_irreps(C, L), out = sh_irreps(C, 2 * L), pout = sh_irreps(C, 2 * L, -1);
  const size_t nx = size_t(rows) * in.dim(), nz = size_t(rows) * out.dim();
  // inputs: x then y then z_adj, packed in one vector; outputs: z then x_adj, y_adj
  auto bilinear = [&](auto& p, auto* v, auto* o) {
    p.forward(rows, v, v + nx, o);
    p.reverse(rows, v, v + nx, v + 2 * nx, o + nz, o + nz + nx);
  };
  {
    GridTensorProduct<float> a(GridProductKind::Gaunt, in, in, out);
    GridTensorProduct<double> b(GridProductKind::Gaunt, in, in, out);
    expect_float_matches_double(a, b, 2 * nx + nz, nz + 2 * nx, bilinear);
  }
  {
    GridTensorProduct<float> a(GridProductKind::VectorGaunt, in, in, pout);
    GridTensorProduct<double> b(GridProductKind::VectorGaunt, in, in, pout);
    expect_float_matches_double(a, b, 2 * nx + nz, nz + 2 * nx, bilinear);
  }
  {
    FourierTensorProduct<float> a(in, in, out);
    FourierTensorProduct<double> b(in, in, out);
    expect_float_matches_double(a, b, 2 * nx + nz, nz + 2 * nx, bilinear);
  }
  {
    const auto d = gaunt_description(in, in, out);
    CGTensorProduct<float> a(d);
    CGTensorProduct<double> b(d);
    auto run = [&](auto& p, auto* v, auto* o) {
      p.forward(rows, v, v + nx, nullptr, o);
      p.reverse(rows, v, v + nx, nullptr, v + 2 * nx, o + nz, o + nz + nx, nullptr);
    };
    expect_float_matches_double(a, b, 2 * nx + nz, nz + 2 * nx, run);
  }
  {
    ManyBodyGridProduct<float> a(in, sh_irreps(C, 2), 3);
    ManyBodyGridProduct<double> b(in, sh_irreps(C, 2), 3);
    const size_t nm = size_t(rows) * a.out_row_dim();
    auto run = [&](auto& p, auto* v, auto* o) {
      p.forward(rows, v, o);
      p.reverse(rows, v, v + nx, o + nm);
    };
    expect_float_matches_double(a, b, nx + nm, nm + nx, run);
  }
}

// ---- channel blocks and ring pairs of the grid kernels ---------------------------

// The grid kernels run on blocks of channels (a few SIMD registers) and on
// pairs of mirror rings: channel counts that are not multiples of the block
// (1, 3, 33) or span several blocks (8, 33), grids with odd and even numbers
// of rings, L = 0; forward and reverse against the CG product, float against double.
TEST(GridKernels, ChannelBlocksAndRingPairsMatchCG) {
  const int rows = 2;
  for (int C : {1, 3, 8, 33})
    for (int L : {0, 1, 2, 5})
      for (int trunc : {0, 1}) {  // outputs to 2L (odd ring count) or 2L-1 (even, Gaunt)
        const int L3 = std::max(0, 2 * L - trunc);
        const auto in = sh_irreps(C, L), out = sh_irreps(C, L3), pout = sh_irreps(C, L3, -1);
        for (auto kind : {GridProductKind::Gaunt, GridProductKind::VectorGaunt}) {
          const bool vec = kind == GridProductKind::VectorGaunt;
          const auto& o = vec ? pout : out;
          const auto d = vec ? vector_gaunt_description(in, in, o) : gaunt_description(in, in, o);
          auto g = std::make_shared<GridTensorProduct<double>>(kind, in, in, o);
          const Bilinear a = wrap(g, in, in, o), b = cg(d);
          const std::string what = "C=" + std::to_string(C) + " L=" + std::to_string(L) +
                                   " L3=" + std::to_string(L3) + (vec ? " vector" : " Gaunt") +
                                   " rings=" + std::to_string(g->grid().n_polar());
          const auto x = random_vector(size_t(rows) * in.dim(), 100 + C + L);
          const auto y = random_vector(size_t(rows) * in.dim(), 200 + C + L);
          const auto za = random_vector(size_t(rows) * o.dim(), 300 + C + L);
          EXPECT_LT(rel_diff(apply(a, rows, x, y), apply(b, rows, x, y)), 1e-12) << what;
          std::vector<double> xa(x.size()), ya(y.size()), xb(x.size()), yb(y.size());
          a.reverse(rows, x.data(), y.data(), za.data(), xa.data(), ya.data());
          b.reverse(rows, x.data(), y.data(), za.data(), xb.data(), yb.data());
          EXPECT_LT(rel_diff(xa, xb), 1e-12) << what;
          EXPECT_LT(rel_diff(ya, yb), 1e-12) << what;
          // float: the same blocks with twice the lanes
          GridTensorProduct<float> f(kind, in, in, o);
          std::vector<float> xf(x.begin(), x.end()), yf(y.begin(), y.end()),
              zaf(za.begin(), za.end()), zf(za.size()), xaf(x.size()), yaf(y.size());
          f.forward(rows, xf.data(), yf.data(), zf.data());
          f.reverse(rows, xf.data(), yf.data(), zaf.data(), xaf.data(), yaf.data());
          const auto z = apply(b, rows, x, y);
          EXPECT_LT(rel_diff(std::vector<double>(zf.begin(), zf.end()), z), 2e-5) << what;
          EXPECT_LT(rel_diff(std::vector<double>(xaf.begin(), xaf.end()), xb), 2e-5) << what;
          EXPECT_LT(rel_diff(std::vector<double>(yaf.begin(), yaf.end()), yb), 2e-5) << what;
        }
      }
}

// a^2 of the many-body product is the Gaunt product (a, a); its gradient is
// x_adj + y_adj of that product at x = y = a. Channel counts as above.
TEST(GridKernels, ManyBodySquareMatchesGauntForEveryChannelCount) {
  const int rows = 2;
  for (int C : {1, 3, 8, 33})
    for (int L : {0, 2, 3}) {
      const auto in = sh_irreps(C, L), out = sh_irreps(C, L + 1);
      ManyBodyGridProduct<double> mb(in, out, 2);
      GridTensorProduct<double> g(GridProductKind::Gaunt, in, in, out);
      const auto a = random_vector(size_t(rows) * in.dim(), 400 + C + L);
      const auto za = random_vector(size_t(rows) * out.dim(), 500 + C + L);
      std::vector<double> z(size_t(rows) * out.dim()), zg(z.size()), aa(a.size()), xa(a.size()),
          ya(a.size());
      mb.forward(rows, a.data(), z.data());
      g.forward(rows, a.data(), a.data(), zg.data());
      EXPECT_LT(rel_diff(z, zg), 1e-12) << "C=" << C << " L=" << L;
      mb.reverse(rows, a.data(), za.data(), aa.data());
      g.reverse(rows, a.data(), a.data(), za.data(), xa.data(), ya.data());
      for (size_t i = 0; i < xa.size(); ++i) xa[i] += ya[i];
      EXPECT_LT(rel_diff(aa, xa), 1e-12) << "C=" << C << " L=" << L;
    }
}

// ---- errors --------------------------------------------------------------------

TEST(TensorProductErrors, BadIrrepsAreClearErrors) {
  const auto in = Irreps::parse("2x0e+2x1o");
  EXPECT_THROW(CGTensorProduct<double>(full_description(in, Irreps::parse("3x1o"), in)), Error);
  // mixed parity types, repeated degree, wrong output parity
  EXPECT_THROW(
      GridTensorProduct<double>(GridProductKind::Gaunt, Irreps::parse("2x0e+2x1e"), in, in), Error);
  EXPECT_THROW(
      GridTensorProduct<double>(GridProductKind::Gaunt, Irreps::parse("2x1o+2x1o"), in, in), Error);
  EXPECT_THROW(
      GridTensorProduct<double>(GridProductKind::Gaunt, in, in, Irreps::parse("2x0o+2x1e")), Error);
  EXPECT_THROW(GridTensorProduct<double>(GridProductKind::VectorGaunt, in, in, in), Error);
  EXPECT_THROW(FourierTensorProduct<double>(in, in, Irreps::parse("2x1e")), Error);
  EXPECT_THROW(ManyBodyGridProduct<double>(in, in, 1), Error);
  EXPECT_THROW(ManyBodyGridProduct<double>(Irreps::parse("2x1e"), in, 3), Error);
  // modes: uvu needs in2 of multiplicity 1, uuu equal multiplicities; the
  // grid products are uuu only
  TensorProductDescription m = full_description(in, in, in);
  m.paths[0].mode = Mode::uvu;
  std::string msg = error_of([&] { validate(m); });
  EXPECT_NE(msg.find("(uvu)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("multiplicity 1 in in2"), std::string::npos) << msg;
  m = uvu_description(in, 1, 1);
  m.paths[0].mode = Mode::uuu;
  msg = error_of([&] { validate(m); });
  EXPECT_NE(msg.find("(uuu)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("equal multiplicities"), std::string::npos) << msg;
  msg = error_of([&] {
    GridTensorProduct<double>(GridProductKind::Gaunt, in, Irreps::parse("1x0e+1x1o"), in);
  });
  EXPECT_NE(msg.find("grid tensor product"), std::string::npos) << msg;
  EXPECT_NE(msg.find("uvu"), std::string::npos) << msg;
  msg = error_of([&] { FourierTensorProduct<double>(in, Irreps::parse("1x0e+1x1o"), in); });
  EXPECT_NE(msg.find("Fourier tensor product"), std::string::npos) << msg;
  TensorProductDescription d = full_description(in, in, in);
  d.paths.push_back({0, 0, 1, 1.0});  // 0e x 0e -> 1o
  EXPECT_THROW(validate(d), Error);
  try {
    validate(d);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("triangle"), std::string::npos) << e.what();
  }
}
