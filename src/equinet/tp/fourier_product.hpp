// (c) Gaunt tensor product in the 2D Fourier basis (Luo et al. 2024): change
// of basis SH -> torus Fourier coefficients (sparse, O(L^3)), 2D convolution
// by FFT (pruned inverse FFTs to torus values, pointwise product, forward FFT),
// change of basis back with the exact projection M (so3/fourier2d.hpp).
// Equals the grid product (b) and the CG product of gaunt_description().
//
// Sizes: h = f g has degree D = L1+L2 in θ and φ. All its θ-frequencies are
// needed (M couples every u to the output), so n_θ >= 2D+1; only |v| <= L3 is
// read, so n_φ >= D+L3+1 avoids aliasing; both rounded up to 2,3,5-smooth
// sizes for the FFT. Two real channels share one complex FFT (real and
// imaginary parts), which halves the FFT work; the tables are Hermitian, so
// the two channels separate again as the real and imaginary part of the result.
#pragma once

#include <complex>
#include <vector>

#include "equinet/so3/fourier2d.hpp"
#include "equinet/tp/description.hpp"
#include "equinet/tp/detail/channel_layout.hpp"
#include "equinet/tp/detail/row_parallel.hpp"

namespace equinet::tp {

template <typename T>
class FourierTensorProduct {
 public:
  FourierTensorProduct(const so3::Irreps& in1, const so3::Irreps& in2, const so3::Irreps& out);

  const TensorProductDescription& description() const { return desc_; }
  int n_theta() const { return fft_.n_theta(); }
  int n_phi() const { return fft_.n_phi(); }

  void forward(int rows, const T* x, const T* y, T* z);
  void reverse(int rows, const T* x, const T* y, const T* z_adj, T* x_adj, T* y_adj);

 private:
  using cplx = std::complex<T>;
  struct Entry {
    int lm, index;  // index = (u mod n_θ) n_φ + (v mod n_φ)
    cplx value;
  };
  // Torus values of the spherical functions of channels (c, c+1) of X.
  void synthesis(const T* X, int L, int c, cplx* a, cplx* tmp) const;
  // Accumulates Σ a[k] table[k] into channels (c, c+1) of X for l <= L.
  void gather(const std::vector<Entry>& table, int L, const cplx* a, int c, T* X) const;

  TensorProductDescription desc_;
  int L1_, L2_, L3_;
  detail::ChannelLayout in1_, in2_, out_;
  so3::TorusFFT<T> fft_;
  std::vector<Entry> to_fourier_, to_sh_;  // Ŷ, and M / (n_θ n_φ)
  detail::ThreadWorkspace<T> ws_;
};

extern template class FourierTensorProduct<float>;
extern template class FourierTensorProduct<double>;

}  // namespace equinet::tp
