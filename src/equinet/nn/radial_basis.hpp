// MACE's radial embedding: Bessel functions times a polynomial envelope.
//   b_n(r) = prefactor * sin(w_n r) / r,   w_n = n π / r_max (stored weights)
//   u(r)   = 1 - (p+1)(p+2)/2 x^p + p(p+2) x^(p+1) - p(p+1)/2 x^(p+2),  x = r/r_max, r < r_max
#pragma once

#include <cmath>
#include <vector>

namespace equinet::nn {

// mace's PolynomialCutoff with its own r_max and p (also ZBL's envelope).
template <typename T>
void polynomial_envelope(T r, T r_max, int p, T& u, T& du) {
  if (r >= r_max) {
    u = du = T(0);
    return;
  }
  const T x = r / r_max, P = T(p);
  const T xp1 = std::pow(x, p - 1);
  const T xp = xp1 * x;
  u = T(1) - (P + 1) * (P + 2) / 2 * xp + P * (P + 2) * xp * x - P * (P + 1) / 2 * xp * x * x;
  du = (-(P + 1) * (P + 2) / 2 * P * xp1 + P * (P + 2) * (P + 1) * xp -
        P * (P + 1) / 2 * (P + 2) * xp * x) /
       r_max;
}

template <typename T>
struct BesselEnvelope {
  std::vector<T> weights;  // w_n
  T prefactor = 0, r_max = 0;
  int p = 5;

  // Polynomial envelope and its derivative.
  void envelope(T r, T& u, T& du) const { polynomial_envelope(r, r_max, p, u, du); }
  // b_n(x) and db_n/dx (the Bessel functions alone, at a possibly
  // transformed distance x).
  void bessel(T x, T* b, T* db) const {
    const T inv_x = T(1) / x;
    for (size_t n = 0; n < weights.size(); ++n) {
      const T s = std::sin(weights[n] * x), c = std::cos(weights[n] * x);
      b[n] = prefactor * s * inv_x;
      if (db) db[n] = prefactor * (weights[n] * c * inv_x - s * inv_x * inv_x);
    }
  }
  // out[n] = b_n(r) * u(r) (apply_cutoff) or b_n(r); dout[n] = d/dr.
  void evaluate(T r, bool with_envelope, T* out, T* dout) const {
    T u = 1, du = 0;
    if (with_envelope) envelope(r, u, du);
    const T inv_r = T(1) / r;
    for (size_t n = 0; n < weights.size(); ++n) {
      const T s = std::sin(weights[n] * r), c = std::cos(weights[n] * r);
      const T b = prefactor * s * inv_r;
      const T db = prefactor * (weights[n] * c * inv_r - s * inv_r * inv_r);
      out[n] = b * u;
      if (dout) dout[n] = db * u + b * du;
    }
  }
};

}  // namespace equinet::nn
