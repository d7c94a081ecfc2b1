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

}  // namespace

template <typename T>
FourierTensorProduct<T>::FourierTensorProduct(const so3::Irreps& in1, const so3::Irreps& in2,
                                              const so3::Irreps& out)
    : desc_(gaunt_description(in1, in2, out)),
      L3_(checked_degrees(in1, in2, out, &L1_, &L2_)),
      in1_(in1, true),
      in2_(in2, true),
      out_(out, true),
      fft_(so3::fft_size(2 * (L1_ + L2_) + 1), so3::fft_size(L1_ + L2_ + L3_ + 1)) {
  const int nt = fft_.n_theta(), np = fft_.n_phi();
  auto index = [&](int u, int v) { return ((u % nt + nt) % nt) * np + (v % np + np) % np; };
  for (const auto& e : so3::sh_to_fourier(std::max(L1_, L2_)))
    to_fourier_.push_back({e.lm, index(e.u, e.v), cplx(e.value)});
  const double scale = 1.0 / (double(nt) * np);  // the forward FFT is unnormalised
  for (const auto& e : so3::fourier_to_sh(L3_, L1_ + L2_))
    to_sh_.push_back({e.lm, index(e.u, e.v), cplx(e.value * scale)});
}

template <typename T>
void FourierTensorProduct<T>::synthesis(const T* X, int L, int c, cplx* a, cplx* tmp) const {
  const int C = desc_.channels(), n_lm = (L + 1) * (L + 1);
  std::fill(a, a + size_t(fft_.n_theta()) * fft_.n_phi(), cplx(0));
  for (const Entry& e : to_fourier_) {
    if (e.lm >= n_lm) break;  // sorted by lm
    const T* x = X + size_t(e.lm) * C + c;
    a[e.index] += e.value * cplx(x[0], c + 1 < C ? x[1] : T(0));
  }
  fft_.rows(a, +1, L, tmp);
  fft_.columns(a, +1, fft_.n_phi(), tmp);
}

template <typename T>
void FourierTensorProduct<T>::gather(const std::vector<Entry>& table, int L, const cplx* a, int c,
                                     T* X) const {
  const int C = desc_.channels(), n_lm = (L + 1) * (L + 1);
  for (const Entry& e : table) {
    if (e.lm >= n_lm) break;
    const cplx s = a[e.index] * e.value;
    T* x = X + size_t(e.lm) * C + c;
    x[0] += s.real();
    if (c + 1 < C) x[1] += s.imag();
  }
}

template <typename T>
void FourierTensorProduct<T>::forward(int rows, const T* x, const T* y, T* z) {
  const int C = desc_.channels(), n1 = in1_.n_components(), n2 = in2_.n_components(),
            n3 = out_.n_components();
  const size_t nt = fft_.n_theta(), np = fft_.n_phi(), torus = nt * np;
  const size_t reals = size_t(n1 + n2 + n3) * C;
  ws_.reserve(reals + 2 * (2 * torus + fft_.scratch_size()));
  detail::for_each_row("equinet::tp::fourier_forward", rows, [&](int r, int id) {
    T* X = ws_.slot(id);
    T* Y = X + size_t(n1) * C;
    T* Z = Y + size_t(n2) * C;
    cplx* f = reinterpret_cast<cplx*>(X + reals);
    cplx *g = f + torus, *tmp = g + torus;
    in1_.pack(x + size_t(r) * in1_.row_dim(), X);
    in2_.pack(y + size_t(r) * in2_.row_dim(), Y);
    std::fill(Z, Z + size_t(n3) * C, T(0));
    for (int c = 0; c < C; c += 2) {  // two channels per complex FFT
      synthesis(X, L1_, c, f, tmp);
      synthesis(Y, L2_, c, g, tmp);
      for (size_t q = 0; q < torus; ++q)
        f[q] = cplx(f[q].real() * g[q].real(), f[q].imag() * g[q].imag());
      fft_.rows(f, -1, int(nt), tmp);
      fft_.columns(f, -1, L3_, tmp);
      gather(to_sh_, L3_, f, c, Z);
    }
    out_.unpack(Z, z + size_t(r) * out_.row_dim());
  });
}

template <typename T>
void FourierTensorProduct<T>::reverse(int rows, const T* x, const T* y, const T* z_adj, T* x_adj,
                                      T* y_adj) {
  const int C = desc_.channels(), n1 = in1_.n_components(), n2 = in2_.n_components(),
            n3 = out_.n_components();
  const size_t nt = fft_.n_theta(), np = fft_.n_phi(), torus = nt * np;
  const size_t reals = size_t(2 * n1 + 2 * n2 + n3) * C;
  ws_.reserve(reals + 2 * (4 * torus + fft_.scratch_size()));
  detail::for_each_row("equinet::tp::fourier_reverse", rows, [&](int r, int id) {
    T* X = ws_.slot(id);
    T* Y = X + size_t(n1) * C;
    T* Za = Y + size_t(n2) * C;
    T* Xa = Za + size_t(n3) * C;
    T* Ya = Xa + size_t(n1) * C;
    cplx* f = reinterpret_cast<cplx*>(X + reals);
    cplx *g = f + torus, *ha = g + torus, *w = ha + torus, *tmp = w + torus;
    in1_.pack(x + size_t(r) * in1_.row_dim(), X);
    in2_.pack(y + size_t(r) * in2_.row_dim(), Y);
    out_.pack(z_adj + size_t(r) * out_.row_dim(), Za);
    std::fill(Xa, Xa + size_t(n1 + n2) * C, T(0));
    for (int c = 0; c < C; c += 2) {
      // adjoint of the projection: scatter M, then the forward FFT (transposed order)
      std::fill(ha, ha + torus, cplx(0));
      for (const Entry& e : to_sh_) {
        if (e.lm >= n3) break;
        const T* za = Za + size_t(e.lm) * C + c;
        ha[e.index] += e.value * cplx(za[0], c + 1 < C ? za[1] : T(0));
      }
      fft_.columns(ha, -1, L3_, tmp);
      fft_.rows(ha, -1, int(nt), tmp);
      synthesis(X, L1_, c, f, tmp);
      synthesis(Y, L2_, c, g, tmp);
      // adjoint of the synthesis of x: inverse-sign transform of h_adj·g, gather Ŷ
      for (size_t q = 0; q < torus; ++q)
        w[q] = cplx(ha[q].real() * g[q].real(), ha[q].imag() * g[q].imag());
      fft_.rows(w, +1, int(nt), tmp);
      fft_.columns(w, +1, L1_, tmp);
      gather(to_fourier_, L1_, w, c, Xa);
      for (size_t q = 0; q < torus; ++q)
        w[q] = cplx(ha[q].real() * f[q].real(), ha[q].imag() * f[q].imag());
      fft_.rows(w, +1, int(nt), tmp);
      fft_.columns(w, +1, L2_, tmp);
      gather(to_fourier_, L2_, w, c, Ya);
    }
    in1_.unpack(Xa, x_adj + size_t(r) * in1_.row_dim());
    in2_.unpack(Ya, y_adj + size_t(r) * in2_.row_dim());
  });
}

template class FourierTensorProduct<float>;
template class FourierTensorProduct<double>;

}  // namespace equinet::tp
