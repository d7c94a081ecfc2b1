// Inputs of the tensor-product tests: spherical-function irreps and
// reproducible random feature rows.
#pragma once

#include <random>
#include <string>
#include <vector>

#include "equinet/so3/irreps.hpp"

namespace equinet::testing {

// C x (lmin .. L) with parity sign*(-1)^l, e.g. "3x0e+3x1o+3x2e".
inline so3::Irreps sh_irreps(int C, int L, int sign = 1, int lmin = 0) {
  std::string s;
  for (int l = lmin; l <= L; ++l) {
    const bool even = ((l % 2) ? -sign : sign) > 0;
    s += (s.empty() ? "" : "+") + std::to_string(C) + "x" + std::to_string(l) + (even ? "e" : "o");
  }
  return so3::Irreps::parse(s);
}

// n values uniform in [-1, 1), the same for every T given the seed.
template <typename T = double>
std::vector<T> random_vector(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> v(n);
  for (auto& x : v) x = T(u(rng));
  return v;
}

}  // namespace equinet::testing
