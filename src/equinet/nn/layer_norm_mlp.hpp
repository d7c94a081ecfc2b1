// mace's RadialMLP (ESEN/FairChem style, mace/modules/radial.py): torch
// Linear (with bias) -> LayerNorm -> SiLU for every hidden layer, a plain
// Linear last; batched over rows. Used by the non-linear interaction block
// for its radial weights and its density. Input adjoints only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace equinet::nn {

// torch's arrays of one layer: weight [out][in] (row-major), bias [out];
// layer_norm_weight/bias [out] for every layer but the last.
struct LayerNormMLPLayer {
  std::vector<double> weight, bias, layer_norm_weight, layer_norm_bias;
};

template <typename T>
class LayerNormMLP {
 public:
  using Layer = LayerNormMLPLayer;
  static constexpr double kLayerNormEps = 1e-5;  // torch.nn.LayerNorm's default

  LayerNormMLP() = default;
  // widths = {in, hidden..., out}; `what` names the module in errors.
  LayerNormMLP(std::vector<int> widths, const std::vector<Layer>& layers, const std::string& what);

  int in_dim() const { return widths_.empty() ? 0 : widths_.front(); }
  int out_dim() const { return widths_.empty() ? 0 : widths_.back(); }
  int64_t flops_per_row() const;

  // Kept by forward() for reverse(): per hidden layer the normalised values
  // and the SiLU inputs, and each row's 1/std; grown to the largest batch.
  struct Workspace {
    std::vector<T> xhat, pre, inv_std, a, b;
  };
  void reserve(int64_t rows, Workspace& ws) const;
  // x: rows x in, y: rows x out.
  void forward(int64_t rows, const T* x, T* y, Workspace& ws) const;
  // x_adj = (dy/dx)ᵀ y_adj for the rows of the last forward() with ws.
  void reverse(int64_t rows, const T* y_adj, T* x_adj, Workspace& ws) const;
  // y and dy = (dy/dx) dx (forward mode, one direction per row; allocates:
  // for tabulation, not for time steps).
  void forward_tangent(int64_t rows, const T* x, const T* dx, T* y, T* dy) const;

 private:
  std::vector<int> widths_;
  std::vector<std::vector<T>> weight_, bias_, gamma_, beta_;
  int widest_ = 0;
  int64_t hidden_total_ = 0;  // Σ hidden widths (per row of xhat/pre)
};

}  // namespace equinet::nn
