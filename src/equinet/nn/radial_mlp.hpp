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

  // x: rows x in, y: rows x out. Keeps activations for reverse() when
  // keep_activations (buffers grow to `rows` once).
  void forward(int64_t rows, const T* x, T* y, bool keep_activations);
  // x_adj = (dy/dx)ᵀ y_adj for the rows of the last forward().
  void reverse(int64_t rows, const T* y_adj, T* x_adj);
  // Forward mode: y and the directional derivative dy = (dy/dx) dx, row by
  // row (used to tabulate radial functions; not a hot path).
  void forward_tangent(int64_t rows, const T* x, const T* dx, T* y, T* dy) const;

 private:
  void grow_scratch(int64_t rows);  // two ping-pong buffers of rows x widest layer
  std::vector<int> widths_;
  std::vector<std::vector<T>> weights_;  // scaled by 1/sqrt(fan_in)
  std::vector<std::vector<T>> pre_;      // pre-activations of hidden layers
  std::vector<std::vector<T>> post_;     // inputs to each layer
  std::vector<T> scratch_a_, scratch_b_;
  T act_c_ = 1;
};

}  // namespace equinet::nn
