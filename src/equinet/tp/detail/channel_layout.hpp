// Conversion of one feature row between e3nn's mul_ir layout [block][C][2l+1]
// and the kernels' layout [component][C] (channel fastest, so that every
// inner loop runs over contiguous channels and vectorises).
#pragma once

#include <algorithm>
#include <vector>

#include "equinet/so3/irreps.hpp"

namespace equinet::tp::detail {

class ChannelLayout {
 public:
  ChannelLayout() = default;
  // `spherical`: component index l*l+l+m (blocks are degrees of one spherical
  // function, missing degrees stay zero, n_components = (lmax+1)^2);
  // otherwise blocks are stacked in order.
  ChannelLayout(const so3::Irreps& irreps, bool spherical) : row_dim_(irreps.dim()) {
    C_ = irreps.size() ? irreps[0].mul : 0;
    int next = 0;
    for (size_t b = 0; b < irreps.size(); ++b) {
      const int l = irreps[b].ir.l;
      blocks_.push_back({irreps.offset(b), spherical ? l * l : next, 2 * l + 1});
      next += 2 * l + 1;
      n_components_ = std::max(n_components_, spherical ? (l + 1) * (l + 1) : next);
    }
  }
  int channels() const { return C_; }
  int row_dim() const { return row_dim_; }
  int n_components() const { return n_components_; }
  // component where block b starts
  int component(int block) const { return blocks_[block].component; }

  // X[comp*C + c] = x[offset + c*d + m]; components of absent degrees = 0.
  template <typename T>
  void pack(const T* x, T* X) const {
    std::fill(X, X + size_t(n_components_) * C_, T(0));
    for (const auto& b : blocks_)
      for (int c = 0; c < C_; ++c)
        for (int m = 0; m < b.dim; ++m)
          X[size_t(b.component + m) * C_ + c] = x[b.offset + c * b.dim + m];
  }
  // x[offset + c*d + m] = X[comp*C + c] (overwrites the whole row).
  template <typename T>
  void unpack(const T* X, T* x) const {
    for (const auto& b : blocks_)
      for (int c = 0; c < C_; ++c)
        for (int m = 0; m < b.dim; ++m)
          x[b.offset + c * b.dim + m] = X[size_t(b.component + m) * C_ + c];
  }

 private:
  struct Block {
    int offset, component, dim;
  };
  std::vector<Block> blocks_;
  int C_ = 0, row_dim_ = 0, n_components_ = 0;
};

}  // namespace equinet::tp::detail
