#include <gtest/gtest.h>

#include <cmath>
#include <tuple>
#include <vector>

#include "equinet/so3/irreps.hpp"
#include "equinet/so3/wigner_3j.hpp"
#include "equinet/so3/wigner_d.hpp"

using namespace equinet::so3;

class Wigner3jTriple : public ::testing::TestWithParam<std::tuple<int, int, int>> {};

TEST_P(Wigner3jTriple, InvariantUnitNormAndSignConvention) {
  const auto [l1, l2, l3] = GetParam();
  const auto& C = wigner_3j(l1, l2, l3);
  const int d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
  ASSERT_EQ(C.size(), size_t(d1 * d2 * d3));
  double norm = 0;
  for (double c : C) norm += c * c;
  EXPECT_NEAR(norm, 1.0, 1e-13);
  // sign: central element positive, else first non-zero positive
  const double central = C[(l1 * d2 + l2) * d3 + l3];
  if (std::abs(central) > 1e-12) {
    EXPECT_GT(central, 0);
  } else {
    for (double c : C)
      if (c != 0) {
        EXPECT_GT(c, 0);
        break;
      }
  }
  // invariance: (D1 ⊗ D2 ⊗ D3) C = C
  const double axis[3] = {0.2, 0.9, -0.4};
  double R[9];
  rotation_matrix(axis, 1.234, R);
  const auto D1 = wigner_D(l1, R), D2 = wigner_D(l2, R), D3 = wigner_D(l3, R);
  std::vector<double> t1(C.size(), 0.0), t2(C.size(), 0.0), t3(C.size(), 0.0);
  for (int a = 0; a < d1; ++a)
    for (int i = 0; i < d1; ++i)
      for (int bc = 0; bc < d2 * d3; ++bc)
        t1[a * d2 * d3 + bc] += D1[a * d1 + i] * C[i * d2 * d3 + bc];
  for (int a = 0; a < d1; ++a)
    for (int b = 0; b < d2; ++b)
      for (int j = 0; j < d2; ++j)
        for (int c = 0; c < d3; ++c)
          t2[(a * d2 + b) * d3 + c] += D2[b * d2 + j] * t1[(a * d2 + j) * d3 + c];
  for (int ab = 0; ab < d1 * d2; ++ab)
    for (int c = 0; c < d3; ++c)
      for (int k = 0; k < d3; ++k) t3[ab * d3 + c] += D3[c * d3 + k] * t2[ab * d3 + k];
  for (size_t i = 0; i < C.size(); ++i) EXPECT_NEAR(t3[i], C[i], 1e-12);
}

static std::vector<std::tuple<int, int, int>> triples() {
  std::vector<std::tuple<int, int, int>> out;
  for (int l1 = 0; l1 <= 4; ++l1)
    for (int l2 = 0; l2 <= 4; ++l2)
      for (int l3 = std::abs(l1 - l2); l3 <= l1 + l2; ++l3) out.emplace_back(l1, l2, l3);
  out.emplace_back(8, 8, 16);
  out.emplace_back(8, 7, 3);
  out.emplace_back(6, 8, 9);
  return out;
}
INSTANTIATE_TEST_SUITE_P(Triples, Wigner3jTriple, ::testing::ValuesIn(triples()));

TEST(Wigner3j, TriangleViolationIsEmpty) { EXPECT_TRUE(wigner_3j(1, 1, 3).empty()); }

TEST(Wigner3j, KnownValues) {
  // (1,1,0): δ_ij / sqrt(3); (1,1,1): Levi-Civita / sqrt(6) up to the sign rule.
  const auto& c110 = wigner_3j(1, 1, 0);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      EXPECT_NEAR(c110[i * 3 + j], i == j ? 1 / std::sqrt(3.0) : 0.0, 1e-15);
  const auto& c111 = wigner_3j(1, 1, 1);
  EXPECT_NEAR(std::abs(c111[(0 * 3 + 1) * 3 + 2]), 1 / std::sqrt(6.0), 1e-15);
  EXPECT_NEAR(c111[(0 * 3 + 1) * 3 + 2], -c111[(1 * 3 + 0) * 3 + 2], 1e-15);
  EXPECT_NEAR(wigner_3j_symbol(1, 1, 0, 0, 0, 0), -1 / std::sqrt(3.0), 1e-15);
}

TEST(Irreps, ParseSortSimplify) {
  const auto irreps = Irreps::parse("16x0e+16x1o + 8x2e");
  EXPECT_EQ(irreps.dim(), 16 + 48 + 40);
  EXPECT_EQ(irreps.str(), "16x0e+16x1o+8x2e");
  EXPECT_EQ(irreps.lmax(), 2);
  EXPECT_EQ(irreps.offset(2), 64);
  std::vector<int> perm;
  const auto sorted = Irreps::parse("1x1e+2x0e+1x1o+3x0e").sorted(&perm);
  EXPECT_EQ(sorted.str(), "2x0e+3x0e+1x1o+1x1e");
  EXPECT_EQ(perm, (std::vector<int>{3, 0, 2, 1}));
  EXPECT_EQ(sorted.simplified().str(), "5x0e+1x1o+1x1e");
  EXPECT_EQ(Irreps::parse("0e").str(), "1x0e");
  EXPECT_THROW(Irreps::parse("16x0q"), std::invalid_argument);
  EXPECT_THROW(Irreps::parse("16x0e++1o"), std::invalid_argument);
  EXPECT_THROW(Irreps::parse("ax0e"), std::invalid_argument);
}
