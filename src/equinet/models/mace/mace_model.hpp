// A MACE model (mace-torch's ScaleShiftMACE / MACE) evaluated natively:
// forward blocks layer by layer, then the hand-written reverse (adjoint)
// pass in exact reverse order, ending in edge forces dE/dr_e.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "equinet/models/common/edge_graph.hpp"
#include "equinet/models/common/model_outputs.hpp"
#include "equinet/models/mace/conv_tp.hpp"
#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/mace_weights.hpp"
#include "equinet/models/mace/symmetric_contraction.hpp"
#include "equinet/nn/irreps_linear.hpp"
#include "equinet/nn/radial_basis.hpp"
#include "equinet/nn/radial_mlp.hpp"
#include "equinet/nn/radial_table.hpp"

namespace equinet {
class GhostExchange;
}

namespace equinet::mace {

struct MaceOptions {
  // 0: radial MLPs evaluated exactly (default). N > 0: each layer's radial
  // weights tabulated on N cubic Hermite intervals of [0, r_max].
  int radial_table_intervals = 0;
};

template <typename T>
class MaceModel {
 public:
  // Blocks built from the arrays of read_mace_weights(file, config).
  MaceModel(const MaceWeights& weights, const MaceConfig& config, const MaceOptions& options = {});

  const MaceConfig& config() const { return config_; }
  int64_t num_parameters() const { return num_parameters_; }
  int max_exchange_width() const;

  // Energies of nodes [0, g.n_local); edge forces when `gradients`.
  // With `exchange`, ghost node features are filled between layers and their
  // adjoints sent back in the reverse pass.
  void evaluate(const EdgeGraph<T>& g, GhostExchange* exchange, bool gradients,
                models::ModelOutputs<T>& out);

  // Intermediate node features of the last evaluate(), for tests: stage is
  // "messages" (after the convolution), "A" (after the linear), "B" (after
  // the symmetric contraction) or "h" (layer output); m-major rows.
  struct Features {
    const T* data;
    so3::Irreps irreps;
  };
  Features features(size_t layer, const std::string& stage) const;
  size_t num_layers() const { return layers_.size(); }

 private:
  struct Layer {
    bool residual = true;
    so3::Irreps in_irreps, target_irreps, out_irreps;
    nn::IrrepsLinear<T> skip, linear_up, linear, product_linear;
    nn::RadialMLP<T> radial;
    nn::RadialTable<T> table;  // replaces `radial` when not empty
    ConvTP<T> conv;
    SymmetricContraction<T> contraction;
    // readout: linear (intermediate) or linear_1 -> silu -> linear_2 (last)
    nn::IrrepsLinear<T> readout_1, readout_2;
    bool nonlinear_readout = false;
    // buffers
    std::vector<T> h_up, K, M, A0, A, B, sc, h_out, r_hidden, r_pre;
    std::vector<T> h_up_adj, M_adj, A0_adj, A_adj, B_adj, h_out_adj;
    typename ConvTP<T>::Workspaces conv_ws;
  };
  void forward_layer(size_t l, const EdgeGraph<T>& g, const T* h_in);
  void reverse_layer(size_t l, const EdgeGraph<T>& g, T* h_in_adj);
  void readout_forward(Layer& L, int64_t n, std::vector<double>& node_sum);
  void readout_reverse(Layer& L, int64_t n, T* h_out_adj);

  MaceConfig config_;
  int64_t num_parameters_ = 0;
  nn::BesselEnvelope<T> radial_basis_;
  std::vector<T> embedding_;  // [element][n_scalar]
  std::vector<Layer> layers_;
  T scale_ = 1, shift_ = 0;
  T act_c_ = 1;
  // per-evaluation buffers (grown, never shrunk)
  std::vector<T> lengths_, Y_, dY_, feats_, dfeats_, Y_adj_, r_adj_, h0_;
  bool tabulated_ = false;
  std::vector<std::vector<T>> h_in_adj_;
};

}  // namespace equinet::mace
