// The feature layout of every model buffer and tensor-product row: blocks in irreps order, each stored "m-major" as
// [2l+1][mul] (channel innermost, contiguous for vector loops). e3nn's
// "mul_ir" layout is [mul][2l+1]; convert only at the boundaries.
#pragma once

#include <vector>

#include "equinet/so3/irreps.hpp"

namespace equinet::so3 {

struct FeatureLayout {
  Irreps irreps;
  std::vector<int> offsets;  // start of each block in a row
  int dim = 0;

  FeatureLayout() = default;
  explicit FeatureLayout(Irreps ir) : irreps(std::move(ir)) {
    for (const auto& b : irreps.blocks()) {
      offsets.push_back(dim);
      dim += b.dim();
    }
  }
  // position of (block, m, u) in a row, m in 0..2l
  int at(int block, int m, int u) const { return offsets[block] + m * irreps[block].mul + u; }
  // position of the same element in e3nn's mul_ir layout
  int at_mul_ir(int block, int m, int u) const {
    return offsets[block] + u * irreps[block].ir.dim() + m;
  }
};

}  // namespace equinet::so3
