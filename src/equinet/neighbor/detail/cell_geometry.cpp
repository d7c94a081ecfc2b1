#include "equinet/neighbor/detail/cell_geometry.hpp"

#include <array>
#include <climits>
#include <cmath>
#include <sstream>
#include <string>

#include "equinet/error.hpp"

namespace equinet::neighbor::detail {
namespace {

using Vec3 = std::array<double, 3>;

Vec3 row(const double* m, int k) { return {m[3 * k], m[3 * k + 1], m[3 * k + 2]}; }

Vec3 cross(const Vec3& a, const Vec3& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

double dot(const Vec3& a, const Vec3& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }

double norm(const Vec3& a) { return std::sqrt(dot(a, a)); }

Vec3 scaled(const Vec3& a, double s) { return {a[0] * s, a[1] * s, a[2] * s}; }

std::string vec_str(const Vec3& a) {
  std::ostringstream s;
  s.precision(17);
  s << "(" << a[0] << ", " << a[1] << ", " << a[2] << ")";
  return s.str();
}

// Relative tolerance below which periodic cell vectors count as dependent.
constexpr double kDependenceTolerance = 1e-10;

void check_periodic_vectors(const double* cell, const bool* pbc) {
  int periodic[3];
  int p = 0;
  for (int k = 0; k < 3; ++k) {
    if (!pbc[k]) continue;
    periodic[p++] = k;
    const Vec3 a = row(cell, k);
    if (!std::isfinite(a[0]) || !std::isfinite(a[1]) || !std::isfinite(a[2]))
      throw Error("neighbour list: cell vector " + std::to_string(k) +
                  " (periodic) has a non-finite component " + vec_str(a));
    if (norm(a) < kOverlapDistance)
      throw Error("neighbour list: degenerate cell: cell vector " + std::to_string(k) +
                  " is periodic but has zero length " + vec_str(a));
  }
  // Pairs first, so the message can name the two parallel vectors.
  for (int x = 0; x < p; ++x) {
    for (int y = x + 1; y < p; ++y) {
      const Vec3 a = row(cell, periodic[x]);
      const Vec3 b = row(cell, periodic[y]);
      if (norm(cross(a, b)) <= kDependenceTolerance * norm(a) * norm(b))
        throw Error("neighbour list: degenerate cell: periodic cell vectors " +
                    std::to_string(periodic[x]) + " " + vec_str(a) + " and " +
                    std::to_string(periodic[y]) + " " + vec_str(b) +
                    " are linearly dependent (parallel)");
    }
  }
  if (p == 3) {
    const Vec3 a = row(cell, 0), b = row(cell, 1), c = row(cell, 2);
    if (std::fabs(dot(cross(a, b), c)) <= kDependenceTolerance * norm(a) * norm(b) * norm(c))
      throw Error(
          "neighbour list: degenerate cell: cell vectors 0, 1 and 2 are coplanar (zero "
          "volume)");
  }
}

// Orthonormal vectors perpendicular to the periodic ones, filling the
// non-periodic rows of the frame.
void complete_frame(const bool* pbc, double* frame) {
  int open[3];
  int n_open = 0;
  for (int k = 0; k < 3; ++k)
    if (!pbc[k]) open[n_open++] = k;
  Vec3 fill[3];
  if (n_open == 3) {
    fill[0] = {1, 0, 0};
    fill[1] = {0, 1, 0};
    fill[2] = {0, 0, 1};
  } else if (n_open == 2) {
    const int p = 3 - open[0] - open[1];
    const Vec3 a = row(frame, p);
    const Vec3 a_hat = scaled(a, 1.0 / norm(a));
    // The coordinate axis least aligned with a gives a well-conditioned cross product.
    int axis = 0;
    for (int d = 1; d < 3; ++d)
      if (std::fabs(a_hat[d]) < std::fabs(a_hat[axis])) axis = d;
    Vec3 e = {0, 0, 0};
    e[axis] = 1;
    const Vec3 u0 = cross(a_hat, e);
    fill[0] = scaled(u0, 1.0 / norm(u0));
    fill[1] = cross(a_hat, fill[0]);
  } else if (n_open == 1) {
    const Vec3 n = cross(row(frame, (open[0] + 1) % 3), row(frame, (open[0] + 2) % 3));
    fill[0] = scaled(n, 1.0 / norm(n));
  }
  for (int x = 0; x < n_open; ++x)
    for (int d = 0; d < 3; ++d) frame[3 * open[x] + d] = fill[x][d];
}

}  // namespace

void validate_cutoff(double cutoff) {
  if (!(std::isfinite(cutoff) && cutoff > 0.0)) {
    std::ostringstream s;
    s << "neighbour list: cutoff must be a finite positive number of Å, got " << cutoff;
    throw Error(s.str());
  }
}

void validate_positions(int64_t n_atoms, const double* positions) {
  if (n_atoms < 0)
    throw Error("neighbour list: negative number of atoms " + std::to_string(n_atoms));
  if (n_atoms > INT_MAX)
    throw Error("neighbour list: " + std::to_string(n_atoms) +
                " atoms exceed the supported maximum (INT_MAX)");
  if (n_atoms > 0 && positions == nullptr)
    throw Error("neighbour list: positions pointer is null for " + std::to_string(n_atoms) +
                " atoms");
  for (int64_t i = 0; i < n_atoms; ++i) {
    const Vec3 x = row(positions + 3 * i, 0);
    if (!std::isfinite(x[0]) || !std::isfinite(x[1]) || !std::isfinite(x[2]))
      throw Error("neighbour list: atom " + std::to_string(i) + " has a non-finite position " +
                  vec_str(x));
  }
}

SearchGeometry make_search_geometry(const double* cell, const bool* pbc) {
  SearchGeometry g;
  const bool no_pbc[3] = {false, false, false};
  if (pbc == nullptr) pbc = no_pbc;
  const bool any_periodic = pbc[0] || pbc[1] || pbc[2];
  if (any_periodic && cell == nullptr)
    throw Error("neighbour list: a periodic direction is set but the cell pointer is null");
  if (any_periodic) check_periodic_vectors(cell, pbc);

  for (int k = 0; k < 3; ++k) {
    g.periodic[k] = pbc[k];
    for (int d = 0; d < 3; ++d) {
      g.lattice[3 * k + d] = pbc[k] ? cell[3 * k + d] : 0.0;
      g.frame[3 * k + d] = g.lattice[3 * k + d];
    }
  }
  complete_frame(pbc, g.frame);

  // Inverse of the frame by the adjugate: rows of the inverse transpose are
  // the reciprocal vectors b_k = (f_l x f_m) / det, with |b_k| = 1 / height_k.
  const Vec3 f[3] = {row(g.frame, 0), row(g.frame, 1), row(g.frame, 2)};
  const double det = dot(cross(f[0], f[1]), f[2]);
  for (int k = 0; k < 3; ++k) {
    const Vec3 c = cross(f[(k + 1) % 3], f[(k + 2) % 3]);
    for (int d = 0; d < 3; ++d) g.frame_inverse[3 * d + k] = c[d] / det;
    g.height[k] = std::fabs(det) / norm(c);
  }
  return g;
}

}  // namespace equinet::neighbor::detail
