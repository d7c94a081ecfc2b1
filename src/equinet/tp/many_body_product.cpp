#include "equinet/tp/many_body_product.hpp"

#include <algorithm>

#include "equinet/potential.hpp"
#include "equinet/tp/description.hpp"

namespace equinet::tp {
namespace {

using so3::RingBasis;

int natural_degree(const so3::Irreps& irreps, const char* what) {
  int sign = 1;
  const int L = spherical_function_degree(irreps, what, &sign);
  if (sign != 1)
    throw Error(std::string(what) + ": irreps " + irreps.str() +
                " must have natural parity (-1)^l (0e, 1o, 2e, ...)");
  return L;
}

int checked_nu(int nu_max, const so3::Irreps& in, const so3::Irreps& out) {
  if (nu_max < 2)
    throw Error("many-body product: nu_max must be >= 2, got " + std::to_string(nu_max));
  if (in.size() && out.size() && in[0].mul != out[0].mul)
    throw Error("many-body product: channel counts of " + in.str() + " and " + out.str() +
                " differ");
  for (const auto* irreps : {&in, &out})
    for (const auto& b : irreps->blocks())
      if (b.mul != in[0].mul)
        throw Error("many-body product: unequal multiplicities in " + irreps->str());
  return nu_max;
}

}  // namespace

template <typename T>
ManyBodyGridProduct<T>::ManyBodyGridProduct(const so3::Irreps& in, const so3::Irreps& out,
                                            int nu_max)
    : nu_max_(checked_nu(nu_max, in, out)),
      L_(natural_degree(in, "many-body product in")),
      Lout_(natural_degree(out, "many-body product out")),
      in_(in, true),
      out_(out, true),
      grid_(std::max(L_, Lout_), nu_max_ * L_ + Lout_) {}

template <typename T>
void ManyBodyGridProduct<T>::forward(int rows, const T* a, T* z) {
  const int C = in_.channels(), n = in_.n_components(), no = out_.n_components(), nz = nu_max_ - 1;
  const size_t ring = size_t(grid_.n_azimuth()) * C, zrow = size_t(no) * C;
  ws_.reserve(size_t(n) * C + nz * zrow + 3 * ring + grid_.scratch_size(C));
  detail::for_each_row("equinet::tp::many_body_forward", rows, [&](int r, int id) {
    T* A = ws_.slot(id);
    T* Z = A + size_t(n) * C;  // nz blocks of zrow
    T* V = Z + nz * zrow;      // ring values of a
    T *P = V + ring, *H = P + ring, *F = H + ring;
    in_.pack(a + size_t(r) * in_.row_dim(), A);
    std::fill(Z, Z + nz * zrow, T(0));
    for (int i = 0; i < grid_.n_polar(); ++i) {
      const T w = grid_.weight(i);
      grid_.synthesis(RingBasis::Value, i, L_, C, A, V, F);
      std::copy(V, V + ring, P);
      for (int nu = 2; nu <= nu_max_; ++nu) {
        for (size_t q = 0; q < ring; ++q) {
          P[q] *= V[q];
          H[q] = w * P[q];
        }
        grid_.synthesis_transpose(RingBasis::Value, i, Lout_, C, H, Z + (nu - 2) * zrow, F);
      }
    }
    for (int k = 0; k < nz; ++k)
      out_.unpack(Z + k * zrow, z + size_t(r) * out_row_dim() + size_t(k) * out_.row_dim());
  });
}

template <typename T>
void ManyBodyGridProduct<T>::reverse(int rows, const T* a, const T* z_adj, T* a_adj) {
  const int C = in_.channels(), n = in_.n_components(), no = out_.n_components(), nz = nu_max_ - 1;
  const size_t ring = size_t(grid_.n_azimuth()) * C, zrow = size_t(no) * C;
  ws_.reserve(size_t(2 * n) * C + nz * zrow + 4 * ring + grid_.scratch_size(C));
  detail::for_each_row("equinet::tp::many_body_reverse", rows, [&](int r, int id) {
    T* A = ws_.slot(id);
    T* Aa = A + size_t(n) * C;
    T* Za = Aa + size_t(n) * C;
    T* V = Za + nz * zrow;
    T *P = V + ring, *S = P + ring, *G = S + ring, *F = G + ring;
    in_.pack(a + size_t(r) * in_.row_dim(), A);
    for (int k = 0; k < nz; ++k)
      out_.pack(z_adj + size_t(r) * out_row_dim() + size_t(k) * out_.row_dim(), Za + k * zrow);
    std::fill(Aa, Aa + size_t(n) * C, T(0));
    for (int i = 0; i < grid_.n_polar(); ++i) {
      const T w = grid_.weight(i);
      grid_.synthesis(RingBasis::Value, i, L_, C, A, V, F);
      std::copy(V, V + ring, P);  // a^(ν-1)
      std::fill(G, G + ring, T(0));
      for (int nu = 2; nu <= nu_max_; ++nu) {
        grid_.synthesis(RingBasis::Value, i, Lout_, C, Za + (nu - 2) * zrow, S, F);
        for (size_t q = 0; q < ring; ++q) {
          G[q] += T(nu) * w * P[q] * S[q];  // d a^ν / d a = ν a^(ν-1)
          P[q] *= V[q];
        }
      }
      grid_.synthesis_transpose(RingBasis::Value, i, L_, C, G, Aa, F);
    }
    in_.unpack(Aa, a_adj + size_t(r) * in_.row_dim());
  });
}

template class ManyBodyGridProduct<float>;
template class ManyBodyGridProduct<double>;

}  // namespace equinet::tp
