// One block of Kc channels of a feature row in e3nn's mul_ir layout
// [block][C][2l+1], gathered into (and scattered from) the m-parity order of
// so3/s2_grid_block.hpp: rows of Kc values, channel fastest. Channels past C
// (the last block when Kc does not divide C) are zero on gather and not
// written on scatter; so are absent degrees.
#pragma once

#include <algorithm>
#include <cmath>
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
    std::vector<int> off(size_t(L) + 1, -1);
    for (size_t b = 0; b < irreps.size(); ++b) off[irreps[b].ir.l] = irreps.offset(b);
    for (int i = 0; i < order_.size(); ++i) {
      const int lm = order_.lm(i), l = int(std::lround(std::floor(std::sqrt(double(lm))))),
                m = lm - l * l - l;
      base_.push_back(off[l] < 0 ? -1 : off[l] + m + l);
      dim_.push_back(2 * l + 1);
    }
  }
  const so3::MParityOrder& order() const { return order_; }
  int channels() const { return C_; }
  int row_dim() const { return row_dim_; }
  int rows() const { return order_.size(); }

  // Xm[i*Kc + k] = x[base_i + (c0+k) dim_i], 0 past C or for absent degrees.
  template <typename T>
  void gather(const T* x, int c0, int Kc, T* Xm) const {
    const int n = std::min(Kc, C_ - c0);
    for (int i = 0; i < order_.size(); ++i) {
      T* d = Xm + size_t(i) * Kc;
      if (base_[i] < 0) {
        std::fill(d, d + Kc, T(0));
        continue;
      }
      const T* s = x + base_[i] + size_t(c0) * dim_[i];
      for (int k = 0; k < n; ++k) d[k] = s[size_t(k) * dim_[i]];
      for (int k = n; k < Kc; ++k) d[k] = T(0);
    }
  }
  // x[base_i + (c0+k) dim_i] = Zm[i*Kc + k] for present degrees and channels < C.
  template <typename T>
  void scatter(const T* Zm, int c0, int Kc, T* x) const {
    const int n = std::min(Kc, C_ - c0);
    for (int i = 0; i < order_.size(); ++i) {
      if (base_[i] < 0) continue;
      const T* s = Zm + size_t(i) * Kc;
      T* d = x + base_[i] + size_t(c0) * dim_[i];
      for (int k = 0; k < n; ++k) d[size_t(k) * dim_[i]] = s[k];
    }
  }

 private:
  so3::MParityOrder order_;
  int C_ = 0, row_dim_ = 0;
  std::vector<int> base_, dim_;
};

}  // namespace equinet::tp::detail
