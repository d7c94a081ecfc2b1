// A MACE model (mace-torch's ScaleShiftMACE / MACE, one head) evaluated
// natively: forward blocks layer by layer, then the hand-written reverse
// (adjoint) pass in exact reverse order, ending in edge forces dE/dr_e.
// Interaction blocks: RealAgnostic{,Residual,Density,DensityResidual,
// ResidualNonLinear}InteractionBlock; ZBL pair repulsion, Agnesi/Soft
// distance transforms, charge/spin embeddings (mace_config.hpp).
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
#include "equinet/models/mace/radial_embedding.hpp"
#include "equinet/models/mace/symmetric_contraction.hpp"
#include "equinet/nn/gate.hpp"
#include "equinet/nn/irreps_linear.hpp"
#include "equinet/nn/layer_norm_mlp.hpp"
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
  // Blocks built from the arrays of read_mace_weights(file, config, head).
  MaceModel(const MaceWeights& weights, const MaceConfig& config, const MaceOptions& options = {});

  const MaceConfig& config() const { return config_; }
  int head() const { return head_; }
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
    InteractionKind kind = InteractionKind::Residual;
    bool residual = true, density = false, nonlinear = false;
    bool readout = true, nonlinear_readout = false;
    so3::Irreps in_irreps, edge_irreps, target_irreps, out_irreps;
    nn::IrrepsLinear<T> skip, linear_up, linear, product_linear;
    nn::RadialMLP<T> radial;
    nn::RadialTable<T> table;  // replaces `radial` when not empty
    ConvTP<T> conv;
    SymmetricContraction<T> contraction;
    // Density blocks: density_fn's weights (1/sqrt(n_basis) folded in)
    std::vector<T> density_w;
    // ResidualNonLinear blocks
    nn::LayerNormMLP<T> net, density_net;
    std::vector<T> source_rows, target_rows;  // [species][scalars]
    T alpha = 0, beta = 0;
    nn::IrrepsLinear<T> linear_res, linear_1, linear_2;
    nn::Gate<T> gate;
    // readout: linear (intermediate) or linear_1 -> silu -> linear_2 (last)
    nn::IrrepsLinear<T> readout_1, readout_2;
    // buffers
    std::vector<T> h_up, K, M, A0, A, B, sc, h_out, r_hidden, r_pre;
    std::vector<T> edge_density, edge_density_dr, divisor, Q, G, gated;
    std::vector<T> h_up_adj, M_adj, A0_adj, A_adj, B_adj, h_out_adj, G_adj, divisor_adj;
    typename ConvTP<T>::Workspaces conv_ws;
  };
  struct DensityWorkspace {
    std::vector<T> rows, out, ones, rows_adj;
    typename nn::LayerNormMLP<T>::Workspace net;
  };
  void forward_layer(size_t l, const EdgeGraph<T>& g, const T* h_in, bool gradients);
  void reverse_layer(size_t l, const EdgeGraph<T>& g, T* h_in_adj);
  void edge_densities(Layer& L, const EdgeGraph<T>& g, bool gradients);
  EdgeNetInputs<T> net_inputs(const Layer& L) const;
  void readout_forward(Layer& L, int64_t n, std::vector<double>& node_sum);
  void readout_reverse(Layer& L, int64_t n, T* h_out_adj);
  void embed_nodes(const EdgeGraph<T>& g);

  MaceConfig config_;
  int head_ = 0;
  int64_t num_parameters_ = 0;
  RadialEmbedding<T> radial_;
  std::vector<T> embedding_;  // [element][n_scalar]
  // charge/spin embeddings: per spec [class][emb_dim]; projection [K][Σ emb_dim]
  std::vector<std::vector<T>> embedders_;
  std::vector<T> embedding_project_;
  nn::IrrepsLinear<T> embedding_readout_;
  std::vector<double> atomic_energies_;
  std::vector<Layer> layers_;
  T scale_ = 1, shift_ = 0;
  T act_c_ = 1;
  // per-evaluation buffers (grown, never shrunk)
  std::vector<T> lengths_, Y_, dY_, feats_, dfeats_, cutoff_, dcutoff_, Y_adj_, r_adj_, h0_;
  std::vector<T> zbl_dr_, joint_;
  std::vector<int> agnostic_species_;  // all zero: use_agnostic_product
  bool tabulated_ = false;
  std::vector<std::vector<T>> h_in_adj_;
  detail::ThreadWorkspace<DensityWorkspace> density_ws_;
};

}  // namespace equinet::mace
