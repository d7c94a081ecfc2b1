// Cartesian recursion for solid harmonics R_lm(r) = N_lm Q_l^m(Z, r^2) T_m(X, Y)
// (homogeneous of degree l), then Y(r̂) = R(r)/|r|^l. Q_l^m are the derivatives
// of Legendre polynomials made homogeneous; T_m = Re/Im (X + iY)^m.
#include "equinet/so3/spherical_harmonics.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "equinet/detail/simd.hpp"

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

inline float lanewise_sqrt(float x) { return std::sqrt(x); }
inline double lanewise_sqrt(double x) { return std::sqrt(x); }
template <typename V>
V lanewise_sqrt(V x) {
  for (size_t k = 0; k < sizeof(V) / sizeof(x[0]); ++k) x[k] = std::sqrt(x[k]);
  return x;
}

// LC >= 0: lmax known at compile time (loops unrolled, the common degrees
// of MACE models); LC = -1: any lmax. S is T, or a lane vector of T
// (detail/simd.hpp) holding several vectors at once.
template <int LC, typename T, typename S>
void evaluate(int lmax, const S r[3], S* values, S* grad) {
  const S zero{}, one = zero + T(1);
  // e3nn axes: polar Z = y, azimuth in the (X, Y) = (z, x) plane.
  const S X = r[2], Y = r[0], Z = r[1];
  const S r2 = X * X + Y * Y + Z * Z;
  const S inv_r = one / lanewise_sqrt(r2);
  const int L = LC >= 0 ? LC : lmax;

  // Q[l][m] and T_m (C = cos part, Sn = sin part) in unnormalised coordinates.
  S Q[kMaxL + 1][kMaxL + 2];
  S C[kMaxL + 1], Sn[kMaxL + 1];
  C[0] = one;
  Sn[0] = zero;
  for (int m = 1; m <= L; ++m) {
    C[m] = X * C[m - 1] - Y * Sn[m - 1];
    Sn[m] = X * Sn[m - 1] + Y * C[m - 1];
  }
  for (int m = 0; m <= L; ++m) {
    T qmm = T(1);
    for (int k = 1; k <= m; ++k) qmm *= T(2 * k - 1);
    Q[m][m] = zero + qmm;
    Q[m][m + 1] = zero;
    if (m + 1 <= L) Q[m + 1][m] = T(2 * m + 1) * Z * qmm;
    for (int l = m + 2; l <= L; ++l)
      Q[l][m] = (T(2 * l - 1) * Z * Q[l - 1][m] - T(l + m - 1) * r2 * Q[l - 2][m]) / T(l - m);
  }

  const auto& N = norms().n;
  S scale = one;  // 1/|r|^l
  for (int l = 0; l <= L; ++l) {
    for (int m = 0; m <= l; ++m) {
      const S nq = T(N[l][m]) * Q[l][m] * scale;
      values[idx(l, m)] = nq * C[m];
      if (m > 0) values[idx(l, -m)] = nq * Sn[m];
    }
    scale *= inv_r;
  }
  if (!grad) return;

  // dR/dr with dQ_l^m/dX = -X Q_{l-1}^{m+1}, /dY = -Y Q_{l-1}^{m+1},
  // dQ_l^m/dZ = (l+m) Q_{l-1}^m; then dY/dr = (dR - l R r/|r|^2)/|r|^l.
  scale = one;
  const S inv_r2 = inv_r * inv_r;
  for (int l = 0; l <= L; ++l) {
    for (int m = -l; m <= l; ++m) {
      const int am = m < 0 ? -m : m;
      const T n = T(N[l][am]);
      const S q = Q[l][am];
      const S qx = am + 1 <= l - 1 ? zero - Q[l - 1][am + 1] : zero;  // times X (or Y)
      const S qz = l > 0 && am <= l - 1 ? T(l + am) * Q[l - 1][am] : zero;
      const S t = m >= 0 ? C[am] : Sn[am];
      S tX = zero, tY = zero;  // dT/dX, dT/dY
      if (am > 0) {
        if (m >= 0) {
          tX = T(am) * C[am - 1];
          tY = T(-am) * Sn[am - 1];
        } else {
          tX = T(am) * Sn[am - 1];
          tY = T(am) * C[am - 1];
        }
      }
      const S dX = n * (qx * X * t + q * tX);
      const S dY = n * (qx * Y * t + q * tY);
      const S dZ = n * (qz * t);
      const S R = n * q * t;
      const S radial = T(l) * R * inv_r2;
      // back to (x, y, z) = (Y, Z, X)
      S* g = grad + 3 * idx(l, m);
      g[0] = (dY - radial * Y) * scale;
      g[1] = (dZ - radial * Z) * scale;
      g[2] = (dX - radial * X) * scale;
    }
    scale *= inv_r;
  }
}

// W vectors at a time in lanes: gather, evaluate, scatter. The last block
// is padded with a harmless (1, 0, 0).
template <int LC, typename T>
void evaluate_batch(int lmax, int64_t n, const T* r, T* values, T* grad) {
  constexpr int W = detail::kMaxLanes<T>;
  using V = typename detail::Lanes<T, W>::vec;
  const int nsh = sh_size(lmax);
  V rv[3], y[sh_size(LC)], g[3 * sh_size(LC)];
  for (int64_t e0 = 0; e0 < n; e0 += W) {
    const int m = int(std::min<int64_t>(W, n - e0));
    for (int d = 0; d < 3; ++d)
      for (int k = 0; k < W; ++k) rv[d][k] = k < m ? r[3 * (e0 + k) + d] : T(d == 0);
    evaluate<LC, T>(lmax, rv, y, grad ? g : nullptr);
    for (int k = 0; k < m; ++k) {
      T* yo = values + (e0 + k) * nsh;
      for (int c = 0; c < nsh; ++c) yo[c] = y[c][k];
      if (!grad) continue;
      T* go = grad + (e0 + k) * 3 * nsh;
      for (int c = 0; c < 3 * nsh; ++c) go[c] = g[c][k];
    }
  }
}

}  // namespace

template <typename T>
void spherical_harmonics(int lmax, const T r[3], T* values, T* grad) {
  switch (lmax) {
    case 0:
      return evaluate<0, T>(lmax, r, values, grad);
    case 1:
      return evaluate<1, T>(lmax, r, values, grad);
    case 2:
      return evaluate<2, T>(lmax, r, values, grad);
    case 3:
      return evaluate<3, T>(lmax, r, values, grad);
    default:
      if (lmax < 0 || lmax > kMaxL)
        throw std::invalid_argument("spherical_harmonics: lmax out of range");
      evaluate<-1, T>(lmax, r, values, grad);
  }
}

template <typename T>
void spherical_harmonics_batch(int lmax, int64_t n, const T* r, T* values, T* grad) {
  switch (lmax) {
    case 0:
      return evaluate_batch<0>(lmax, n, r, values, grad);
    case 1:
      return evaluate_batch<1>(lmax, n, r, values, grad);
    case 2:
      return evaluate_batch<2>(lmax, n, r, values, grad);
    case 3:
      return evaluate_batch<3>(lmax, n, r, values, grad);
    default:
      for (int64_t e = 0; e < n; ++e)
        spherical_harmonics(lmax, r + 3 * e, values + e * sh_size(lmax),
                            grad ? grad + e * 3 * sh_size(lmax) : nullptr);
  }
}

template void spherical_harmonics<float>(int, const float[3], float*, float*);
template void spherical_harmonics<double>(int, const double[3], double*, double*);
template void spherical_harmonics_batch<float>(int, int64_t, const float*, float*, float*);
template void spherical_harmonics_batch<double>(int, int64_t, const double*, double*, double*);

}  // namespace equinet::so3
