#include "equinet/tp/grid_product.hpp"

#include <algorithm>

#include "equinet/potential.hpp"

namespace equinet::tp {
namespace {

using so3::RingBasis;

int degree_checked(GridProductKind kind, const so3::Irreps& in1, const so3::Irreps& in2,
                   const so3::Irreps& out, int* L1, int* L2) {
  int s1 = 1, s2 = 1, s3 = 1;
  *L1 = spherical_function_degree(in1, "grid tensor product in1", &s1);
  *L2 = spherical_function_degree(in2, "grid tensor product in2", &s2);
  const int L3 = spherical_function_degree(out, "grid tensor product out", &s3);
  const int expected = kind == GridProductKind::Gaunt ? s1 * s2 : -s1 * s2;
  if (s3 != expected)
    throw Error("grid tensor product: output irreps " + out.str() + " have the wrong parity for " +
                in1.str() + " x " + in2.str() +
                (kind == GridProductKind::Gaunt ? " (Gaunt: p = p1 p2 (-1)^(l+l1+l2))"
                                                : " (vector Gaunt: parity flipped)"));
  return L3;
}

}  // namespace

template <typename T>
GridTensorProduct<T>::GridTensorProduct(GridProductKind kind, const so3::Irreps& in1,
                                        const so3::Irreps& in2, const so3::Irreps& out)
    : kind_(kind),
      desc_(kind == GridProductKind::Gaunt ? gaunt_description(in1, in2, out)
                                           : vector_gaunt_description(in1, in2, out)),
      L3_(degree_checked(kind, in1, in2, out, &L1_, &L2_)),
      in1_(in1, true),
      in2_(in2, true),
      out_(out, true),
      // the vector integrand r·(∇f×∇g) has degree L1+L2-1
      grid_(std::max(L1_, std::max(L2_, L3_)),
            std::max(0, L1_ + L2_ + L3_ - (kind == GridProductKind::VectorGaunt ? 1 : 0))) {}

template <typename T>
void GridTensorProduct<T>::forward(int rows, const T* x, const T* y, T* z) {
  const int C = desc_.channels(), n1 = in1_.n_components(), n2 = in2_.n_components(),
            n3 = out_.n_components(), na = grid_.n_azimuth();
  const size_t ring = size_t(na) * C;
  ws_.reserve(size_t(n1 + n2 + n3) * C + 5 * ring + grid_.scratch_size(C));
  const bool vector = kind_ == GridProductKind::VectorGaunt;
  detail::for_each_row("equinet::tp::grid_forward", rows, [&](int r, int id) {
    T* X = ws_.slot(id);
    T* Y = X + size_t(n1) * C;
    T* Z = Y + size_t(n2) * C;
    T* A = Z + size_t(n3) * C;  // ring values: A, A2 from x; B, B2 from y; H product
    T *A2 = A + ring, *B = A2 + ring, *B2 = B + ring, *H = B2 + ring, *F = H + ring;
    in1_.pack(x + size_t(r) * in1_.row_dim(), X);
    in2_.pack(y + size_t(r) * in2_.row_dim(), Y);
    std::fill(Z, Z + size_t(n3) * C, T(0));
    for (int i = 0; i < grid_.n_polar(); ++i) {
      const T w = grid_.weight(i);
      if (!vector) {
        grid_.synthesis(RingBasis::Value, i, L1_, C, X, A, F);
        grid_.synthesis(RingBasis::Value, i, L2_, C, Y, B, F);
        for (size_t q = 0; q < ring; ++q) H[q] = w * A[q] * B[q];
      } else {
        grid_.synthesis(RingBasis::PolarGradient, i, L1_, C, X, A, F);
        grid_.synthesis(RingBasis::AzimuthalGradient, i, L1_, C, X, A2, F);
        grid_.synthesis(RingBasis::PolarGradient, i, L2_, C, Y, B, F);
        grid_.synthesis(RingBasis::AzimuthalGradient, i, L2_, C, Y, B2, F);
        for (size_t q = 0; q < ring; ++q) H[q] = w * (A[q] * B2[q] - A2[q] * B[q]);
      }
      grid_.synthesis_transpose(RingBasis::Value, i, L3_, C, H, Z, F);
    }
    out_.unpack(Z, z + size_t(r) * out_.row_dim());
  });
}

template <typename T>
void GridTensorProduct<T>::reverse(int rows, const T* x, const T* y, const T* z_adj, T* x_adj,
                                   T* y_adj) {
  const int C = desc_.channels(), n1 = in1_.n_components(), n2 = in2_.n_components(),
            n3 = out_.n_components(), na = grid_.n_azimuth();
  const size_t ring = size_t(na) * C;
  ws_.reserve(size_t(2 * n1 + 2 * n2 + n3) * C + 6 * ring + grid_.scratch_size(C));
  const bool vector = kind_ == GridProductKind::VectorGaunt;
  detail::for_each_row("equinet::tp::grid_reverse", rows, [&](int r, int id) {
    T* X = ws_.slot(id);
    T* Y = X + size_t(n1) * C;
    T* Za = Y + size_t(n2) * C;
    T* Xa = Za + size_t(n3) * C;
    T* Ya = Xa + size_t(n1) * C;
    T* A = Ya + size_t(n2) * C;
    T *A2 = A + ring, *B = A2 + ring, *B2 = B + ring, *Ha = B2 + ring, *G = Ha + ring,
      *F = G + ring;
    in1_.pack(x + size_t(r) * in1_.row_dim(), X);
    in2_.pack(y + size_t(r) * in2_.row_dim(), Y);
    out_.pack(z_adj + size_t(r) * out_.row_dim(), Za);
    std::fill(Xa, Xa + size_t(n1 + n2) * C, T(0));
    for (int i = 0; i < grid_.n_polar(); ++i) {
      const T w = grid_.weight(i);
      grid_.synthesis(RingBasis::Value, i, L3_, C, Za, Ha, F);  // adjoint of the projection
      for (size_t q = 0; q < ring; ++q) Ha[q] *= w;
      if (!vector) {
        grid_.synthesis(RingBasis::Value, i, L1_, C, X, A, F);
        grid_.synthesis(RingBasis::Value, i, L2_, C, Y, B, F);
        for (size_t q = 0; q < ring; ++q) G[q] = Ha[q] * B[q];
        grid_.synthesis_transpose(RingBasis::Value, i, L1_, C, G, Xa, F);
        for (size_t q = 0; q < ring; ++q) G[q] = Ha[q] * A[q];
        grid_.synthesis_transpose(RingBasis::Value, i, L2_, C, G, Ya, F);
      } else {
        // h = Aθ Bφ - Aφ Bθ
        grid_.synthesis(RingBasis::PolarGradient, i, L1_, C, X, A, F);
        grid_.synthesis(RingBasis::AzimuthalGradient, i, L1_, C, X, A2, F);
        grid_.synthesis(RingBasis::PolarGradient, i, L2_, C, Y, B, F);
        grid_.synthesis(RingBasis::AzimuthalGradient, i, L2_, C, Y, B2, F);
        for (size_t q = 0; q < ring; ++q) G[q] = Ha[q] * B2[q];
        grid_.synthesis_transpose(RingBasis::PolarGradient, i, L1_, C, G, Xa, F);
        for (size_t q = 0; q < ring; ++q) G[q] = -Ha[q] * B[q];
        grid_.synthesis_transpose(RingBasis::AzimuthalGradient, i, L1_, C, G, Xa, F);
        for (size_t q = 0; q < ring; ++q) G[q] = Ha[q] * A[q];
        grid_.synthesis_transpose(RingBasis::AzimuthalGradient, i, L2_, C, G, Ya, F);
        for (size_t q = 0; q < ring; ++q) G[q] = -Ha[q] * A2[q];
        grid_.synthesis_transpose(RingBasis::PolarGradient, i, L2_, C, G, Ya, F);
      }
    }
    in1_.unpack(Xa, x_adj + size_t(r) * in1_.row_dim());
    in2_.unpack(Ya, y_adj + size_t(r) * in2_.row_dim());
  });
}

template class GridTensorProduct<float>;
template class GridTensorProduct<double>;

}  // namespace equinet::tp
