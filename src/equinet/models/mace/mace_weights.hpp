// The trained arrays of a MACE model, read from a MACE interchange file
// (every tensor under its mace-torch state-dict key) and validated against
// the configuration: the blocks (IrrepsLinear, RadialMLP,
// SymmetricContraction, ...) are built from these arrays, never from the file.
// A multi-head model is read for one head: its E0s, scale/shift and readout
// columns (as mace's remove_pt_head extracts a head).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/symmetric_contraction.hpp"
#include "equinet/nn/layer_norm_mlp.hpp"
#include "equinet/nn/weight_array.hpp"
#include "equinet/so3/irreps.hpp"

namespace equinet::io {
class SafetensorsFile;
}

namespace equinet::mace {

using nn::WeightArray;

struct MaceLayerWeights {
  WeightArray linear_up;                // interactions.<l>.linear_up.weight
  std::vector<WeightArray> radial_mlp;  // interactions.<l>.conv_tp_weights.layer<k>.weight
  WeightArray linear;                   // interactions.<l>.linear.weight
  WeightArray skip;                     // interactions.<l>.skip_tp.weight
  WeightArray density;                  // Density blocks: interactions.<l>.density_fn.layer0.weight
  // ResidualNonLinear blocks
  double alpha = 0, beta = 0;
  WeightArray source_embedding, target_embedding, linear_res, linear_1, linear_2;
  std::vector<nn::LayerNormMLPLayer> radial_net,
      density_net;  // conv_tp_weights, density_fn
  SymmetricContractionWeights contraction;
  WeightArray product_linear;  // products.<l>.linear.weight
  // readouts.<l> for the selected head: linear (a linear readout) or
  // linear_1 and linear_2 (the last layer of a model with more than one
  // layer); empty when the layer has no readout (use_last_readout_only)
  WeightArray readout_linear, readout_linear_1, readout_linear_2;
};

// mace's per-edge element-pair functions: the distance transform of the
// radial basis (Agnesi, Soft) and the ZBL pair repulsion.
struct DistanceTransformWeights {
  double q = 0, p = 0, a = 0;          // Agnesi
  double alpha = 0;                    // Soft
  std::vector<double> covalent_radii;  // by atomic number
};
struct ZblWeights {
  std::vector<double> c;  // 4 coefficients
  int p = 0;              // envelope power
  double a_exp = 0, a_prefactor = 0;
  std::vector<double> covalent_radii;  // by atomic number
};

struct MaceWeights {
  std::string source;  // the file the arrays came from (for errors)
  int head = 0;        // the head these arrays are for (index into config.heads)
  // radial embedding
  double r_max = 0;
  int envelope_p = 0;
  double bessel_prefactor = 0;
  WeightArray bessel_weights;
  DistanceTransformWeights distance_transform;
  ZblWeights zbl;              // when config.pair_repulsion
  WeightArray node_embedding;  // node_embedding.linear.weight: elements x channels
  // embedding_specs: joint_embedding.embedders.<name>.weight per spec, and
  // joint_embedding.project.0.weight [channels][Σ emb_dim]
  std::vector<WeightArray> embedders;
  WeightArray embedding_project, embedding_readout;
  std::vector<double> atomic_energies;  // the head's, one per element
  double scale = 1, shift = 0;          // scale_shift (ScaleShiftMACE; 1 and 0 for MACE)
  std::vector<MaceLayerWeights> layers;

  // Trainable parameters of the whole file (every head), as mace counts them.
  int64_t num_parameters = 0;
};

// The feature irreps of one interaction layer, which the weights' shapes follow.
struct MaceLayerIrreps {
  InteractionKind kind = InteractionKind::Residual;
  bool residual = true;  // skip connection around the layer (else skip_tp acts on the messages)
  bool readout = true;   // the layer has a readout
  bool nonlinear_readout = false;
  so3::Irreps in;         // node features into the layer
  so3::Irreps edge;       // linear_up's output: the convolution's node input
  so3::Irreps target;     // convolution output after the linear, the contraction's input
  so3::Irreps nonlinear;  // ResidualNonLinear: the gate's input (scalars, gates, gated)
  so3::Irreps out;        // layer output
};
MaceLayerIrreps mace_layer_irreps(const MaceConfig& config, int layer);

// Reads every tensor the model needs by its mace-torch key, for head `head`;
// a missing tensor, a wrong dtype or shape, or a value that disagrees with
// `config` throws equinet::Error naming the file and the key.
MaceWeights read_mace_weights(const io::SafetensorsFile& file, const MaceConfig& config, int head);

}  // namespace equinet::mace
