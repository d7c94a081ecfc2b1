#include "equinet/so3/fourier2d.hpp"

#include <algorithm>
#include <cmath>
#include <kissfft/kissfft.hh>
#include <map>
#include <memory>

#include "equinet/so3/spherical_harmonics.hpp"

namespace equinet::so3 {
namespace {

using cd = std::complex<double>;

// Exact Fourier coefficients of every Y_lm (l <= lmax) on the torus, by a DFT
// of samples on an n x n torus grid (n > 2 lmax: no aliasing).
std::vector<std::map<std::pair<int, int>, cd>> torus_coefficients(int lmax) {
  const int n = 2 * lmax + 2, nlm = sh_size(lmax);
  std::vector<double> samples(size_t(n) * n * nlm), y(nlm);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      const double th = 2 * M_PI * a / n, ph = 2 * M_PI * b / n;
      const double r[3] = {std::sin(th) * std::sin(ph), std::cos(th), std::sin(th) * std::cos(ph)};
      // spherical_harmonics normalises r; |r| = 1 here, and sinθ < 0 is fine.
      spherical_harmonics(lmax, r, y.data());
      std::copy(y.begin(), y.end(), samples.begin() + (size_t(a) * n + b) * nlm);
    }
  std::vector<std::map<std::pair<int, int>, cd>> out(nlm);
  for (int l = 0; l <= lmax; ++l)
    for (int m = -l; m <= l; ++m) {
      const int lm = l * l + l + m;
      for (int k = 0; k < (m == 0 ? 1 : 2); ++k) {  // v = ±m
        const int v = k == 0 ? m : -m;
        std::vector<cd> row(n);  // R[a] = (1/n) Σ_b Y e^{-ivφ_b}
        for (int a = 0; a < n; ++a) {
          cd s = 0;
          for (int b = 0; b < n; ++b)
            s += samples[(size_t(a) * n + b) * nlm + lm] * std::polar(1.0, -2 * M_PI * v * b / n);
          row[a] = s / double(n);
        }
        for (int u = -l; u <= l; ++u) {
          cd s = 0;
          for (int a = 0; a < n; ++a) s += row[a] * std::polar(1.0, -2 * M_PI * u * a / n);
          s /= double(n);
          if (std::abs(s) > 1e-14) out[lm][{u, v}] = s;
        }
      }
    }
  return out;
}

cd sin_weighted_integral(int k) {  // ∫_0^π e^{ikθ} sinθ dθ
  if (k == 1) return cd(0, M_PI / 2);
  if (k == -1) return cd(0, -M_PI / 2);
  if (k % 2) return 0;
  return 2.0 / (1.0 - double(k) * k);
}

}  // namespace

std::vector<FourierEntry> sh_to_fourier(int lmax) {
  std::vector<FourierEntry> out;
  const auto coef = torus_coefficients(lmax);
  for (int lm = 0; lm < int(coef.size()); ++lm)
    for (const auto& [uv, value] : coef[lm]) out.push_back({lm, uv.first, uv.second, value});
  return out;
}

std::vector<FourierEntry> fourier_to_sh(int lmax, int max_u) {
  std::vector<FourierEntry> out;
  const auto coef = torus_coefficients(lmax);
  for (int lm = 0; lm < int(coef.size()); ++lm) {
    std::map<std::pair<int, int>, cd> M;
    for (const auto& [uv, value] : coef[lm])  // Ŷ[u'][v'] pairs with v = -v'
      for (int u = -max_u; u <= max_u; ++u)
        M[{u, -uv.second}] += 0.5 * value * sin_weighted_integral(u + uv.first);
    for (const auto& [uv, value] : M)
      if (std::abs(value) > 1e-15) out.push_back({lm, uv.first, uv.second, value});
  }
  return out;
}

int fft_size(int n) {
  for (int m = std::max(n, 2);; ++m) {  // size 1 would hit KISS FFT's generic radix
    int r = m;
    for (int p : {2, 3, 5})
      while (r % p == 0) r /= p;
    if (r == 1) return m;
  }
}

template <typename T>
struct TorusFFT<T>::Impl {
  kissfft<T> theta_fwd, theta_inv, phi_fwd, phi_inv;
  Impl(int nt, int np)
      : theta_fwd(nt, false), theta_inv(nt, true), phi_fwd(np, false), phi_inv(np, true) {}
};

namespace {
// f(k mod n) for |k| <= max_k, each index once (all of them when the band covers n).
template <class F>
void for_band(int max_k, int n, const F& f) {
  if (2 * max_k + 1 >= n) {
    for (int k = 0; k < n; ++k) f(k);
  } else {
    for (int k = -max_k; k <= max_k; ++k) f((k + n) % n);
  }
}
}  // namespace

template <typename T>
TorusFFT<T>::TorusFFT(int n_theta, int n_phi)
    : n_theta_(n_theta), n_phi_(n_phi), impl_(std::make_shared<Impl>(n_theta, n_phi)) {
  if (fft_size(n_theta) != n_theta || fft_size(n_phi) != n_phi)
    throw std::invalid_argument("TorusFFT: sizes must have no prime factors but 2, 3, 5");
}

template <typename T>
void TorusFFT<T>::rows(std::complex<T>* a, int sign, int max_u, std::complex<T>* tmp) const {
  const auto& fft = sign > 0 ? impl_->phi_inv : impl_->phi_fwd;
  for_band(max_u, n_theta_, [&](int r) {
    std::complex<T>* row = a + size_t(r) * n_phi_;
    std::copy(row, row + n_phi_, tmp);
    fft.transform(tmp, row);
  });
}

template <typename T>
void TorusFFT<T>::columns(std::complex<T>* a, int sign, int max_v, std::complex<T>* tmp) const {
  const auto& fft = sign > 0 ? impl_->theta_inv : impl_->theta_fwd;
  for_band(max_v, n_phi_, [&](int c) {
    fft.transform(a + c, tmp, 0, 1, size_t(n_phi_));  // strided input
    for (int r = 0; r < n_theta_; ++r) a[size_t(r) * n_phi_ + c] = tmp[r];
  });
}

template class TorusFFT<float>;
template class TorusFFT<double>;

}  // namespace equinet::so3
