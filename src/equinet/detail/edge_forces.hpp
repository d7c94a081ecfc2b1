// The one place where forces, virial and per-atom virials are derived from
// edge forces f_e = dE/dr_e (r_e = r_receiver - r_sender), for every model:
//   F_recv -= f_e, F_send += f_e,  W = -Σ_e r_e ⊗ f_e,
//   per-atom virial: half of -r_e ⊗ f_e to each end of the edge.
#pragma once

#include <cstdint>
#include <vector>

namespace equinet::detail {

struct EdgeSet {
  int64_t n_nodes = 0, n_receivers = 0;
  const int64_t* recv_offsets = nullptr;  // n_receivers + 1
  const int64_t* send_offsets = nullptr;  // n_nodes + 1
  const int64_t* by_sender = nullptr;     // edge ids grouped by sender
  const int* receivers = nullptr;
};

template <typename T>
void derive_from_edge_forces(const EdgeSet& edges, const T* vectors, const T* edge_forces,
                             double* forces /* n_nodes x 3, or null */,
                             double* virial /* 9, or null */,
                             double* atom_virials /* n_nodes x 9, or null */);

}  // namespace equinet::detail
