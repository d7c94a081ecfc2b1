#include "equinet/so3/gaunt.hpp"

#include <cmath>
#include <cstdlib>
#include <map>
#include <mutex>
#include <tuple>

#include "equinet/so3/quadrature.hpp"
#include "equinet/so3/spherical_harmonics.hpp"
#include "equinet/so3/wigner_3j.hpp"

namespace equinet::so3 {
namespace {

bool triangle(int l1, int l2, int l3) {
  return l1 >= 0 && l2 >= 0 && l3 >= std::abs(l1 - l2) && l3 <= l1 + l2;
}

// (1/4π) ∫ Y_l3m3 · integrand(m1, m2) over an exact grid; `vector` selects
// r·(∇Y1 × ∇Y2) instead of Y1 Y2.
std::vector<double> tensor_by_quadrature(int l1, int l2, int l3, bool vector) {
  const int d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
  std::vector<double> t(size_t(d1) * d2 * d3, 0.0);
  if (!triangle(l1, l2, l3)) return t;
  const int L = std::max(l1, std::max(l2, l3));
  // The gradient of a degree-l harmonic restricted to the sphere is a
  // polynomial of degree l+1, so l1+l2+l3+2 covers both integrands.
  const SphereGrid grid = make_sphere_grid_for_degree(l1 + l2 + l3 + 2);
  std::vector<double> y(sh_size(L)), g(3 * sh_size(L));
  for (int q = 0; q < grid.size(); ++q) {
    const double* r = &grid.points[3 * q];
    spherical_harmonics(L, r, y.data(), g.data());
    const double w = grid.weights[q] / (4.0 * M_PI);
    for (int a = 0; a < d1; ++a)
      for (int b = 0; b < d2; ++b) {
        const int i = l1 * l1 + a, j = l2 * l2 + b;
        double f = 0;
        if (vector) {
          const double* gi = &g[3 * i];
          const double* gj = &g[3 * j];
          f = r[0] * (gi[1] * gj[2] - gi[2] * gj[1]) + r[1] * (gi[2] * gj[0] - gi[0] * gj[2]) +
              r[2] * (gi[0] * gj[1] - gi[1] * gj[0]);
        } else {
          f = y[i] * y[j];
        }
        for (int c = 0; c < d3; ++c) t[(size_t(a) * d2 + b) * d3 + c] += w * f * y[l3 * l3 + c];
      }
  }
  return t;
}

}  // namespace

double gaunt_coefficient(int l1, int l2, int l3) {
  if (!triangle(l1, l2, l3) || (l1 + l2 + l3) % 2) return 0.0;
  return std::sqrt(double((2 * l1 + 1) * (2 * l2 + 1) * (2 * l3 + 1))) *
         std::abs(wigner_3j_symbol(l1, l2, l3, 0, 0, 0));
}

std::vector<double> gaunt_tensor_by_quadrature(int l1, int l2, int l3) {
  return tensor_by_quadrature(l1, l2, l3, false);
}

std::vector<double> vector_gaunt_tensor_by_quadrature(int l1, int l2, int l3) {
  return tensor_by_quadrature(l1, l2, l3, true);
}

double vector_gaunt_coefficient(int l1, int l2, int l3) {
  if (!triangle(l1, l2, l3) || (l1 + l2 + l3) % 2 == 0 || l1 == 0 || l2 == 0) return 0.0;
  static std::mutex mutex;
  static std::map<std::tuple<int, int, int>, double> cache;
  const std::lock_guard<std::mutex> lock(mutex);
  const auto key = std::make_tuple(l1, l2, l3);
  const auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  // V = v C with |C| = 1, so v = <V, C>.
  const auto V = tensor_by_quadrature(l1, l2, l3, true);
  const auto& C = wigner_3j(l1, l2, l3);
  double v = 0;
  for (size_t i = 0; i < C.size(); ++i) v += V[i] * C[i];
  cache.emplace(key, v);
  return v;
}

}  // namespace equinet::so3
