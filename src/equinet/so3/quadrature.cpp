#include "equinet/so3/quadrature.hpp"

#include <cmath>
#include <stdexcept>

namespace equinet::so3 {

namespace {
// P_n(x) and its derivative by the three-term recurrence.
void legendre(int n, double x, double& p, double& dp) {
  double p0 = 1.0, p1 = x;
  for (int k = 2; k <= n; ++k) {
    const double p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
    p0 = p1;
    p1 = p2;
  }
  p = n == 0 ? 1.0 : p1;
  const double prev = n <= 1 ? 1.0 : p0;
  dp = n * (x * p - prev) / (x * x - 1.0);
}
}  // namespace

void gauss_legendre(int n, std::vector<double>& nodes, std::vector<double>& weights) {
  if (n < 1) throw std::invalid_argument("gauss_legendre: n must be positive");
  nodes.assign(n, 0.0);
  weights.assign(n, 0.0);
  for (int i = 0; i < (n + 1) / 2; ++i) {
    // Newton iteration from Tricomi's initial guess for the i-th largest root.
    double x = std::cos(M_PI * (i + 0.75) / (n + 0.5)), p = 0, dp = 0;
    for (int iter = 0; iter < 100; ++iter) {
      legendre(n, x, p, dp);
      const double dx = p / dp;
      x -= dx;
      if (std::abs(dx) < 1e-16) break;
    }
    legendre(n, x, p, dp);
    nodes[i] = -x;
    nodes[n - 1 - i] = x;
    weights[i] = weights[n - 1 - i] = 2.0 / ((1.0 - x * x) * dp * dp);
  }
  if (n % 2 == 1) nodes[n / 2] = 0.0;
}

SphereGrid make_sphere_grid(int n_polar, int n_azimuth) {
  if (n_polar < 1 || n_azimuth < 1) throw std::invalid_argument("make_sphere_grid: empty grid");
  SphereGrid g;
  g.n_polar = n_polar;
  g.n_azimuth = n_azimuth;
  std::vector<double> x, w;
  gauss_legendre(n_polar, x, w);
  for (int i = 0; i < n_polar; ++i) {
    const double s = std::sqrt(std::max(0.0, 1.0 - x[i] * x[i]));
    for (int j = 0; j < n_azimuth; ++j) {
      const double phi = 2.0 * M_PI * j / n_azimuth;
      // polar axis y; azimuth measured in the (z, x) plane
      g.points.push_back(s * std::sin(phi));
      g.points.push_back(x[i]);
      g.points.push_back(s * std::cos(phi));
      g.weights.push_back(w[i] * 2.0 * M_PI / n_azimuth);
    }
  }
  return g;
}

SphereGrid make_sphere_grid_for_degree(int degree) {
  return make_sphere_grid(degree / 2 + 1, degree + 1);
}

}  // namespace equinet::so3
