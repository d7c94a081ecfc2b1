// Gaunt and vector Gaunt coefficients against direct quadrature of their
// defining integrals, and the exactness of the spherical-grid transforms.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <tuple>
#include <vector>

#include "equinet/so3/gaunt.hpp"
#include "equinet/so3/s2_grid_transform.hpp"
#include "equinet/so3/spherical_harmonics.hpp"
#include "equinet/so3/wigner_3j.hpp"

using namespace equinet::so3;

namespace {
std::vector<std::tuple<int, int, int>> triples(int lmax) {
  std::vector<std::tuple<int, int, int>> out;
  for (int l1 = 0; l1 <= lmax; ++l1)
    for (int l2 = 0; l2 <= lmax; ++l2)
      for (int l3 = std::abs(l1 - l2); l3 <= l1 + l2; ++l3) out.emplace_back(l1, l2, l3);
  return out;
}
}  // namespace

TEST(GauntCoefficient, EqualsQuadratureOfThreeHarmonicsForEveryTripleUpToEight) {
  for (const auto& [l1, l2, l3] : triples(8)) {
    const auto G = gaunt_tensor_by_quadrature(l1, l2, l3);
    const auto& C = wigner_3j(l1, l2, l3);
    const double g = gaunt_coefficient(l1, l2, l3);
    if ((l1 + l2 + l3) % 2)
      EXPECT_EQ(g, 0.0);
    else
      EXPECT_GT(g, 0.0) << l1 << l2 << l3;
    for (size_t i = 0; i < C.size(); ++i)
      ASSERT_NEAR(G[i], g * C[i], 1e-12) << l1 << " " << l2 << " " << l3 << " entry " << i;
  }
}

TEST(GauntCoefficient, KnownValuesAndOutsideTheTriangle) {
  // (1/4π)∫ 3 x_a x_b = δ_ab and C(1,1,0) = δ/sqrt3  =>  g = sqrt3
  EXPECT_NEAR(gaunt_coefficient(1, 1, 0), std::sqrt(3.0), 1e-15);
  EXPECT_NEAR(gaunt_coefficient(0, 5, 5), std::sqrt(11.0), 1e-14);  // Y_0 = 1, |C| = 1
  EXPECT_EQ(gaunt_coefficient(1, 1, 3), 0.0);
  EXPECT_EQ(gaunt_coefficient(1, 1, 1), 0.0);
}

TEST(VectorGauntCoefficient, EqualsQuadratureAndReachesEveryOddPath) {
  for (const auto& [l1, l2, l3] : triples(5)) {
    const auto V = vector_gaunt_tensor_by_quadrature(l1, l2, l3);
    const auto& C = wigner_3j(l1, l2, l3);
    const double v = vector_gaunt_coefficient(l1, l2, l3);
    for (size_t i = 0; i < C.size(); ++i)
      ASSERT_NEAR(V[i], v * C[i], 1e-12) << l1 << " " << l2 << " " << l3 << " entry " << i;
    if ((l1 + l2 + l3) % 2 == 1 && l1 > 0 && l2 > 0)
      EXPECT_GT(std::abs(v), 1e-3) << "odd path " << l1 << l2 << l3 << " not reached";
    else
      EXPECT_EQ(v, 0.0);
  }
  // cross product: r·(∇(√3 x_a) × ∇(√3 x_b)) = 3 ε_abc x_c = √3 ε_abc Y1_c, C = ε/√6
  EXPECT_NEAR(std::abs(vector_gaunt_coefficient(1, 1, 1)), 3 * std::sqrt(2.0), 1e-13);
}

class S2Grid : public ::testing::TestWithParam<int> {};

TEST_P(S2Grid, SynthesisMatchesDirectEvaluationOfValuesAndGradients) {
  const int L = GetParam();
  S2GridTransform<double> T(L, 2 * L);
  const int C = 2, na = T.n_azimuth();
  std::mt19937 rng(L);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> X(sh_size(L) * C), V(na * C), F(T.scratch_size(C)), y(sh_size(L)),
      g(3 * sh_size(L));
  for (auto& v : X) v = u(rng);
  for (int i = 0; i < T.n_polar(); ++i)
    for (int b = 0; b < 3; ++b) {
      T.synthesis(RingBasis(b), i, L, C, X.data(), V.data(), F.data());
      for (int j = 0; j < na; ++j) {
        double r[3];
        T.point(i, j, r);
        spherical_harmonics(L, r, y.data(), g.data());
        // e_θ, e_φ of (θ, φ) with r = (sinθ sinφ, cosθ, sinθ cosφ)
        const double st = std::sqrt(r[0] * r[0] + r[2] * r[2]), ct = r[1];
        const double sp = r[0] / st, cp = r[2] / st;
        const double e[2][3] = {{ct * sp, -st, ct * cp}, {cp, 0, -sp}};
        for (int c = 0; c < C; ++c) {
          double expect = 0;
          for (int lm = 0; lm < sh_size(L); ++lm) {
            const double basis = b == 0 ? y[lm]
                                        : e[b - 1][0] * g[3 * lm] + e[b - 1][1] * g[3 * lm + 1] +
                                              e[b - 1][2] * g[3 * lm + 2];
            expect += X[lm * C + c] * basis;
          }
          ASSERT_NEAR(V[j * C + c], expect, 1e-12 * std::max(1.0, std::abs(expect)))
              << "basis " << b << " ring " << i;
        }
      }
    }
}

TEST_P(S2Grid, TransposeIsExactAdjoint) {
  const int L = GetParam();
  S2GridTransform<double> T(L, 2 * L);
  const int C = 3, na = T.n_azimuth();
  std::mt19937 rng(7 + L);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> X(sh_size(L) * C), V(na * C), SX(na * C), StV(sh_size(L) * C, 0.0),
      F(T.scratch_size(C));
  for (auto& v : X) v = u(rng);
  for (auto& v : V) v = u(rng);
  for (int b = 0; b < 3; ++b) {
    std::fill(StV.begin(), StV.end(), 0.0);
    T.synthesis(RingBasis(b), 1 % T.n_polar(), L, C, X.data(), SX.data(), F.data());
    T.synthesis_transpose(RingBasis(b), 1 % T.n_polar(), L, C, V.data(), StV.data(), F.data());
    double a = 0, c = 0;
    for (size_t i = 0; i < V.size(); ++i) a += V[i] * SX[i];
    for (size_t i = 0; i < X.size(); ++i) c += StV[i] * X[i];
    EXPECT_NEAR(a, c, 1e-12 * (1 + std::abs(a)));
  }
}

// Analysis after synthesis is the identity on the minimal grid for degree 2L,
// and fails when either dimension is one short: the documented sizes are minimal.
double roundtrip_error(int L, int n_polar, int n_azimuth) {
  S2GridTransform<double> T(L, n_polar, n_azimuth);
  const int C = 1;
  std::vector<double> X(sh_size(L)), Y(sh_size(L), 0.0), V(T.n_azimuth()), F(T.scratch_size(C));
  for (int k = 0; k < sh_size(L); ++k) X[k] = std::cos(1.0 + 3.7 * k);
  for (int i = 0; i < T.n_polar(); ++i) {
    T.synthesis(RingBasis::Value, i, L, C, X.data(), V.data(), F.data());
    for (auto& v : V) v *= T.weight(i);
    T.synthesis_transpose(RingBasis::Value, i, L, C, V.data(), Y.data(), F.data());
  }
  double err = 0;
  for (int k = 0; k < sh_size(L); ++k) err = std::max(err, std::abs(X[k] - Y[k]));
  return err;
}

TEST_P(S2Grid, MinimalSizesAreExactAndMinimal) {
  const int L = GetParam(), D = 2 * L;
  EXPECT_LT(roundtrip_error(L, s2_grid_min_polar(D), s2_grid_min_azimuth(D)), 1e-12);
  if (L > 0) {
    EXPECT_GT(roundtrip_error(L, s2_grid_min_polar(D) - 1, s2_grid_min_azimuth(D)), 1e-6);
    EXPECT_GT(roundtrip_error(L, s2_grid_min_polar(D), s2_grid_min_azimuth(D) - 1), 1e-6);
  }
}

INSTANTIATE_TEST_SUITE_P(Degrees, S2Grid, ::testing::Values(0, 1, 2, 3, 5, 8, 12));
