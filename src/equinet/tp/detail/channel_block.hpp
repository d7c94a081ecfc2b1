// One block of Kc channels of a feature row in the m-major layout
// (so3::FeatureLayout: [block][2l+1][C]), gathered into (and scattered from)
// the m-parity order of so3/s2_grid_block.hpp: rows of Kc values, channel
// fastest, so each (l, m) is one contiguous copy. Channels past C (the last
// block when Kc does not divide C) are zero on gather and not written on
// scatter; so are absent degrees.
#pragma once

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "equinet/so3/irreps.hpp"
#include "equinet/so3/s2_grid_block.hpp"

namespace equinet::tp::detail {

class ChannelBlockLayout {
 public:
  ChannelBlockLayout() = default;
  // `irreps`: one block per degree at most (a spherical function), degrees <= L.
  ChannelBlockLayout(const so3::Irreps& irreps, int L) : order_(L), row_dim_(irreps.dim()) {
    C_ = irreps.size() ? irreps[0].mul : 0;
    std::vector<int> row_of_lm(size_t(order_.size()));
    for (int i = 0; i < order_.size(); ++i) row_of_lm[order_.lm(i)] = i;
    std::vector<bool> present(size_t(L) + 1, false);
    for (size_t b = 0; b < irreps.size(); ++b) {
      const int l = irreps[b].ir.l;
      present[l] = true;
      Block blk{irreps.offset(b), 2 * l + 1, {}};
      for (int m = -l; m <= l; ++m) blk.rows.push_back(row_of_lm[l * l + l + m]);
      blocks_.push_back(blk);
    }
    for (int l = 0; l <= L; ++l)
      if (!present[l])
        for (int m = -l; m <= l; ++m) absent_rows_.push_back(row_of_lm[l * l + l + m]);
  }
  const so3::MParityOrder& order() const { return order_; }
  int channels() const { return C_; }
  int row_dim() const { return row_dim_; }
  int rows() const { return order_.size(); }

  // Xm[row(l,m)*Kc + k] = x[offset_l + (l+m) C + c0+k], 0 past C or for
  // absent degrees.
  template <typename T>
  void gather(const T* x, int c0, int Kc, T* Xm) const {
    const int n = std::min(Kc, C_ - c0);
    for (const Block& b : blocks_)
      for (int m = 0; m < b.dim; ++m) {
        T* d = Xm + size_t(b.rows[m]) * Kc;
        std::copy_n(x + b.offset + size_t(m) * C_ + c0, n, d);
        std::fill(d + n, d + Kc, T(0));
      }
    for (int i : absent_rows_) std::fill(Xm + size_t(i) * Kc, Xm + size_t(i + 1) * Kc, T(0));
  }
  // x[offset_l + (l+m) C + c0+k] = Zm[row(l,m)*Kc + k] for present degrees
  // and channels < C.
  template <typename T>
  void scatter(const T* Zm, int c0, int Kc, T* x) const {
    const int n = std::min(Kc, C_ - c0);
    for (const Block& b : blocks_)
      for (int m = 0; m < b.dim; ++m)
        std::copy_n(Zm + size_t(b.rows[m]) * Kc, n, x + b.offset + size_t(m) * C_ + c0);
  }

 private:
  so3::MParityOrder order_;
  int C_ = 0, row_dim_ = 0;
  struct Block {
    int offset, dim;
    std::vector<int> rows;  // row of component m (0..2l) in the m-parity order
  };
  std::vector<Block> blocks_;
  std::vector<int> absent_rows_;
};

// f(integral_constant<int, K>) with K registers of lanes per channel block:
// 4, or 2 when C channels fit in two registers (wide vectors, few channels),
// so that a block does not compute mostly padding.
template <typename T, class F>
void with_block_registers(int C, const F& f) {
  if (C <= 2 * so3::S2GridBlock<T>::W)
    f(std::integral_constant<int, 2>());
  else
    f(std::integral_constant<int, 4>());
}

}  // namespace equinet::tp::detail
