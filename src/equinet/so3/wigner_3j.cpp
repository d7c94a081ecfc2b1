// Real 3j tensors from the complex 3j symbols: the complex harmonics are
// written in terms of the real ones of spherical_harmonics() (no
// Condon-Shortley phase), the invariant Σ 3j Y Y Y is rewritten in the real
// basis, and its real or imaginary part (one is zero) normalised.
#include "equinet/so3/wigner_3j.hpp"

#include <cmath>
#include <complex>
#include <map>
#include <mutex>
#include <tuple>

namespace equinet::so3 {
namespace {

long double factorial(int n) {
  long double f = 1.0L;
  for (int k = 2; k <= n; ++k) f *= k;
  return f;
}

// V[m][a]: coefficient of real harmonic a (index 0..2l) in complex Y_l^m.
//   Y^m  = (-1)^m (R_m + i R_-m)/sqrt2,  Y^-m = (R_m - i R_-m)/sqrt2  (m > 0)
std::vector<std::complex<long double>> complex_from_real(int l) {
  const int d = 2 * l + 1;
  std::vector<std::complex<long double>> V(d * d);
  const long double h = 1.0L / std::sqrt(2.0L);
  V[l * d + l] = 1.0L;
  for (int m = 1; m <= l; ++m) {
    const long double sign = (m % 2) ? -1.0L : 1.0L;
    V[(l + m) * d + (l + m)] = sign * h;
    V[(l + m) * d + (l - m)] = std::complex<long double>(0, sign * h);
    V[(l - m) * d + (l + m)] = h;
    V[(l - m) * d + (l - m)] = std::complex<long double>(0, -h);
  }
  return V;
}

std::vector<double> compute_real_3j(int l1, int l2, int l3) {
  const int d1 = 2 * l1 + 1, d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
  const auto V1 = complex_from_real(l1), V2 = complex_from_real(l2), V3 = complex_from_real(l3);
  std::vector<std::complex<long double>> T(d1 * d2 * d3);
  for (int m1 = -l1; m1 <= l1; ++m1)
    for (int m2 = -l2; m2 <= l2; ++m2) {
      const int m3 = -m1 - m2;
      if (m3 < -l3 || m3 > l3) continue;
      const long double w = wigner_3j_symbol(l1, l2, l3, m1, m2, m3);
      if (w == 0) continue;
      for (int a = 0; a < d1; ++a) {
        const auto va = V1[(l1 + m1) * d1 + a];
        if (va == 0.0L) continue;
        for (int b = 0; b < d2; ++b) {
          const auto vb = V2[(l2 + m2) * d2 + b];
          if (vb == 0.0L) continue;
          for (int c = 0; c < d3; ++c) {
            const auto vc = V3[(l3 + m3) * d3 + c];
            if (vc == 0.0L) continue;
            T[(a * d2 + b) * d3 + c] += w * va * vb * vc;
          }
        }
      }
    }
  long double re = 0, im = 0;
  for (const auto& t : T) {
    re += t.real() * t.real();
    im += t.imag() * t.imag();
  }
  const bool use_real = re >= im;
  const long double norm = std::sqrt(use_real ? re : im);
  std::vector<double> C(T.size());
  for (size_t i = 0; i < T.size(); ++i)
    C[i] = double((use_real ? T[i].real() : T[i].imag()) / norm);
  // Clean round-off so that structural zeros are exact zeros.
  for (auto& c : C)
    if (std::abs(c) < 1e-14) c = 0.0;
  // e3nn 0.4.4 sign convention.
  double pivot = C[(l1 * d2 + l2) * d3 + l3];
  if (pivot == 0.0)
    for (double c : C)
      if (c != 0.0) {
        pivot = c;
        break;
      }
  if (pivot < 0)
    for (auto& c : C) c = -c;
  return C;
}

}  // namespace

double wigner_3j_symbol(int j1, int j2, int j3, int m1, int m2, int m3) {
  if (m1 + m2 + m3 != 0) return 0.0;
  if (j3 < std::abs(j1 - j2) || j3 > j1 + j2) return 0.0;
  if (std::abs(m1) > j1 || std::abs(m2) > j2 || std::abs(m3) > j3) return 0.0;
  // Racah formula.
  const long double tri = factorial(j1 + j2 - j3) * factorial(j1 - j2 + j3) *
                          factorial(-j1 + j2 + j3) / factorial(j1 + j2 + j3 + 1);
  const long double pre =
      std::sqrt(tri * factorial(j1 + m1) * factorial(j1 - m1) * factorial(j2 + m2) *
                factorial(j2 - m2) * factorial(j3 + m3) * factorial(j3 - m3));
  long double sum = 0;
  for (int k = 0; k <= j1 + j2 + j3; ++k) {
    const int a = j1 + j2 - j3 - k, b = j1 - m1 - k, c = j2 + m2 - k, d = j3 - j2 + m1 + k,
              e = j3 - j1 - m2 + k;
    if (a < 0 || b < 0 || c < 0 || d < 0 || e < 0) continue;
    const long double term = 1.0L / (factorial(k) * factorial(a) * factorial(b) * factorial(c) *
                                     factorial(d) * factorial(e));
    sum += (k % 2) ? -term : term;
  }
  const int phase = j1 - j2 - m3;
  return double(((phase % 2) ? -1.0L : 1.0L) * pre * sum);
}

const std::vector<double>& wigner_3j(int l1, int l2, int l3) {
  static std::mutex mutex;
  static std::map<std::tuple<int, int, int>, std::vector<double>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto key = std::make_tuple(l1, l2, l3);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  std::vector<double> C;
  if (l1 >= 0 && l2 >= 0 && l3 >= std::abs(l1 - l2) && l3 <= l1 + l2)
    C = compute_real_3j(l1, l2, l3);
  return cache.emplace(key, std::move(C)).first->second;
}

}  // namespace equinet::so3
