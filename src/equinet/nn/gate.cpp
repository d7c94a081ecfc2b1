#include "equinet/nn/gate.hpp"

#include <cmath>

#include "equinet/error.hpp"
#include "equinet/nn/radial_mlp.hpp"

namespace equinet::nn {
namespace {

template <typename T>
inline T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

}  // namespace

template <typename T>
Gate<T>::Gate(const so3::Irreps& out)
    : out_(out),
      c_silu_(normalized_silu_constant<T>()),
      c_sigmoid_(T(1.0 / std::sqrt(kSigmoidSecondMoment))) {
  std::vector<so3::MulIrrep> in_blocks;
  int gates = 0;
  for (size_t b = 0; b < out.size(); ++b) {
    const auto& blk = out[b];
    if (blk.ir.l == 0) {
      if (blk.ir.p != 1 || b != 0) throw Error("gate: scalars must be one leading 0e block");
      n_scalars_ = blk.mul;
    } else {
      gates += blk.mul;
    }
  }
  in_blocks.push_back({n_scalars_ + gates, so3::Irrep{0, 1}});
  for (size_t b = n_scalars_ > 0 ? 1 : 0; b < out.size(); ++b) in_blocks.push_back(out[b]);
  in_ = so3::FeatureLayout(so3::Irreps(in_blocks));
}

template <typename T>
void Gate<T>::forward(int64_t begin, int64_t end, const T* x, T* y) const {
  const int first = n_scalars_ > 0 ? 1 : 0;
  for (int64_t r = begin; r < end; ++r) {
    const T* xr = x + r * in_.dim;
    T* yr = y + r * out_.dim;
    for (int u = 0; u < n_scalars_; ++u) yr[u] = c_silu_ * xr[u] * sigmoid(xr[u]);
    const T* gate = xr + n_scalars_;
    for (size_t b = size_t(first); b < out_.irreps.size(); ++b) {
      const int mul = out_.irreps[b].mul, d = out_.irreps[b].ir.dim();
      const T* xb = xr + in_.offsets[b - first + 1];
      T* yb = yr + out_.offsets[b];
      for (int m = 0; m < d; ++m)
        for (int u = 0; u < mul; ++u)
          yb[m * mul + u] = xb[m * mul + u] * c_sigmoid_ * sigmoid(gate[u]);
      gate += mul;
    }
  }
}

template <typename T>
void Gate<T>::reverse(int64_t begin, int64_t end, const T* x, const T* y_adj, T* x_adj) const {
  const int first = n_scalars_ > 0 ? 1 : 0;
  for (int64_t r = begin; r < end; ++r) {
    const T* xr = x + r * in_.dim;
    const T* gr = y_adj + r * out_.dim;
    T* ar = x_adj + r * in_.dim;
    for (int u = 0; u < n_scalars_; ++u) {
      const T s = sigmoid(xr[u]);
      ar[u] = gr[u] * c_silu_ * s * (T(1) + xr[u] * (T(1) - s));
    }
    const T* gate = xr + n_scalars_;
    T* gate_adj = ar + n_scalars_;
    for (size_t b = size_t(first); b < out_.irreps.size(); ++b) {
      const int mul = out_.irreps[b].mul, d = out_.irreps[b].ir.dim();
      const int off = in_.offsets[b - first + 1];
      const T* xb = xr + off;
      const T* gb = gr + out_.offsets[b];
      T* ab = ar + off;
      for (int u = 0; u < mul; ++u) {
        const T s = sigmoid(gate[u]);
        T acc = 0;
        for (int m = 0; m < d; ++m) {
          ab[m * mul + u] = gb[m * mul + u] * c_sigmoid_ * s;
          acc += gb[m * mul + u] * xb[m * mul + u];
        }
        gate_adj[u] = acc * c_sigmoid_ * s * (T(1) - s);
      }
      gate += mul;
      gate_adj += mul;
    }
  }
}

template class Gate<float>;
template class Gate<double>;

}  // namespace equinet::nn
