// The grid products' kernels (b), (d): compiled into libequinet and into
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

// Legendre stage of one block of both operands (value or θ-gradient basis
// b1), and for the vector product also their φ-gradients (after nf rows).
template <int K, typename T>
void legendre_operands(const so3::S2GridBlock<T>& block, bool vector, RingBasis b1,
                       const ChannelBlockLayout& in1, const ChannelBlockLayout& in2, const T* X,
                       const T* Y, size_t nf1, size_t nf2, T* FX, T* FY) {
  constexpr int Kc = K * so3::S2GridBlock<T>::W;
  block.template legendre_synthesis<K>(b1, in1.order(), X, FX);
  block.template legendre_synthesis<K>(b1, in2.order(), Y, FY);
  if (vector) {
    block.template legendre_synthesis<K>(RingBasis::AzimuthalGradient, in1.order(), X,
                                         FX + nf1 * Kc);
    block.template legendre_synthesis<K>(RingBasis::AzimuthalGradient, in2.order(), Y,
                                         FY + nf2 * Kc);
  }
}

template <typename T>
class GridKernelsImpl final : public GridKernels<T> {
 public:
  GridKernelsImpl(GridProductKind kind, const so3::Irreps& in1, const so3::Irreps& in2,
                  const so3::Irreps& out)
      : kind_(kind),
        C_(in1.size() ? in1[0].mul : 0),
        L1_(degree(in1)),
        L2_(degree(in2)),
        L3_(degree(out)),
        in1_(in1, L1_),
        in2_(in2, L2_),
        out_(out, L3_),
        // the vector integrand r·(∇f×∇g) has degree L1+L2-1
        grid_(std::max(L1_, std::max(L2_, L3_)),
              std::max(0, L1_ + L2_ + L3_ - (kind == GridProductKind::VectorGaunt ? 1 : 0))),
        block_(grid_) {}

  const so3::S2GridTransform<T>& grid() const override { return grid_; }
  void forward(int rows, const T* x, const T* y, T* z) override {
    with_block_registers<T>(C_, [&](auto k) { forward_blocks<decltype(k)::value>(rows, x, y, z); });
  }
  void reverse(int rows, const T* x, const T* y, const T* z_adj, T* x_adj, T* y_adj) override {
    with_block_registers<T>(
        C_, [&](auto k) { reverse_blocks<decltype(k)::value>(rows, x, y, z_adj, x_adj, y_adj); });
  }

 private:
  static int degree(const so3::Irreps& irreps) {
    int sign = 1;
    return spherical_function_degree(irreps, "grid tensor product", &sign);
  }
  // K registers of lanes per channel block (with_block_registers)
  template <int K>
  void forward_blocks(int rows, const T* x, const T* y, T* z);
  template <int K>
  void reverse_blocks(int rows, const T* x, const T* y, const T* z_adj, T* x_adj, T* y_adj);
  GridProductKind kind_;
  int C_, L1_, L2_, L3_;
  ChannelBlockLayout in1_, in2_, out_;
  so3::S2GridTransform<T> grid_;
  so3::S2GridBlock<T> block_;  // channel-blocked kernels on grid_
  ThreadBuffers<T> ws_;
};

// Per row and block of Kc channels: Legendre stage of the inputs for all
// rings (ring pairs), then ring by ring the azimuth stages, the pointwise
// product and the transposed azimuth stage, then the transposed Legendre
// stage for all rings; everything of one block stays in L1.
template <typename T>
template <int K>
void GridKernelsImpl<T>::forward_blocks(int rows, const T* x, const T* y, T* z) {
  constexpr int Kc = K * so3::S2GridBlock<T>::W;
  using vec = typename so3::S2GridBlock<T>::vec;
  using Ln = typename so3::S2GridBlock<T>::Ln;
  const int C = C_, np = grid_.n_polar();
  const bool vector = kind_ == GridProductKind::VectorGaunt;
  const size_t nf1 = block_.legendre_rows(L1_), nf2 = block_.legendre_rows(L2_),
               ng = block_.legendre_rows(L3_), nbuf = vector ? 2 : 1;
  const size_t rows_needed = in1_.rows() + in2_.rows() + out_.rows() + nbuf * (nf1 + nf2) + ng +
                             6 * block_.azimuth_scratch_rows() + block_.pair_rows(L3_);
  reserve_each(ws_, rows_needed * Kc);
  const so3::RingBasis b1 = vector ? RingBasis::PolarGradient : RingBasis::Value;
  for_each_row("equinet::tp::grid_forward", rows, ws_, [&](const int64_t r, std::vector<T>& slot) {
    T* X = slot.data();
    T* Y = X + size_t(in1_.rows()) * Kc;
    T* Z = Y + size_t(in2_.rows()) * Kc;
    T* FX = Z + size_t(out_.rows()) * Kc;  // [ring][slot], then the φ-gradient's
    T* FY = FX + nbuf * nf1 * Kc;
    T* G = FY + nbuf * nf2 * Kc;
    // azimuth sums (4 per group j) of x, x's φ-gradient, y, y's φ-gradient; Q product
    const size_t ns = block_.azimuth_scratch_rows() * Kc;
    T *SX = G + ng * Kc, *SX2 = SX + ns, *SY = SX2 + ns, *SY2 = SY + ns, *Q = SY2 + ns, *S = Q + ns;
    T* GP = S + block_.azimuth_scratch_rows() * Kc;
    const T* xr = x + size_t(r) * in1_.row_dim();
    const T* yr = y + size_t(r) * in2_.row_dim();
    T* zr = z + size_t(r) * out_.row_dim();
    for (int c0 = 0; c0 < C; c0 += Kc) {
      in1_.gather(xr, c0, Kc, X);
      in2_.gather(yr, c0, Kc, Y);
      legendre_operands<K>(block_, vector, b1, in1_, in2_, X, Y, nf1, nf2, FX, FY);
      for (int i = 0; i < np; ++i) {
        const size_t o1 = size_t(i) * (2 * L1_ + 1) * Kc, o2 = size_t(i) * (2 * L2_ + 1) * Kc;
        const vec w = Ln::splat(grid_.weight(i));
        block_.template azimuth_sums<K>(L1_, FX + o1, SX);
        block_.template azimuth_sums<K>(L2_, FY + o2, SY);
        if (!vector) {
          block_.template pointwise<K>({SX, SY},
                                       [&](const vec(&a)[2][4], vec(&h)[1][4]) {
                                         for (int p = 0; p < 4; ++p)
                                           h[0][p] = w * a[0][p] * a[1][p];
                                       },
                                       {Q});
        } else {
          block_.template azimuth_sums<K>(L1_, FX + nf1 * Kc + o1, SX2);
          block_.template azimuth_sums<K>(L2_, FY + nf2 * Kc + o2, SY2);
          // h = fθ gφ - fφ gθ
          block_.template pointwise<K>({SX, SX2, SY, SY2},
                                       [&](const vec(&a)[4][4], vec(&h)[1][4]) {
                                         for (int p = 0; p < 4; ++p)
                                           h[0][p] = w * (a[0][p] * a[3][p] - a[1][p] * a[2][p]);
                                       },
                                       {Q});
        }
        block_.template azimuth_project<K>(L3_, Q, G + size_t(i) * (2 * L3_ + 1) * Kc);
      }
      block_.template legendre_transpose<K>(RingBasis::Value, out_.order(), G, GP, Z, false);
      out_.scatter(Z, c0, Kc, zr);
    }
  });
}

template <typename T>
template <int K>
void GridKernelsImpl<T>::reverse_blocks(int rows, const T* x, const T* y, const T* z_adj, T* x_adj,
                                        T* y_adj) {
  constexpr int Kc = K * so3::S2GridBlock<T>::W;
  using vec = typename so3::S2GridBlock<T>::vec;
  using Ln = typename so3::S2GridBlock<T>::Ln;
  const int C = C_, np = grid_.n_polar();
  const bool vector = kind_ == GridProductKind::VectorGaunt;
  const size_t nf1 = block_.legendre_rows(L1_), nf2 = block_.legendre_rows(L2_),
               nf3 = block_.legendre_rows(L3_), nbuf = vector ? 2 : 1;
  const size_t rows_needed = 2 * (in1_.rows() + in2_.rows()) + out_.rows() +
                             2 * nbuf * (nf1 + nf2) + nf3 + 10 * block_.azimuth_scratch_rows() +
                             std::max(block_.pair_rows(L1_), block_.pair_rows(L2_));
  reserve_each(ws_, rows_needed * Kc);
  const so3::RingBasis b1 = vector ? RingBasis::PolarGradient : RingBasis::Value,
                       b2 = RingBasis::AzimuthalGradient;
  for_each_row("equinet::tp::grid_reverse", rows, ws_, [&](const int64_t r, std::vector<T>& slot) {
    T* X = slot.data();
    T* Y = X + size_t(in1_.rows()) * Kc;
    T* Za = Y + size_t(in2_.rows()) * Kc;
    T* Xa = Za + size_t(out_.rows()) * Kc;
    T* Ya = Xa + size_t(in1_.rows()) * Kc;
    T* FX = Ya + size_t(in2_.rows()) * Kc;  // Legendre rows of x (and its φ-gradient)
    T* FY = FX + nbuf * nf1 * Kc;
    T* GX = FY + nbuf * nf2 * Kc;  // transposed azimuth stage for x_adj (θ, then φ basis)
    T* GY = GX + nbuf * nf1 * Kc;
    T* FZ = GY + nbuf * nf2 * Kc;
    // azimuth sums of z_adj, x (θ, φ), y (θ, φ); Q for x_adj (θ, φ), y_adj (θ, φ)
    const size_t ns = block_.azimuth_scratch_rows() * Kc;
    T *SZ = FZ + nf3 * Kc, *SX = SZ + ns, *SX2 = SX + ns, *SY = SX2 + ns, *SY2 = SY + ns,
      *QX = SY2 + ns, *QX2 = QX + ns, *QY = QX2 + ns, *QY2 = QY + ns, *S = QY2 + ns;
    T* GP = S + block_.azimuth_scratch_rows() * Kc;
    const T* xr = x + size_t(r) * in1_.row_dim();
    const T* yr = y + size_t(r) * in2_.row_dim();
    const T* zr = z_adj + size_t(r) * out_.row_dim();
    T* xar = x_adj + size_t(r) * in1_.row_dim();
    T* yar = y_adj + size_t(r) * in2_.row_dim();
    for (int c0 = 0; c0 < C; c0 += Kc) {
      in1_.gather(xr, c0, Kc, X);
      in2_.gather(yr, c0, Kc, Y);
      out_.gather(zr, c0, Kc, Za);
      block_.template legendre_synthesis<K>(RingBasis::Value, out_.order(), Za, FZ);
      legendre_operands<K>(block_, vector, b1, in1_, in2_, X, Y, nf1, nf2, FX, FY);
      for (int i = 0; i < np; ++i) {
        const size_t o1 = size_t(i) * (2 * L1_ + 1) * Kc, o2 = size_t(i) * (2 * L2_ + 1) * Kc;
        const vec w = Ln::splat(grid_.weight(i));  // adjoint of the projection
        block_.template azimuth_sums<K>(L3_, FZ + size_t(i) * (2 * L3_ + 1) * Kc, SZ);
        block_.template azimuth_sums<K>(L1_, FX + o1, SX);
        block_.template azimuth_sums<K>(L2_, FY + o2, SY);
        if (!vector) {
          block_.template pointwise<K>({SZ, SX, SY},
                                       [&](const vec(&a)[3][4], vec(&h)[2][4]) {
                                         for (int p = 0; p < 4; ++p) {
                                           const vec ha = w * a[0][p];
                                           h[0][p] = ha * a[2][p];
                                           h[1][p] = ha * a[1][p];
                                         }
                                       },
                                       {QX, QY});
          block_.template azimuth_project<K>(L1_, QX, GX + o1);
          block_.template azimuth_project<K>(L2_, QY, GY + o2);
        } else {
          // h = Aθ Bφ - Aφ Bθ
          block_.template azimuth_sums<K>(L1_, FX + nf1 * Kc + o1, SX2);
          block_.template azimuth_sums<K>(L2_, FY + nf2 * Kc + o2, SY2);
          block_.template pointwise<K>({SZ, SX, SX2, SY, SY2},
                                       [&](const vec(&a)[5][4], vec(&h)[4][4]) {
                                         for (int p = 0; p < 4; ++p) {
                                           const vec ha = w * a[0][p];
                                           h[0][p] = ha * a[4][p];   // x_adj, θ basis: Ha Bφ
                                           h[1][p] = -ha * a[3][p];  // x_adj, φ basis: -Ha Bθ
                                           h[2][p] = -ha * a[2][p];  // y_adj, θ basis: -Ha Aφ
                                           h[3][p] = ha * a[1][p];   // y_adj, φ basis: Ha Aθ
                                         }
                                       },
                                       {QX, QX2, QY, QY2});
          block_.template azimuth_project<K>(L1_, QX, GX + o1);
          block_.template azimuth_project<K>(L1_, QX2, GX + nf1 * Kc + o1);
          block_.template azimuth_project<K>(L2_, QY, GY + o2);
          block_.template azimuth_project<K>(L2_, QY2, GY + nf2 * Kc + o2);
        }
      }
      block_.template legendre_transpose<K>(b1, in1_.order(), GX, GP, Xa, false);
      block_.template legendre_transpose<K>(b1, in2_.order(), GY, GP, Ya, false);
      if (vector) {
        block_.template legendre_transpose<K>(b2, in1_.order(), GX + nf1 * Kc, GP, Xa, true);
        block_.template legendre_transpose<K>(b2, in2_.order(), GY + nf2 * Kc, GP, Ya, true);
      }
      in1_.scatter(Xa, c0, Kc, xar);
      in2_.scatter(Ya, c0, Kc, yar);
    }
  });
}

}  // namespace

template <typename T>
GridKernels<T>* make_grid_kernels(GridProductKind kind, const so3::Irreps& in1,
                                  const so3::Irreps& in2, const so3::Irreps& out) {
  return new GridKernelsImpl<T>(kind, in1, in2, out);
}
template GridKernels<float>* make_grid_kernels(GridProductKind, const so3::Irreps&,
                                               const so3::Irreps&, const so3::Irreps&);
template GridKernels<double>* make_grid_kernels(GridProductKind, const so3::Irreps&,
                                                const so3::Irreps&, const so3::Irreps&);

}  // namespace equinet::tp::detail
