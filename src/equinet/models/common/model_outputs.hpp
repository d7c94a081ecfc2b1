// What a family's Model::evaluate produces for GraphPotential.
#pragma once

#include <vector>

namespace equinet::models {

template <typename T>
struct ModelOutputs {
  std::vector<double> node_energies;  // n_local, eV (E0s included)
  std::vector<T> edge_forces;         // n_edges x 3: dE/dr_e (when gradients)
};

}  // namespace equinet::models
