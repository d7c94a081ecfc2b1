// The one place where forces, virial and per-atom virials are derived from
// edge forces f_e = dE/dr_e (r_e = r_receiver - r_sender), for every model:
//   F_recv -= f_e, F_send += f_e,  W = -Σ_e r_e ⊗ f_e,
//   per-atom virial: half of -r_e ⊗ f_e to each end of the edge.
#pragma once

#include "equinet/models/common/edge_graph.hpp"

namespace equinet::models {

// `g` must be indexed by sender (EdgeGraph::index_by_sender).
template <typename T>
void derive_from_edge_forces(const EdgeGraph<T>& g, const T* edge_forces,
                             double* forces /* n_nodes x 3, or null */,
                             double* virial /* 9, or null */,
                             double* atom_virials /* n_nodes x 9, or null */);

}  // namespace equinet::models
