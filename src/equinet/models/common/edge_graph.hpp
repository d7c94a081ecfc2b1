// The graph one evaluation runs on: nodes [0, n_local) are the atoms whose
// energies count, [0, n_centers) the receivers whose features are computed,
// [0, n_nodes) every node a feature may be read from (ghosts included).
// Edges are grouped by receiver; by_sender lists the same edges grouped by
// sender (for gather-style reverse passes without atomics).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace equinet::models {

template <typename T>
struct EdgeGraph {
  int64_t n_nodes = 0, n_centers = 0, n_local = 0;
  std::vector<int> species;             // model element index per node
  std::vector<int64_t> recv_offsets;    // n_centers + 1
  std::vector<int> receivers, senders;  // per edge
  std::vector<T> vectors;               // per edge: r_recv - r_send (Å)
  std::vector<int64_t> send_offsets;    // n_nodes + 1
  std::vector<int64_t> by_sender;       // edge ids grouped by sender

  int64_t n_edges() const { return int64_t(senders.size()); }
  // Fills send_offsets/by_sender from senders (counting sort, stable).
  void index_by_sender();

 private:
  std::vector<int64_t> fill_;
};

}  // namespace equinet::models
