#include "equinet/tp/fourier_product.hpp"

#include <algorithm>

#include "equinet/error.hpp"

namespace equinet::tp {
namespace {

int checked_degrees(const so3::Irreps& in1, const so3::Irreps& in2, const so3::Irreps& out, int* L1,
                    int* L2) {
  int s1 = 1, s2 = 1, s3 = 1;
  *L1 = spherical_function_degree(in1, "Fourier tensor product in1", &s1);
  *L2 = spherical_function_degree(in2, "Fourier tensor product in2", &s2);
  const int L3 = spherical_function_degree(out, "Fourier tensor product out", &s3);
  if (s3 != s1 * s2)
    throw Error("Fourier tensor product: output irreps " + out.str() +
                " have the wrong parity for " + in1.str() + " x " + in2.str());
  return L3;
}

// Position of component (l, m) of each degree's block in a row, -1 where absent.
std::vector<int> row_positions(const so3::Irreps& irreps) {
  std::vector<int> pos(size_t(irreps.lmax() + 1) * (irreps.lmax() + 1), -1);
  for (size_t b = 0; b < irreps.size(); ++b) {
    const int l = irreps[b].ir.l;
    for (int m = 0; m < 2 * l + 1; ++m) pos[l * l + m] = irreps.offset(b) + m * irreps[b].mul;
  }
  return pos;
}

}  // namespace

template <typename T>
FourierTensorProduct<T>::FourierTensorProduct(const so3::Irreps& in1, const so3::Irreps& in2,
                                              const so3::Irreps& out)
    : C_(common_channels(in1, in2, out, "Fourier tensor product")),
      desc_(gaunt_description(in1, in2, out)),
      L3_(checked_degrees(in1, in2, out, &L1_, &L2_)),
      fft_(so3::fft_size(2 * (L1_ + L2_) + 1), so3::fft_size(L1_ + L2_ + L3_ + 1)) {
  const int nt = fft_.n_theta(), np = fft_.n_phi();
  auto index = [&](int u, int v) { return ((u % nt + nt) % nt) * np + (v % np + np) % np; };
  // entries sorted by lm; those of absent degrees contribute nothing
  auto table = [&](const std::vector<so3::FourierEntry>& entries, const so3::Irreps& irreps,
                   double scale) {
    const std::vector<int> pos = row_positions(irreps);
    std::vector<Entry> t;
    for (const auto& e : entries)
      if (e.lm < int(pos.size()) && pos[e.lm] >= 0)
        t.push_back({pos[e.lm], index(e.u, e.v), cplx(e.value * scale)});
    return t;
  };
  const auto sh_to_fourier = so3::sh_to_fourier(std::max(L1_, L2_));
  to_fourier1_ = table(sh_to_fourier, in1, 1.0);
  to_fourier2_ = table(sh_to_fourier, in2, 1.0);
  // the forward FFT is unnormalised
  to_sh_ = table(so3::fourier_to_sh(L3_, L1_ + L2_), out, 1.0 / (double(nt) * np));
}

template <typename T>
void FourierTensorProduct<T>::synthesis(const std::vector<Entry>& table, const T* x, int L, int c,
                                        cplx* a, cplx* tmp) const {
  std::fill(a, a + size_t(fft_.n_theta()) * fft_.n_phi(), cplx(0));
  for (const Entry& e : table) {
    const T* xc = x + e.pos + c;
    a[e.index] += e.value * cplx(xc[0], c + 1 < C_ ? xc[1] : T(0));
  }
  fft_.rows(a, +1, L, tmp);
  fft_.columns(a, +1, fft_.n_phi(), tmp);
}

template <typename T>
void FourierTensorProduct<T>::gather(const std::vector<Entry>& table, const cplx* a, int c,
                                     T* x) const {
  for (const Entry& e : table) {
    const cplx s = a[e.index] * e.value;
    T* xc = x + e.pos + c;
    xc[0] += s.real();
    if (c + 1 < C_) xc[1] += s.imag();
  }
}

template <typename T>
void FourierTensorProduct<T>::forward(int rows, const T* x, const T* y, T* z) {
  const int C = C_, d1 = desc_.in1.dim(), d2 = desc_.in2.dim(), d3 = desc_.out.dim();
  const size_t nt = fft_.n_theta(), np = fft_.n_phi(), torus = nt * np;
  equinet::detail::reserve_each(ws_, 2 * (2 * torus + fft_.scratch_size()));
  equinet::detail::for_each_row(
      "equinet::tp::fourier_forward", rows, ws_, [&](const int64_t r, std::vector<T>& slot) {
        cplx* f = reinterpret_cast<cplx*>(slot.data());
        cplx *g = f + torus, *tmp = g + torus;
        const T *X = x + r * d1, *Y = y + r * d2;
        T* Z = z + r * d3;
        std::fill(Z, Z + d3, T(0));
        for (int c = 0; c < C; c += 2) {  // two channels per complex FFT
          synthesis(to_fourier1_, X, L1_, c, f, tmp);
          synthesis(to_fourier2_, Y, L2_, c, g, tmp);
          for (size_t q = 0; q < torus; ++q)
            f[q] = cplx(f[q].real() * g[q].real(), f[q].imag() * g[q].imag());
          fft_.rows(f, -1, int(nt), tmp);
          fft_.columns(f, -1, L3_, tmp);
          gather(to_sh_, f, c, Z);
        }
      });
}

template <typename T>
void FourierTensorProduct<T>::reverse(int rows, const T* x, const T* y, const T* z_adj, T* x_adj,
                                      T* y_adj) {
  const int C = C_, d1 = desc_.in1.dim(), d2 = desc_.in2.dim(), d3 = desc_.out.dim();
  const size_t nt = fft_.n_theta(), np = fft_.n_phi(), torus = nt * np;
  equinet::detail::reserve_each(ws_, 2 * (4 * torus + fft_.scratch_size()));
  equinet::detail::for_each_row(
      "equinet::tp::fourier_reverse", rows, ws_, [&](const int64_t r, std::vector<T>& slot) {
        cplx* f = reinterpret_cast<cplx*>(slot.data());
        cplx *g = f + torus, *ha = g + torus, *w = ha + torus, *tmp = w + torus;
        const T *X = x + r * d1, *Y = y + r * d2, *Za = z_adj + r * d3;
        T *Xa = x_adj + r * d1, *Ya = y_adj + r * d2;
        std::fill(Xa, Xa + d1, T(0));
        std::fill(Ya, Ya + d2, T(0));
        for (int c = 0; c < C; c += 2) {
          // adjoint of the projection: scatter M, then the forward FFT (transposed order)
          std::fill(ha, ha + torus, cplx(0));
          for (const Entry& e : to_sh_) {
            const T* za = Za + e.pos + c;
            ha[e.index] += e.value * cplx(za[0], c + 1 < C ? za[1] : T(0));
          }
          fft_.columns(ha, -1, L3_, tmp);
          fft_.rows(ha, -1, int(nt), tmp);
          synthesis(to_fourier1_, X, L1_, c, f, tmp);
          synthesis(to_fourier2_, Y, L2_, c, g, tmp);
          // adjoint of the synthesis of x: inverse-sign transform of h_adj·g, gather Ŷ
          for (size_t q = 0; q < torus; ++q)
            w[q] = cplx(ha[q].real() * g[q].real(), ha[q].imag() * g[q].imag());
          fft_.rows(w, +1, int(nt), tmp);
          fft_.columns(w, +1, L1_, tmp);
          gather(to_fourier1_, w, c, Xa);
          for (size_t q = 0; q < torus; ++q)
            w[q] = cplx(ha[q].real() * f[q].real(), ha[q].imag() * f[q].imag());
          fft_.rows(w, +1, int(nt), tmp);
          fft_.columns(w, +1, L2_, tmp);
          gather(to_fourier2_, w, c, Ya);
        }
      });
}

template class FourierTensorProduct<float>;
template class FourierTensorProduct<double>;

}  // namespace equinet::tp
