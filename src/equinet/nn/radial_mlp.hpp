// e3nn's FullyConnectedNet as MACE uses it for the radial weights: layers
// h <- act(h W_k / sqrt(fan_in)), no bias, act = silu normalised to unit
// second moment, no activation after the last layer. Batched over rows with
// dense matrix products; keeps pre-activations for the reverse pass.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace equinet::nn {

// e3nn's normalize2mom constant for silu: 1/sqrt(E[silu(z)^2]) estimated by
// e3nn from 10^6 draws of torch.randn(generator=manual_seed(0), float64).
// Reproduced here as a number because the exact Monte-Carlo estimate (not the
// integral) is what trained models were built with.
inline constexpr double kSiluSecondMoment = 0.35465587083088085;

template <typename T>
T normalized_silu_constant();

template <typename T>
class RadialMLP {
 public:
  RadialMLP() = default;
  // weights[k]: [in_k][out_k] row-major; widths = {in, hidden..., out}.
  RadialMLP(std::vector<int> widths, const std::vector<std::vector<double>>& weights,
            const std::string& what);

  int in_dim() const { return widths_.front(); }
  int out_dim() const { return widths_.back(); }
  int64_t flops_per_row() const;

  // What forward() keeps of one batch of rows for reverse(): the hidden
  // pre-activations, plus scratch. Grown to the largest batch, then reused.
  struct Workspace {
    std::vector<T> pre, a, b;
  };
  // Grows ws for batches of up to `rows` rows (so that later calls with
  // fewer rows allocate nothing, whichever thread's workspace they use).
  void reserve(int64_t rows, Workspace& ws) const;
  // x: rows x in, y: rows x out, one batch on the calling thread (callers
  // run batches in parallel, a workspace in each slot of their
  // detail::ThreadWorkspace, as ConvTP::Workspace holds one).
  void forward(int64_t rows, const T* x, T* y, Workspace& ws) const;
  // x_adj = (dy/dx)ᵀ y_adj for the rows of the last forward() with ws.
  void reverse(int64_t rows, const T* y_adj, T* x_adj, Workspace& ws) const;
  // Forward mode: y and the directional derivative dy = (dy/dx) dx, row by
  // row (used to tabulate radial functions; not a hot path).
  void forward_tangent(int64_t rows, const T* x, const T* dx, T* y, T* dy) const;

 private:
  std::vector<int> widths_;
  std::vector<std::vector<T>> weights_;  // scaled by 1/sqrt(fan_in)
  std::vector<int64_t> pre_offsets_;     // per hidden layer, in units of rows
  int widest_ = 0;
  T act_c_ = 1;
};

}  // namespace equinet::nn
