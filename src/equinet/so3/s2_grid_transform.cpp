#include "equinet/so3/s2_grid_transform.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <type_traits>

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

// Channels in blocks of B held in registers by the accumulating loops (the
// accumulate-in-memory form is bound by store-to-load latency, not arithmetic),
// then the remainder one by one. f(c0, std::integral_constant<int, N>).
template <int B, class F>
inline void for_channel_blocks(int C, const F& f) {
  int c0 = 0;
  for (; c0 + B <= C; c0 += B) f(c0, std::integral_constant<int, B>());
  for (; c0 < C; ++c0) f(c0, std::integral_constant<int, 1>());
}

void unit_vector(double cos_theta, double phi, double r[3]) {
  const double s = std::sqrt(std::max(0.0, 1.0 - cos_theta * cos_theta));
  r[0] = s * std::sin(phi);
  r[1] = cos_theta;
  r[2] = s * std::cos(phi);
}

}  // namespace

// Two SSE registers of T per accumulator.
template <typename T>
constexpr int kBlockOf = 32 / int(sizeof(T));

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
  const int m_of_slot = basis == RingBasis::AzimuthalGradient ? -1 : 1;
  // Legendre stage: F[(s+L)*C + c] = Σ_l Λ_lm X[lm][c], m = ±s
  for (int s = -L; s <= L; ++s) {
    const int m = m_of_slot * s;
    T* f = F + size_t(s + L) * C;
    for_channel_blocks<kBlockOf<T>>(C, [&](int c0, auto nb) {
      constexpr int N = decltype(nb)::value;
      T acc[N] = {};
      for (int l = std::abs(m); l <= L; ++l) {
        const int lm = l * l + l + m;
        const T a = lam[lm];
        const T* x = X + size_t(lm) * C + c0;
        for (int k = 0; k < N; ++k) acc[k] += a * x[k];
      }
      for (int k = 0; k < N; ++k) f[c0 + k] = acc[k];
    });
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
  (void)acc;
  for (int j = 0; j <= n / 4; ++j) {
    const T* t = &trig_[size_t(j) * ns + lmax_];  // t[m] = cos(mφ_j), t[-m] = sin(mφ_j)
    T *v0 = V + size_t(j) * C, *v1 = V + size_t((n - j) % n) * C, *v2 = V + size_t(j + h) * C,
      *v3 = V + size_t(h - j) * C;
    for_channel_blocks<kBlockOf<T>>(C, [&](int c0, auto nb) {
      constexpr int N = decltype(nb)::value;
      T ce[N], co[N] = {}, se[N] = {}, so[N] = {};
      for (int k = 0; k < N; ++k) ce[k] = t[0] * F[size_t(L) * C + c0 + k];  // m = 0: no sine
      for (int m = 2; m <= L; m += 2) {
        const T a = t[m], b = t[-m];
        const T *f = F + size_t(L + m) * C + c0, *g = F + size_t(L - m) * C + c0;
        for (int k = 0; k < N; ++k) {
          ce[k] += a * f[k];
          se[k] += b * g[k];
        }
      }
      for (int m = 1; m <= L; m += 2) {
        const T a = t[m], b = t[-m];
        const T *f = F + size_t(L + m) * C + c0, *g = F + size_t(L - m) * C + c0;
        for (int k = 0; k < N; ++k) {
          co[k] += a * f[k];
          so[k] += b * g[k];
        }
      }
      for (int k = 0; k < N; ++k) {
        const T p = ce[k] + co[k], q = ce[k] - co[k], r = se[k] + so[k], u = se[k] - so[k];
        v0[c0 + k] = p + r;
        v1[c0 + k] = p - r;
        v2[c0 + k] = q + u;
        v3[c0 + k] = q - u;
      }
    });
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
  // Combinations of the values at φ_j, -φ_j, φ_j+π, π-φ_j for every j, then
  // every coefficient accumulates over j in registers.
  const int h = n / 2, nj = n / 4 + 1;
  for (int j = 0; j < nj; ++j) {
    // j = 0 and j = n/4 see each of their two distinct points twice
    const T half = (j == 0 || 4 * j == n) ? T(0.5) : T(1);
    const T *v0 = V + size_t(j) * C, *v1 = V + size_t((n - j) % n) * C, *v2 = V + size_t(j + h) * C,
            *v3 = V + size_t(h - j) * C;
    T* q4 = acc + size_t(4 * j) * C;  // [j][ce, co, se, so][C]
    for (int c = 0; c < C; ++c) {
      const T p = v0[c] + v1[c], q = v2[c] + v3[c], r = v0[c] - v1[c], u = v2[c] - v3[c];
      q4[c] = half * (p + q);
      q4[C + c] = half * (p - q);
      q4[2 * C + c] = half * (r + u);
      q4[3 * C + c] = half * (r - u);
    }
  }
  for (int m = 0; m <= L; ++m) {
    const int odd = m % 2;
    for (int sine = 0; sine < (m ? 2 : 1); ++sine) {
      T* f = F + size_t(sine ? L - m : L + m) * C;
      const T* t = &trig_[lmax_ + (sine ? -m : m)];
      const T* q = acc + size_t(2 * sine + odd) * C;
      for_channel_blocks<kBlockOf<T>>(C, [&](int c0, auto nb) {
        constexpr int N = decltype(nb)::value;
        T a[N] = {};
        for (int j = 0; j < nj; ++j) {
          const T w = t[size_t(j) * ns];
          const T* qj = q + size_t(4 * j) * C + c0;
          for (int k = 0; k < N; ++k) a[k] += w * qj[k];
        }
        for (int k = 0; k < N; ++k) f[c0 + k] = a[k];
      });
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
