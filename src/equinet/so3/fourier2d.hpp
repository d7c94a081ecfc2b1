// Spherical harmonics in the 2D Fourier basis of the torus (θ, φ) ∈ [0,2π)²
// (Luo et al. 2024, "Enabling efficient equivariant operations in the
// Fourier basis via Gaunt tensor products"). Substituting
// r = (sinθ sinφ, cosθ, sinθ cosφ) into the polynomial Y_lm(r) gives a
// trigonometric polynomial
//   Y_lm(θ, φ) = Σ_{|u|<=l, v=±m} Ŷ_lm[u][v] e^{i(uθ + vφ)},
// which equals Y_lm on the sphere for θ <= π and extends it to the torus.
// Products of spherical functions become 2D convolutions of these
// coefficients (done by FFT), and a torus Fourier series h projects back
// exactly through M_lm[u][v] = (1/4π) ∫_{S²} e^{i(uθ+vφ)} Y_lm dΩ:
//   c_lm = Σ_{u,v} H[u][v] M_lm[u][v],
//   M_lm[u][v] = ½ Σ_u' Ŷ_lm[u'][-v] S(u+u'),  S(k) = ∫_0^π e^{ikθ} sinθ dθ
//   = 2/(1-k²) (k even), ±iπ/2 (k = ±1), 0 (other odd k).
// Both tables are Hermitian (Ŷ[-u][-v] = conj Ŷ[u][v]) because Y is real.
#pragma once

#include <complex>
#include <cstddef>
#include <memory>
#include <vector>

namespace equinet::so3 {

struct FourierEntry {
  int lm, u, v;  // lm = l*l+l+m
  std::complex<double> value;
};

// Non-zero Ŷ_lm[u][v] for l <= lmax, sorted by lm.
std::vector<FourierEntry> sh_to_fourier(int lmax);
// Non-zero M_lm[u][v] for l <= lmax and |u| <= max_u, sorted by lm.
std::vector<FourierEntry> fourier_to_sh(int lmax, int max_u);

// Smallest n' >= max(n, 2) whose prime factors are 2, 3, 5 (fast and, in KISS FFT,
// free of the scratch buffer that makes other radices thread-unsafe).
int fft_size(int n);

// Pruned 2D FFTs of a complex array a[u mod n_theta][v mod n_phi] (row
// major): only the rows (columns) with |u| <= max_u (|v| <= max_v) are
// transformed, as the spectra of band-limited functions allow.
// sign = +1: Σ a e^{+i...} (synthesis), -1: Σ a e^{-i...} (analysis); unnormalised.
template <typename T>
class TorusFFT {
 public:
  TorusFFT(int n_theta, int n_phi);
  int n_theta() const { return n_theta_; }
  int n_phi() const { return n_phi_; }
  size_t scratch_size() const { return size_t(2 * (n_theta_ > n_phi_ ? n_theta_ : n_phi_)); }
  // Along φ (within rows), for rows with |u| <= max_u.
  void rows(std::complex<T>* a, int sign, int max_u, std::complex<T>* scratch) const;
  // Along θ (within columns), for columns with |v| <= max_v.
  void columns(std::complex<T>* a, int sign, int max_v, std::complex<T>* scratch) const;

 private:
  struct Impl;
  int n_theta_, n_phi_;
  std::shared_ptr<const Impl> impl_;
};

extern template class TorusFFT<float>;
extern template class TorusFFT<double>;

}  // namespace equinet::so3
