// The part of mace-torch's `extract_config_mace_model` that a native MACE
// evaluation needs, parsed and validated from a MACE interchange file.
#pragma once

#include <string>
#include <vector>

#include "equinet/so3/irreps.hpp"

namespace equinet::mace {

struct MaceConfig {
  std::string model_class;  // "ScaleShiftMACE" or "MACE"
  double r_max = 0;
  int num_bessel = 0;
  int num_polynomial_cutoff = 0;
  int max_ell = 0;
  int num_interactions = 0;
  std::vector<int> correlation;  // one per layer
  std::vector<int> atomic_numbers;
  std::vector<double> atomic_energies;
  double avg_num_neighbors = 1;
  so3::Irreps hidden_irreps;
  so3::Irreps mlp_irreps;
  std::vector<int> radial_mlp;
  bool first_layer_residual = true;
  bool apply_cutoff = true;
  double scale = 1, shift = 0;
};

// Parses the JSON text of `equinet.config`; every unsupported value is
// refused with an equinet::Error naming `file`, the key and the value.
MaceConfig parse_mace_config(const std::string& json_text, const std::string& file);

}  // namespace equinet::mace
