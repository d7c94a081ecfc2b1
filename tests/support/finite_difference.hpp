// Finite-difference checks of reverse (adjoint) passes, in the style of
// symmetrix's test_mace.py: for a block y = f(x), a random upstream adjoint
// g and random directions d,
//   <g, f(x + h d) - f(x - h d)> / 2h  ==  <x_adj, d>,  x_adj = reverse(g).
//
// Tolerance: the central difference errs by h^2/6 <g, f'''(x)[d,d,d]>
// (truncation) plus ~ eps |<g, f>| / h (rounding). With h = 1e-5, float64 and
// inputs, weights and adjoints of order one, both are ~1e-10 times the size
// of the terms, so 1e-7 relative to max(1, |<x_adj, d>|) leaves three orders
// of margin, while a wrong or missing adjoint term errs by order one.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "support/tp_inputs.hpp"

namespace equinet::testing {

inline constexpr double kFiniteDifferenceStep = 1e-5;
inline constexpr double kFiniteDifferenceTolerance = 1e-7;

inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t k = 0; k < std::min(a.size(), b.size()); ++k) s += a[k] * b[k];
  return s;
}

// f(x) -> output vector; `x_adj` = the reverse pass of f at x applied to g.
// Checks `directions` random directions (seeded) for input `what`.
template <typename F>
void expect_adjoint_matches_finite_differences(const std::string& what, F&& f,
                                               const std::vector<double>& x,
                                               const std::vector<double>& g,
                                               const std::vector<double>& x_adj, unsigned seed,
                                               int directions = 3) {
  ASSERT_EQ(x_adj.size(), x.size()) << what;
  const double h = kFiniteDifferenceStep;
  for (int k = 0; k < directions; ++k) {
    const auto d = random_vector(x.size(), seed + 7919u * unsigned(k + 1));
    std::vector<double> xp = x, xm = x;
    for (size_t i = 0; i < x.size(); ++i) {
      xp[i] += h * d[i];
      xm[i] -= h * d[i];
    }
    const auto yp = f(xp), ym = f(xm);
    ASSERT_EQ(yp.size(), g.size()) << what;
    const double fd = (dot(g, yp) - dot(g, ym)) / (2 * h);
    const double analytic = dot(x_adj, d);
    EXPECT_NEAR(analytic, fd, kFiniteDifferenceTolerance * std::max(1.0, std::abs(analytic)))
        << what << ", direction " << k;
    // a vanishing derivative would pass against anything: the check must see one
    EXPECT_GT(std::abs(analytic), 1e-3) << what << ", direction " << k;
  }
}

}  // namespace equinet::testing
