// D^l by exact quadrature: D_mn = (1/4π) ∫ Y_m(R u) Y_n(u) du, exact because
// the integrand is a polynomial of degree 2l on the sphere.
#include "equinet/so3/wigner_d.hpp"

#include <algorithm>
#include <cmath>

#include "equinet/so3/quadrature.hpp"
#include "equinet/so3/spherical_harmonics.hpp"

namespace equinet::so3 {

std::vector<double> wigner_D(int l, const double R[9]) {
  const int d = 2 * l + 1;
  const SphereGrid grid = make_sphere_grid_for_degree(2 * l);
  std::vector<double> D(d * d, 0.0), y(sh_size(l)), yr(sh_size(l));
  for (int q = 0; q < grid.size(); ++q) {
    const double* u = &grid.points[3 * q];
    const double ru[3] = {R[0] * u[0] + R[1] * u[1] + R[2] * u[2],
                          R[3] * u[0] + R[4] * u[1] + R[5] * u[2],
                          R[6] * u[0] + R[7] * u[1] + R[8] * u[2]};
    spherical_harmonics(l, u, y.data());
    spherical_harmonics(l, ru, yr.data());
    const double w = grid.weights[q] / (4.0 * M_PI);
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b) D[a * d + b] += w * yr[l * l + a] * y[l * l + b];
  }
  return D;
}

void rotate_features(const Irreps& irreps, const double R[9], double* x) {
  for (const auto& blk : irreps.blocks()) {
    const int d = blk.ir.dim(), mul = blk.mul;
    const auto D = wigner_D(blk.ir.l, R);
    std::vector<double> tmp(size_t(d) * mul, 0.0);
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b)
        for (int u = 0; u < mul; ++u) tmp[a * mul + u] += D[a * d + b] * x[b * mul + u];
    std::copy(tmp.begin(), tmp.end(), x);
    x += size_t(d) * mul;
  }
}

void rotation_matrix(const double axis[3], double angle, double R[9]) {
  const double n = std::sqrt(axis[0] * axis[0] + axis[1] * axis[1] + axis[2] * axis[2]);
  const double x = axis[0] / n, y = axis[1] / n, z = axis[2] / n;
  const double c = std::cos(angle), s = std::sin(angle), t = 1 - c;
  R[0] = t * x * x + c;
  R[1] = t * x * y - s * z;
  R[2] = t * x * z + s * y;
  R[3] = t * x * y + s * z;
  R[4] = t * y * y + c;
  R[5] = t * y * z - s * x;
  R[6] = t * x * z - s * y;
  R[7] = t * y * z + s * x;
  R[8] = t * z * z + c;
}

}  // namespace equinet::so3
