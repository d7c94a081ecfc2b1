// The trained arrays of a MACE model, read from a MACE interchange file
// (every tensor under its mace-torch state-dict key) and validated against
// the configuration: the blocks (IrrepsLinear, RadialMLP,
// SymmetricContraction, ...) are built from these arrays, never from the file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/symmetric_contraction.hpp"
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
  SymmetricContractionWeights contraction;
  WeightArray product_linear;  // products.<l>.linear.weight
  // readouts.<l>: linear (a linear readout) or linear_1 and linear_2 (the
  // last layer of a model with more than one layer)
  WeightArray readout_linear, readout_linear_1, readout_linear_2;
};

struct MaceWeights {
  std::string source;  // the file the arrays came from (for errors)
  // radial embedding
  double r_max = 0;
  int envelope_p = 0;
  double bessel_prefactor = 0;
  WeightArray bessel_weights;
  WeightArray node_embedding;   // node_embedding.linear.weight: elements x channels
  WeightArray atomic_energies;  // atomic_energies_fn.atomic_energies: one per element
  double scale = 1, shift = 0;  // scale_shift (ScaleShiftMACE; 1 and 0 for MACE)
  std::vector<MaceLayerWeights> layers;

  // Trainable parameters: every array above except the radial basis, the
  // atomic energies, scale/shift and the (fixed) U matrices.
  int64_t num_parameters() const;
};

// The feature irreps of one interaction layer, which the weights' shapes follow.
struct MaceLayerIrreps {
  bool residual = true;  // skip connection around the layer (else skip_tp acts on the messages)
  so3::Irreps in;        // node features into the layer
  so3::Irreps target;    // convolution output after the linear, the contraction's input
  so3::Irreps out;       // layer output
};
MaceLayerIrreps mace_layer_irreps(const MaceConfig& config, int layer);

// Reads every tensor the model needs by its mace-torch key; a missing
// tensor, a wrong dtype or shape, or a value that disagrees with `config`
// throws equinet::Error naming the file and the key.
MaceWeights read_mace_weights(const io::SafetensorsFile& file, const MaceConfig& config);

}  // namespace equinet::mace
