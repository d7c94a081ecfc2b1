// Quadrature on [-1, 1] and on the sphere.
#pragma once

#include <vector>

namespace equinet::so3 {

// n-point Gauss–Legendre rule on [-1, 1]: exact for polynomials of degree <= 2n-1.
void gauss_legendre(int n, std::vector<double>& nodes, std::vector<double>& weights);

// Product grid on S^2: Gauss–Legendre in cos(polar angle) x uniform azimuth,
// with the y axis polar (e3nn). Weights sum to 4π. Integrates products of
// spherical harmonics of total degree <= min(2*n_polar - 1, n_azimuth - 1)
// exactly.
struct SphereGrid {
  int n_polar = 0, n_azimuth = 0;
  std::vector<double> points;   // n x 3 unit vectors, polar-major
  std::vector<double> weights;  // n
  int size() const { return static_cast<int>(weights.size()); }
};
SphereGrid make_sphere_grid(int n_polar, int n_azimuth);
// The smallest grid integrating degree `degree` exactly.
SphereGrid make_sphere_grid_for_degree(int degree);

}  // namespace equinet::so3
