// The graph one evaluation runs on: nodes [0, n_local) are the atoms whose
// energies count, [0, n_centers) the receivers whose features are computed,
// [0, n_nodes) every node a feature may be read from (ghosts included).
// Edges are grouped by receiver; by_sender lists the same edges grouped by
// sender (for gather-style reverse passes without atomics).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "equinet/neighbor/edge_list.hpp"

namespace equinet::models {

template <typename T>
struct EdgeGraph : neighbor::EdgeList<T> {
  int64_t n_nodes = 0, n_centers = 0, n_local = 0;
  std::vector<int> species;           // model element index per node
  std::vector<int64_t> send_offsets;  // n_nodes + 1
  std::vector<int64_t> by_sender;     // edge ids grouped by sender
  // Per-structure inputs (System::total_charge, total_spin), checked against
  // the model's ModelInfo::system_inputs; 0 where the model takes none.
  double total_charge = 0, total_spin = 0;

  // Fills send_offsets/by_sender from senders (counting sort, stable).
  void index_by_sender();

 private:
  std::vector<int64_t> fill_;
};

}  // namespace equinet::models
