// e3nn's nn.Gate as mace's non-linear interaction block builds it, on m-major
// rows: the input is [ (n_scalars + n_gates) x 0e | gated blocks (l > 0) ],
// the output [ n_scalars x 0e | gated blocks ]:
//   y_s = c_silu silu(x_s),   y_b[m][u] = x_b[m][u] * c_sig sigmoid(g_b[u])
// with the gates g in the order of the gated blocks and e3nn's normalize2mom
// constants c (the Monte-Carlo estimates e3nn computes, as numbers).
#pragma once

#include <cstdint>

#include "equinet/so3/feature_layout.hpp"

namespace equinet::nn {

// e3nn's normalize2mom estimate 1/c^2 = E[sigmoid(z)^2] (10^6 draws of
// torch.randn, generator seed 0, float64), as for silu in radial_mlp.hpp.
inline constexpr double kSigmoidSecondMoment = 0.29322750063850167;

template <typename T>
class Gate {
 public:
  Gate() = default;
  // out: the gate's output irreps (0e scalars first, then the gated blocks).
  explicit Gate(const so3::Irreps& out);

  const so3::FeatureLayout& in() const { return in_; }
  const so3::FeatureLayout& out() const { return out_; }

  // rows [begin, end) of x (in().dim wide) -> y (out().dim wide)
  void forward(int64_t begin, int64_t end, const T* x, T* y) const;
  // x_adj (=) from y_adj, for the rows' inputs x
  void reverse(int64_t begin, int64_t end, const T* x, const T* y_adj, T* x_adj) const;

 private:
  so3::FeatureLayout in_, out_;
  int n_scalars_ = 0;
  T c_silu_ = 1, c_sigmoid_ = 1;
};

}  // namespace equinet::nn
