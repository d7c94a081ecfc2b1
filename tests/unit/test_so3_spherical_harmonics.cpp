#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "equinet/so3/quadrature.hpp"
#include "equinet/so3/spherical_harmonics.hpp"
#include "equinet/so3/wigner_3j.hpp"
#include "equinet/so3/wigner_d.hpp"

using namespace equinet::so3;

namespace {
std::vector<double> sh(int lmax, const double r[3]) {
  std::vector<double> y(sh_size(lmax));
  spherical_harmonics(lmax, r, y.data());
  return y;
}
}  // namespace

TEST(SphericalHarmonics, MatchesE3nnLowDegreeFormulas) {
  const double r[3] = {0.3, -0.5, 0.8};
  const double n = std::sqrt(0.09 + 0.25 + 0.64);
  const double x = r[0] / n, y = r[1] / n, z = r[2] / n;
  const auto v = sh(2, r);
  EXPECT_NEAR(v[0], 1.0, 1e-15);
  EXPECT_NEAR(v[1], std::sqrt(3.0) * x, 1e-15);
  EXPECT_NEAR(v[2], std::sqrt(3.0) * y, 1e-15);
  EXPECT_NEAR(v[3], std::sqrt(3.0) * z, 1e-15);
  EXPECT_NEAR(v[4], std::sqrt(15.0) * x * z, 1e-14);
  EXPECT_NEAR(v[5], std::sqrt(15.0) * x * y, 1e-14);
  EXPECT_NEAR(v[6], std::sqrt(5.0) * (y * y - 0.5 * (x * x + z * z)), 1e-14);
  EXPECT_NEAR(v[7], std::sqrt(15.0) * y * z, 1e-14);
  EXPECT_NEAR(v[8], 0.5 * std::sqrt(15.0) * (z * z - x * x), 1e-14);
}

TEST(SphericalHarmonics, ComponentNormalisedAndOrthogonal) {
  const int L = 10;
  const auto grid = make_sphere_grid_for_degree(2 * L);
  const int n = sh_size(L);
  std::vector<double> gram(n * n, 0.0);
  for (int q = 0; q < grid.size(); ++q) {
    const auto y = sh(L, &grid.points[3 * q]);
    for (int a = 0; a < n; ++a)
      for (int b = 0; b < n; ++b) gram[a * n + b] += grid.weights[q] / (4 * M_PI) * y[a] * y[b];
  }
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b)
      EXPECT_NEAR(gram[a * n + b], a == b ? 1.0 : 0.0, 1e-12) << a << " " << b;
}

TEST(SphericalHarmonics, ZonalTermPositiveOnPolarAxis) {
  const double pole[3] = {0, 2.0, 0};
  const auto y = sh(12, pole);
  for (int l = 0; l <= 12; ++l)
    for (int m = -l; m <= l; ++m)
      EXPECT_NEAR(y[l * l + l + m], m == 0 ? std::sqrt(2.0 * l + 1) : 0.0, 1e-12);
}

// e3nn generates Y^{l+1} from Y^l ⊗ r through wigner_3j(l+1, 1, l) with a
// positive normalisation; our harmonics and 3j signs must reproduce that.
TEST(SphericalHarmonics, ConsistentWithE3nnRecursionThrough3j) {
  std::mt19937 rng(3);
  std::normal_distribution<double> g;
  for (int trial = 0; trial < 5; ++trial) {
    double r[3] = {g(rng), g(rng), g(rng)};
    const double n = std::sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
    for (double& c : r) c /= n;
    const auto y = sh(9, r);
    for (int l = 1; l < 9; ++l) {
      const auto& C = wigner_3j(l + 1, 1, l);
      const int d1 = 2 * l + 3, d3 = 2 * l + 1;
      std::vector<double> next(d1, 0.0);
      for (int k = 0; k < d1; ++k)
        for (int j = 0; j < 3; ++j)
          for (int m = 0; m < d3; ++m) next[k] += C[(k * 3 + j) * d3 + m] * r[j] * y[l * l + m];
      // proportional with a positive constant
      double dot = 0, nn = 0, yy = 0;
      for (int k = 0; k < d1; ++k) {
        dot += next[k] * y[(l + 1) * (l + 1) + k];
        nn += next[k] * next[k];
        yy += y[(l + 1) * (l + 1) + k] * y[(l + 1) * (l + 1) + k];
      }
      EXPECT_GT(dot, 0) << "l=" << l + 1;
      EXPECT_NEAR(dot * dot, nn * yy, 1e-10 * nn * yy) << "l=" << l + 1;
    }
  }
}

template <typename T>
class SphericalHarmonicsGradient : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(SphericalHarmonicsGradient, Precisions);

TYPED_TEST(SphericalHarmonicsGradient, MatchesFiniteDifferences) {
  using T = TypeParam;
  const int L = 8;
  const int n = sh_size(L);
  std::mt19937 rng(7);
  std::normal_distribution<double> g;
  for (int trial = 0; trial < 10; ++trial) {
    const double r[3] = {1.5 * g(rng), 1.5 * g(rng), 1.5 * g(rng)};
    const T rt[3] = {T(r[0]), T(r[1]), T(r[2])};
    std::vector<T> y(n), grad(3 * n);
    spherical_harmonics<T>(L, rt, y.data(), grad.data());
    const double h = 1e-5;
    for (int d = 0; d < 3; ++d) {
      double rp[3] = {r[0], r[1], r[2]}, rm[3] = {r[0], r[1], r[2]};
      rp[d] += h;
      rm[d] -= h;
      const auto yp = sh(L, rp), ym = sh(L, rm);
      for (int k = 0; k < n; ++k) {
        const double fd = (yp[k] - ym[k]) / (2 * h);
        const double tol = std::is_same<T, float>::value ? 2e-3 * (1 + std::abs(fd)) : 1e-7;
        EXPECT_NEAR(double(grad[3 * k + d]), fd, tol) << "k=" << k << " d=" << d;
      }
    }
    const auto yd = sh(L, r);
    const double value_tol = std::is_same<T, float>::value ? 1e-4 : 0.0;
    for (int k = 0; k < n; ++k) EXPECT_NEAR(double(y[k]), yd[k], value_tol * (1 + std::abs(yd[k])));
  }
}

TEST(SphericalHarmonics, RotateWithOrthogonalWignerD) {
  std::mt19937 rng(11);
  std::normal_distribution<double> g;
  const double axis[3] = {0.3, -1.1, 0.4};
  double R[9];
  rotation_matrix(axis, 0.77, R);
  for (int l = 0; l <= 8; ++l) {
    const auto D = wigner_D(l, R);
    const int d = 2 * l + 1;
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b) {
        double s = 0;
        for (int c = 0; c < d; ++c) s += D[a * d + c] * D[b * d + c];
        EXPECT_NEAR(s, a == b ? 1.0 : 0.0, 1e-12);
      }
    for (int trial = 0; trial < 3; ++trial) {
      const double r[3] = {g(rng), g(rng), g(rng)};
      const double rr[3] = {R[0] * r[0] + R[1] * r[1] + R[2] * r[2],
                            R[3] * r[0] + R[4] * r[1] + R[5] * r[2],
                            R[6] * r[0] + R[7] * r[1] + R[8] * r[2]};
      const auto y = sh(l, r), yr = sh(l, rr);
      for (int a = 0; a < d; ++a) {
        double s = 0;
        for (int b = 0; b < d; ++b) s += D[a * d + b] * y[l * l + b];
        EXPECT_NEAR(yr[l * l + a], s, 1e-12);
      }
    }
  }
}

// The batched form (several vectors per SIMD register for lmax <= 3) gives
// the single-vector values and gradients, for every lmax path and batch
// sizes that leave partly filled registers.
TYPED_TEST(SphericalHarmonicsGradient, BatchEqualsSingleVectors) {
  using T = TypeParam;
  std::mt19937 rng(11);
  std::normal_distribution<double> g;
  for (int L = 0; L <= 4; ++L)
    for (int count : {1, 3, 17, 40}) {
      const int n = sh_size(L);
      std::vector<T> r(3 * count), y(count * n), grad(count * 3 * n), y1(n), g1(3 * n);
      for (auto& x : r) x = T(2 * g(rng));
      spherical_harmonics_batch<T>(L, count, r.data(), y.data(), grad.data());
      for (int e = 0; e < count; ++e) {
        spherical_harmonics<T>(L, r.data() + 3 * e, y1.data(), g1.data());
        const double tol = std::is_same<T, float>::value ? 1e-5 : 1e-13;
        for (int k = 0; k < n; ++k)
          EXPECT_NEAR(double(y[e * n + k]), double(y1[k]), tol * (1 + std::abs(double(y1[k]))))
              << "L=" << L << " e=" << e << " k=" << k;
        for (int k = 0; k < 3 * n; ++k)
          EXPECT_NEAR(double(grad[e * 3 * n + k]), double(g1[k]),
                      tol * (1 + std::abs(double(g1[k]))))
              << "L=" << L << " e=" << e << " k=" << k;
      }
      std::vector<T> y_only(count * n);
      spherical_harmonics_batch<T>(L, count, r.data(), y_only.data());
      for (int k = 0; k < count * n; ++k) EXPECT_EQ(y_only[k], y[k]);
    }
}
