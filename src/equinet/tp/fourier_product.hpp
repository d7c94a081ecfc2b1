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
// Rows (m-major so3::FeatureLayout) are read and written in place: the
// change-of-basis tables hold each (l, m)'s position in the operand's row.
#pragma once

#include <complex>
#include <vector>

#include "equinet/detail/parallel.hpp"
#include "equinet/so3/fourier2d.hpp"
#include "equinet/tp/description.hpp"

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
    int pos, index;  // pos: (l, m) in the row (channel 0); index = (u mod n_θ) n_φ + (v mod n_φ)
    cplx value;
  };
  // Torus values of the spherical functions (degrees <= L) of channels
  // (c, c+1) of row x, whose components `table` lists.
  void synthesis(const std::vector<Entry>& table, const T* x, int L, int c, cplx* a,
                 cplx* tmp) const;
  // Accumulates Σ a[k] table[k] into channels (c, c+1) of row x.
  void gather(const std::vector<Entry>& table, const cplx* a, int c, T* x) const;

  int C_;  // before desc_: the channel check comes first
  TensorProductDescription desc_;
  int L1_, L2_, L3_;
  so3::TorusFFT<T> fft_;
  // Ŷ of in1's and in2's components, and M / (n_θ n_φ) of out's; absent degrees left out
  std::vector<Entry> to_fourier1_, to_fourier2_, to_sh_;
  equinet::detail::ThreadBuffers<T> ws_;
};

extern template class FourierTensorProduct<float>;
extern template class FourierTensorProduct<double>;

}  // namespace equinet::tp
