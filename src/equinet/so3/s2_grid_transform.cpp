#include "equinet/so3/s2_grid_transform.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "equinet/so3/quadrature.hpp"
#include "equinet/so3/spherical_harmonics.hpp"

namespace equinet::so3 {
namespace {

double azimuth_function(int m, double phi) {
  return m >= 0 ? std::cos(m * phi) : std::sin(-m * phi);
}
// An azimuth where t_m = 1, to read Λ_lm off a direct evaluation of Y_lm:
// the factorisation is thereby derived from spherical_harmonics() itself
// (and checked against it in the tests), not from a sign convention.
double unit_azimuth(int m) { return m >= 0 ? 0.0 : M_PI / (2.0 * -m); }

void unit_vector(double cos_theta, double phi, double r[3]) {
  const double s = std::sqrt(std::max(0.0, 1.0 - cos_theta * cos_theta));
  r[0] = s * std::sin(phi);
  r[1] = cos_theta;
  r[2] = s * std::cos(phi);
}

}  // namespace

template <typename T>
S2GridTransform<T>::S2GridTransform(int lmax, int degree)
    : S2GridTransform(lmax, s2_grid_min_polar(degree), s2_grid_fast_azimuth(degree)) {}

template <typename T>
S2GridTransform<T>::S2GridTransform(int lmax, int n_polar, int n_azimuth)
    : lmax_(lmax),
      n_polar_(n_polar),
      n_azimuth_(n_azimuth),
      n_lm_(sh_size(lmax)),
      fast_(n_azimuth % 4 == 0) {
  if (lmax < 0 || n_polar < 1 || n_azimuth < 1)
    throw std::invalid_argument("S2GridTransform: lmax >= 0 and a non-empty grid required");
  std::vector<double> w;
  gauss_legendre(n_polar, cos_theta_, w);
  for (int i = 0; i < n_polar; ++i)
    weights_.push_back(T(w[i] * 2.0 * M_PI / n_azimuth / (4 * M_PI)));

  for (auto& s : slot_) s.resize(n_lm_);
  for (int l = 0; l <= lmax; ++l)
    for (int m = -l; m <= l; ++m) {
      const int lm = l * l + l + m;
      slot_[0][lm] = slot_[1][lm] = m;
      slot_[2][lm] = -m;  // ∂_φ t_m is proportional to t_-m
    }
  std::vector<double> y(n_lm_), g(3 * n_lm_);
  for (auto& t : legendre_) t.assign(size_t(n_polar) * n_lm_, T(0));
  for (int i = 0; i < n_polar; ++i) {
    const double ct = cos_theta_[i], st = std::sqrt(1.0 - ct * ct);
    for (int l = 0; l <= lmax; ++l)
      for (int m = -l; m <= l; ++m) {
        const int lm = l * l + l + m;
        for (int b = 0; b < 3; ++b) {
          if (b == 2 && m == 0) continue;  // Y_l0 does not depend on φ
          const double phi = unit_azimuth(slot_[b][lm]);
          double r[3];
          unit_vector(ct, phi, r);
          spherical_harmonics(lmax, r, y.data(), g.data());
          const double e_theta[3] = {ct * std::sin(phi), -st, ct * std::cos(phi)};
          const double e_phi[3] = {std::cos(phi), 0.0, -std::sin(phi)};
          const double* gl = &g[3 * lm];
          double v = y[lm];
          if (b == 1) v = e_theta[0] * gl[0] + e_theta[1] * gl[1] + e_theta[2] * gl[2];
          if (b == 2) v = e_phi[0] * gl[0] + e_phi[1] * gl[1] + e_phi[2] * gl[2];
          legendre_[b][size_t(i) * n_lm_ + lm] = T(v);
        }
      }
  }
  const int ns = 2 * lmax + 1;
  trig_.resize(size_t(n_azimuth) * ns);
  for (int j = 0; j < n_azimuth; ++j)
    for (int s = -lmax; s <= lmax; ++s)
      trig_[size_t(j) * ns + lmax + s] = T(azimuth_function(s, 2.0 * M_PI * j / n_azimuth));
}

template <typename T>
void S2GridTransform<T>::point(int ring, int j, double r[3]) const {
  unit_vector(cos_theta_[ring], 2.0 * M_PI * j / n_azimuth_, r);
}

template <typename T>
void S2GridTransform<T>::synthesis(RingBasis basis, int ring, int L, int C, const T* X, T* V,
                                   T* F) const {
  const int b = static_cast<int>(basis);
  const T* lam = &legendre_[b][size_t(ring) * n_lm_];
  const int* slot = slot_[b].data();
  std::fill(F, F + size_t(2 * L + 1) * C, T(0));
  // Legendre stage: F[(s+L)*C + c]
  for (int lm = 0; lm < (L + 1) * (L + 1); ++lm) {
    const T a = lam[lm];
    const T* x = X + size_t(lm) * C;
    T* f = F + size_t(slot[lm] + L) * C;
    for (int c = 0; c < C; ++c) f[c] += a * x[c];
  }
  azimuth_synthesis(L, C, F, V, F + size_t(2 * L + 1) * C);
}

template <typename T>
void S2GridTransform<T>::azimuth_synthesis(int L, int C, const T* F, T* V, T* acc) const {
  const int ns = 2 * lmax_ + 1, n = n_azimuth_;
  if (!fast_) {
    for (int j = 0; j < n; ++j) {
      const T* t = &trig_[size_t(j) * ns + lmax_ - L];
      T* v = V + size_t(j) * C;
      std::fill(v, v + C, T(0));
      for (int s = 0; s <= 2 * L; ++s) {
        const T a = t[s];
        const T* f = F + size_t(s) * C;
        for (int c = 0; c < C; ++c) v[c] += a * f[c];
      }
    }
    return;
  }
  // Partial sums over even/odd m of the cos and sin terms at φ_j give the
  // values at φ_j, -φ_j, φ_j+π and π-φ_j (j = 0..n/4; repeated points get
  // equal values).
  const int h = n / 2;
  T *ce = acc, *co = ce + C, *se = co + C, *so = se + C;
  for (int j = 0; j <= n / 4; ++j) {
    const T* t = &trig_[size_t(j) * ns + lmax_];  // t[m] = cos(mφ_j), t[-m] = sin(mφ_j)
    std::fill(acc, acc + 4 * size_t(C), T(0));
    for (int m = 0; m <= L; ++m) {
      const T a = t[m];
      const T* f = F + size_t(L + m) * C;
      T* dst = (m % 2) ? co : ce;
      for (int c = 0; c < C; ++c) dst[c] += a * f[c];
      if (m == 0) continue;
      const T b = t[-m];
      const T* g = F + size_t(L - m) * C;
      T* dst2 = (m % 2) ? so : se;
      for (int c = 0; c < C; ++c) dst2[c] += b * g[c];
    }
    T *v0 = V + size_t(j) * C, *v1 = V + size_t((n - j) % n) * C, *v2 = V + size_t(j + h) * C,
      *v3 = V + size_t(h - j) * C;
    for (int c = 0; c < C; ++c) {
      const T p = ce[c] + co[c], q = ce[c] - co[c], r = se[c] + so[c], s = se[c] - so[c];
      v0[c] = p + r;
      v1[c] = p - r;
      v2[c] = q + s;
      v3[c] = q - s;
    }
  }
}

template <typename T>
void S2GridTransform<T>::azimuth_transpose(int L, int C, const T* V, T* F, T* acc) const {
  const int ns = 2 * lmax_ + 1, n = n_azimuth_;
  std::fill(F, F + size_t(2 * L + 1) * C, T(0));
  if (!fast_) {
    for (int j = 0; j < n; ++j) {
      const T* t = &trig_[size_t(j) * ns + lmax_ - L];
      const T* v = V + size_t(j) * C;
      for (int s = 0; s <= 2 * L; ++s) {
        const T a = t[s];
        T* f = F + size_t(s) * C;
        for (int c = 0; c < C; ++c) f[c] += a * v[c];
      }
    }
    return;
  }
  const int h = n / 2;
  T *ce = acc, *co = ce + C, *se = co + C, *so = se + C;
  for (int j = 0; j <= n / 4; ++j) {
    const T* t = &trig_[size_t(j) * ns + lmax_];
    // j = 0 and j = n/4 see each of their two distinct points twice
    const T half = (j == 0 || 4 * j == n) ? T(0.5) : T(1);
    const T *v0 = V + size_t(j) * C, *v1 = V + size_t((n - j) % n) * C, *v2 = V + size_t(j + h) * C,
            *v3 = V + size_t(h - j) * C;
    for (int c = 0; c < C; ++c) {
      const T p = v0[c] + v1[c], q = v2[c] + v3[c], r = v0[c] - v1[c], s = v2[c] - v3[c];
      ce[c] = half * (p + q);
      co[c] = half * (p - q);
      se[c] = half * (r + s);
      so[c] = half * (r - s);
    }
    for (int m = 0; m <= L; ++m) {
      const T a = t[m];
      const T* src = (m % 2) ? co : ce;
      T* f = F + size_t(L + m) * C;
      for (int c = 0; c < C; ++c) f[c] += a * src[c];
      if (m == 0) continue;
      const T b = t[-m];
      const T* src2 = (m % 2) ? so : se;
      T* g = F + size_t(L - m) * C;
      for (int c = 0; c < C; ++c) g[c] += b * src2[c];
    }
  }
}

template <typename T>
void S2GridTransform<T>::synthesis_transpose(RingBasis basis, int ring, int L, int C, const T* V,
                                             T* X, T* F) const {
  const int b = static_cast<int>(basis);
  const T* lam = &legendre_[b][size_t(ring) * n_lm_];
  const int* slot = slot_[b].data();
  azimuth_transpose(L, C, V, F, F + size_t(2 * L + 1) * C);
  for (int lm = 0; lm < (L + 1) * (L + 1); ++lm) {
    const T a = lam[lm];
    const T* f = F + size_t(slot[lm] + L) * C;
    T* x = X + size_t(lm) * C;
    for (int c = 0; c < C; ++c) x[c] += a * f[c];
  }
}

template class S2GridTransform<float>;
template class S2GridTransform<double>;

}  // namespace equinet::so3
