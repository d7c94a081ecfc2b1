// The part of mace-torch's `extract_config_mace_model` that a native MACE
// evaluation needs, parsed and validated from a MACE interchange file.
#pragma once

#include <string>
#include <vector>

#include "equinet/so3/irreps.hpp"

namespace equinet::mace {

// mace's interaction blocks (mace/modules/blocks.py).
enum class InteractionKind {
  Plain,              // RealAgnosticInteractionBlock: skip_tp on the messages
  Residual,           // RealAgnosticResidualInteractionBlock
  Density,            // RealAgnosticDensityInteractionBlock: / (Σ density + 1)
  DensityResidual,    // RealAgnosticDensityResidualInteractionBlock
  ResidualNonLinear,  // RealAgnosticResidualNonLinearInteractionBlock
};
const char* interaction_class_name(InteractionKind kind);
bool is_residual(InteractionKind kind);

// mace's RadialEmbeddingBlock distance transforms (mace/modules/radial.py).
enum class DistanceTransform { None, Agnesi, Soft };

// One entry of `embedding_specs` (mace GenericJointEmbedding): a categorical
// per-structure input, embedded as weight[value + offset].
struct EmbeddingSpec {
  std::string name;  // "total_charge" or "total_spin"
  int num_classes = 0, emb_dim = 0, offset = 0;
};

struct MaceConfig {
  std::string model_class;  // "ScaleShiftMACE" or "MACE"
  double r_max = 0;
  int num_bessel = 0;
  int num_polynomial_cutoff = 0;
  int max_ell = 0;
  int num_interactions = 0;
  std::vector<int> correlation;  // one per layer
  std::vector<int> atomic_numbers;
  std::vector<InteractionKind> interactions;  // one per layer
  std::vector<std::string> heads;             // {"Default"} for a one-head model
  // [head][element]; scale and shift per head (1 and 0 for class MACE)
  std::vector<std::vector<double>> atomic_energies;
  std::vector<double> scale, shift;
  double avg_num_neighbors = 1;
  so3::Irreps hidden_irreps;
  so3::Irreps mlp_irreps;
  so3::Irreps edge_irreps;  // empty: the layer's node irreps
  bool use_edge_irreps_first = false;
  bool use_agnostic_product = false;  // one set of contraction weights for every element
  bool use_last_readout_only = false;
  bool use_embedding_readout = false;
  std::vector<int> radial_mlp;
  bool apply_cutoff = true;  // false: the cutoff multiplies the radial MLPs' outputs
  bool pair_repulsion = false;
  DistanceTransform distance_transform = DistanceTransform::None;
  std::vector<EmbeddingSpec> embedding_specs;  // in the config's order
};

// Parses the JSON text of `equinet.config`; every unsupported value is
// refused with an equinet::Error naming `file`, the key and the value.
MaceConfig parse_mace_config(const std::string& json_text, const std::string& file);

}  // namespace equinet::mace
