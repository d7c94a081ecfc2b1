// e3nn's o3.Linear (and FullyConnectedTensorProduct with one-hot element
// attributes, i.e. a linear map chosen per element) on m-major features.
//   out[b_out][m][w] = Σ_{b_in: ir(b_in)=ir(b_out)} α_out Σ_u x[b_in][m][u] W[b_in,b_out][u][w]
// with α_out = 1/sqrt(fan-in of b_out) ("element" path normalisation).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "equinet/so3/feature_layout.hpp"

namespace equinet::nn {

template <typename T>
class IrrepsLinear {
 public:
  IrrepsLinear() = default;
  // weights: the e3nn flat weight vector, instructions ordered (i_in, i_out);
  // each instruction holds `num_sets` blocks [mul_in][num_sets][mul_out] when
  // num_sets > 1 (FullyConnectedTensorProduct with num_sets x 0e attributes)
  // or [mul_in][mul_out] when num_sets == 1 (o3.Linear). `what` names the
  // tensor in errors.
  IrrepsLinear(const so3::Irreps& in, const so3::Irreps& out, const std::vector<double>& weights,
               int num_sets, const std::string& what);

  static int64_t weight_count(const so3::Irreps& in, const so3::Irreps& out, int num_sets);

  const so3::FeatureLayout& in() const { return in_; }
  const so3::FeatureLayout& out() const { return out_; }

  // rows [begin, end): y[row] (+)= linear(x[row]) with weight set set_of[row]
  // (set_of may be null when num_sets == 1). Strides are row widths.
  void forward(int64_t begin, int64_t end, const T* x, int x_stride, T* y, int y_stride,
               const int* set_of, bool accumulate) const;
  // x_adj[row] += linearᵀ(y_adj[row])
  void reverse(int64_t begin, int64_t end, const T* y_adj, int y_stride, T* x_adj, int x_stride,
               const int* set_of) const;

 private:
  struct Path {
    int block_in, block_out;
    std::vector<T> w;   // [set][mul_in][mul_out], α folded in
    std::vector<T> wt;  // [set][mul_out][mul_in] (for the reverse pass)
  };
  so3::FeatureLayout in_, out_;
  int num_sets_ = 1;
  std::vector<Path> paths_;
};

}  // namespace equinet::nn
