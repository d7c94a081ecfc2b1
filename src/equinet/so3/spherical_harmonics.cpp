// Cartesian recursion for solid harmonics R_lm(r) = N_lm Q_l^m(Z, r^2) T_m(X, Y)
// (homogeneous of degree l), then Y(r̂) = R(r)/|r|^l. Q_l^m are the derivatives
// of Legendre polynomials made homogeneous; T_m = Re/Im (X + iY)^m.
#include "equinet/so3/spherical_harmonics.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace equinet::so3 {
namespace {

constexpr int kMaxL = 24;

// Normalisation N_lm = sqrt((2l+1)(2-δ_m0)(l-m)!/(l+m)!), component norm.
struct NormTable {
  double n[kMaxL + 1][kMaxL + 1];
  NormTable() {
    for (int l = 0; l <= kMaxL; ++l)
      for (int m = 0; m <= l; ++m) {
        double ratio = 1.0;  // (l-m)!/(l+m)!
        for (int k = l - m + 1; k <= l + m; ++k) ratio /= k;
        n[l][m] = std::sqrt((2.0 * l + 1.0) * (m == 0 ? 1.0 : 2.0) * ratio);
      }
  }
};
const NormTable& norms() {
  static const NormTable table;
  return table;
}

inline int idx(int l, int m) { return l * l + l + m; }

// LC >= 0: lmax known at compile time (loops unrolled, the common degrees
// of MACE models); LC = -1: any lmax.
template <int LC, typename T>
void evaluate(int lmax, const T r[3], T* values, T* grad) {
  // e3nn axes: polar Z = y, azimuth in the (X, Y) = (z, x) plane.
  const T X = r[2], Y = r[0], Z = r[1];
  const T r2 = X * X + Y * Y + Z * Z;
  const T inv_r = T(1) / std::sqrt(r2);
  const int L = LC >= 0 ? LC : lmax;

  // Q[l][m] and T_m (C = cos part, S = sin part) in unnormalised coordinates.
  T Q[kMaxL + 1][kMaxL + 2];
  T C[kMaxL + 1], S[kMaxL + 1];
  C[0] = T(1);
  S[0] = T(0);
  for (int m = 1; m <= L; ++m) {
    C[m] = X * C[m - 1] - Y * S[m - 1];
    S[m] = X * S[m - 1] + Y * C[m - 1];
  }
  for (int m = 0; m <= L; ++m) {
    T qmm = T(1);
    for (int k = 1; k <= m; ++k) qmm *= T(2 * k - 1);
    Q[m][m] = qmm;
    Q[m][m + 1] = T(0);
    if (m + 1 <= L) Q[m + 1][m] = T(2 * m + 1) * Z * qmm;
    for (int l = m + 2; l <= L; ++l)
      Q[l][m] = (T(2 * l - 1) * Z * Q[l - 1][m] - T(l + m - 1) * r2 * Q[l - 2][m]) / T(l - m);
  }

  const auto& N = norms().n;
  T scale = T(1);  // 1/|r|^l
  for (int l = 0; l <= L; ++l) {
    for (int m = 0; m <= l; ++m) {
      const T nq = T(N[l][m]) * Q[l][m] * scale;
      values[idx(l, m)] = nq * C[m];
      if (m > 0) values[idx(l, -m)] = nq * S[m];
    }
    scale *= inv_r;
  }
  if (!grad) return;

  // dR/dr with dQ_l^m/dX = -X Q_{l-1}^{m+1}, /dY = -Y Q_{l-1}^{m+1},
  // dQ_l^m/dZ = (l+m) Q_{l-1}^m; then dY/dr = (dR - l R r/|r|^2)/|r|^l.
  scale = T(1);
  const T inv_r2 = inv_r * inv_r;
  for (int l = 0; l <= L; ++l) {
    for (int m = -l; m <= l; ++m) {
      const int am = m < 0 ? -m : m;
      const T n = T(N[l][am]);
      const T q = Q[l][am];
      const T qx = am + 1 <= l - 1 ? -Q[l - 1][am + 1] : T(0);  // times X (or Y)
      const T qz = l > 0 && am <= l - 1 ? T(l + am) * Q[l - 1][am] : T(0);
      const T t = m >= 0 ? C[am] : S[am];
      T tX = 0, tY = 0;  // dT/dX, dT/dY
      if (am > 0) {
        if (m >= 0) {
          tX = T(am) * C[am - 1];
          tY = -T(am) * S[am - 1];
        } else {
          tX = T(am) * S[am - 1];
          tY = T(am) * C[am - 1];
        }
      }
      const T dX = n * (qx * X * t + q * tX);
      const T dY = n * (qx * Y * t + q * tY);
      const T dZ = n * (qz * t);
      const T R = n * q * t;
      const T radial = T(l) * R * inv_r2;
      // back to (x, y, z) = (Y, Z, X)
      T* g = grad + 3 * idx(l, m);
      g[0] = (dY - radial * Y) * scale;
      g[1] = (dZ - radial * Z) * scale;
      g[2] = (dX - radial * X) * scale;
    }
    scale *= inv_r;
  }
}

}  // namespace

template <typename T>
void spherical_harmonics(int lmax, const T r[3], T* values, T* grad) {
  switch (lmax) {
    case 0:
      return evaluate<0>(lmax, r, values, grad);
    case 1:
      return evaluate<1>(lmax, r, values, grad);
    case 2:
      return evaluate<2>(lmax, r, values, grad);
    case 3:
      return evaluate<3>(lmax, r, values, grad);
    default:
      if (lmax < 0 || lmax > kMaxL)
        throw std::invalid_argument("spherical_harmonics: lmax out of range");
      evaluate<-1>(lmax, r, values, grad);
  }
}

template void spherical_harmonics<float>(int, const float[3], float*, float*);
template void spherical_harmonics<double>(int, const double[3], double*, double*);

}  // namespace equinet::so3
