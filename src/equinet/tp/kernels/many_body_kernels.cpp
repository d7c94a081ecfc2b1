// The many-body product's kernels (e): compiled into libequinet and into
// every instruction-set variant (see tp/detail/product_kernels.hpp).
#include <algorithm>

#include "equinet/detail/parallel.hpp"
#include "equinet/so3/s2_grid_block.hpp"
#include "equinet/so3/s2_grid_transform.hpp"
#include "equinet/tp/detail/channel_block.hpp"
#include "equinet/tp/detail/product_kernels.hpp"
#include "equinet/tp/kernels/factories.hpp"

namespace equinet::tp::detail {
namespace {

using equinet::detail::for_each_row;
using equinet::detail::reserve_each;
using equinet::detail::ThreadBuffers;
using so3::RingBasis;

template <typename T>
class ManyBodyKernelsImpl final : public ManyBodyKernels<T> {
 public:
  ManyBodyKernelsImpl(const so3::Irreps& in, const so3::Irreps& out, int nu_max)
      : nu_max_(nu_max),
        L_(degree(in)),
        Lout_(degree(out)),
        in_(in, L_),
        out_(out, Lout_),
        grid_(std::max(L_, Lout_), nu_max_ * L_ + Lout_),
        block_(grid_) {}

  const so3::S2GridTransform<T>& grid() const override { return grid_; }
  void forward(int rows, const T* a, T* z) override {
    with_block_registers<T>(in_.channels(),
                            [&](auto k) { forward_blocks<decltype(k)::value>(rows, a, z); });
  }
  void reverse(int rows, const T* a, const T* z_adj, T* a_adj) override {
    with_block_registers<T>(
        in_.channels(), [&](auto k) { reverse_blocks<decltype(k)::value>(rows, a, z_adj, a_adj); });
  }

 private:
  static int degree(const so3::Irreps& irreps) {
    int sign = 1;
    return spherical_function_degree(irreps, "many-body product", &sign);
  }
  // K registers of lanes per channel block (with_block_registers)
  template <int K>
  void forward_blocks(int rows, const T* a, T* z);
  template <int K>
  void reverse_blocks(int rows, const T* a, const T* z_adj, T* a_adj);
  int out_row_dim() const { return (nu_max_ - 1) * out_.row_dim(); }
  int nu_max_, L_, Lout_;
  ChannelBlockLayout in_, out_;
  so3::S2GridTransform<T> grid_;
  so3::S2GridBlock<T> block_;  // channel-blocked kernels on grid_
  ThreadBuffers<T> ws_;
};

// Per row and block of Kc channels (see grid_product.cpp): Legendre stage of
// a for all rings, ring by ring the powers and their transposed azimuth
// stages, then one transposed Legendre stage per power.
template <typename T>
template <int K>
void ManyBodyKernelsImpl<T>::forward_blocks(int rows, const T* a, T* z) {
  constexpr int Kc = K * so3::S2GridBlock<T>::W;
  const int C = in_.channels(), na = grid_.n_azimuth(), np = grid_.n_polar(), nz = nu_max_ - 1;
  const size_t nf = block_.legendre_rows(L_), ng = block_.legendre_rows(Lout_);
  reserve_each(ws_, (in_.rows() + out_.rows() + nf + nz * ng + 3 * size_t(na) +
                     block_.azimuth_scratch_rows() + block_.pair_rows(Lout_)) *
                        Kc);
  for_each_row(
      "equinet::tp::many_body_forward", rows, ws_, [&](const int64_t r, std::vector<T>& slot) {
        T* A = slot.data();
        T* Z = A + size_t(in_.rows()) * Kc;
        T* F = Z + size_t(out_.rows()) * Kc;
        T* G = F + nf * Kc;  // nz blocks of ng rows
        T* V = G + nz * ng * Kc;
        T *P = V + size_t(na) * Kc, *H = P + size_t(na) * Kc, *S = H + size_t(na) * Kc;
        T* GP = S + block_.azimuth_scratch_rows() * Kc;
        const size_t n = size_t(na) * Kc;
        const T* ar = a + size_t(r) * in_.row_dim();
        T* zr = z + size_t(r) * out_row_dim();
        for (int c0 = 0; c0 < C; c0 += Kc) {
          in_.gather(ar, c0, Kc, A);
          block_.template legendre_synthesis<K>(RingBasis::Value, in_.order(), A, F);
          for (int i = 0; i < np; ++i) {
            const T w = grid_.weight(i);
            block_.template azimuth_synthesis<K>(L_, F + size_t(i) * (2 * L_ + 1) * Kc, V, S);
            std::copy(V, V + n, P);
            for (int nu = 2; nu <= nu_max_; ++nu) {
              for (size_t q = 0; q < n; ++q) {
                P[q] *= V[q];
                H[q] = w * P[q];
              }
              block_.template azimuth_transpose<K>(
                  Lout_, H, G + (nu - 2) * ng * Kc + size_t(i) * (2 * Lout_ + 1) * Kc, S);
            }
          }
          for (int k = 0; k < nz; ++k) {
            block_.template legendre_transpose<K>(RingBasis::Value, out_.order(), G + k * ng * Kc,
                                                  GP, Z, false);
            out_.scatter(Z, c0, Kc, zr + size_t(k) * out_.row_dim());
          }
        }
      });
}

template <typename T>
template <int K>
void ManyBodyKernelsImpl<T>::reverse_blocks(int rows, const T* a, const T* z_adj, T* a_adj) {
  constexpr int Kc = K * so3::S2GridBlock<T>::W;
  const int C = in_.channels(), na = grid_.n_azimuth(), np = grid_.n_polar(), nz = nu_max_ - 1;
  const size_t nf = block_.legendre_rows(L_), nfz = block_.legendre_rows(Lout_);
  reserve_each(ws_, (2 * in_.rows() + out_.rows() + 2 * nf + nz * nfz + 4 * size_t(na) +
                     block_.azimuth_scratch_rows() + block_.pair_rows(L_)) *
                        Kc);
  for_each_row(
      "equinet::tp::many_body_reverse", rows, ws_, [&](const int64_t r, std::vector<T>& slot) {
        T* A = slot.data();
        T* Aa = A + size_t(in_.rows()) * Kc;
        T* Za = Aa + size_t(in_.rows()) * Kc;
        T* F = Za + size_t(out_.rows()) * Kc;
        T* GA = F + nf * Kc;
        T* FZ = GA + nf * Kc;  // nz blocks of nfz rows
        T* V = FZ + nz * nfz * Kc;
        T *P = V + size_t(na) * Kc, *Sz = P + size_t(na) * Kc, *Gr = Sz + size_t(na) * Kc,
          *S = Gr + size_t(na) * Kc;
        T* GP = S + block_.azimuth_scratch_rows() * Kc;
        const size_t n = size_t(na) * Kc;
        const T* ar = a + size_t(r) * in_.row_dim();
        const T* zr = z_adj + size_t(r) * out_row_dim();
        T* aar = a_adj + size_t(r) * in_.row_dim();
        for (int c0 = 0; c0 < C; c0 += Kc) {
          in_.gather(ar, c0, Kc, A);
          block_.template legendre_synthesis<K>(RingBasis::Value, in_.order(), A, F);
          for (int k = 0; k < nz; ++k) {
            out_.gather(zr + size_t(k) * out_.row_dim(), c0, Kc, Za);
            block_.template legendre_synthesis<K>(RingBasis::Value, out_.order(), Za,
                                                  FZ + k * nfz * Kc);
          }
          for (int i = 0; i < np; ++i) {
            const T w = grid_.weight(i);
            block_.template azimuth_synthesis<K>(L_, F + size_t(i) * (2 * L_ + 1) * Kc, V, S);
            std::copy(V, V + n, P);  // a^(ν-1)
            std::fill(Gr, Gr + n, T(0));
            for (int nu = 2; nu <= nu_max_; ++nu) {
              block_.template azimuth_synthesis<K>(
                  Lout_, FZ + (nu - 2) * nfz * Kc + size_t(i) * (2 * Lout_ + 1) * Kc, Sz, S);
              for (size_t q = 0; q < n; ++q) {
                Gr[q] += T(nu) * w * P[q] * Sz[q];  // d a^ν / d a = ν a^(ν-1)
                P[q] *= V[q];
              }
            }
            block_.template azimuth_transpose<K>(L_, Gr, GA + size_t(i) * (2 * L_ + 1) * Kc, S);
          }
          block_.template legendre_transpose<K>(RingBasis::Value, in_.order(), GA, GP, Aa, false);
          in_.scatter(Aa, c0, Kc, aar);
        }
      });
}

}  // namespace

template <typename T>
ManyBodyKernels<T>* make_many_body_kernels(const so3::Irreps& in, const so3::Irreps& out,
                                           int nu_max) {
  return new ManyBodyKernelsImpl<T>(in, out, nu_max);
}
template ManyBodyKernels<float>* make_many_body_kernels(const so3::Irreps&, const so3::Irreps&,
                                                        int);
template ManyBodyKernels<double>* make_many_body_kernels(const so3::Irreps&, const so3::Irreps&,
                                                         int);

}  // namespace equinet::tp::detail
