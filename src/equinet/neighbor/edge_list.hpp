// The edges one evaluation runs on, grouped by receiver: the storage that the
// Verlet list fills directly for compute(System) and the graph path fills from
// a caller's neighbour list. models::EdgeGraph adds the nodes and the
// by-sender index on top of it.
#pragma once

#include <cstdint>
#include <vector>

namespace equinet::neighbor {

// Atoms (or periodic images) closer than this (Å) are an error wherever edges
// are made: the direction of their edge, and so any model, is undefined.
constexpr double kOverlapDistance = 1e-8;

template <typename T>
struct EdgeList {
  std::vector<int64_t> recv_offsets;    // n_centers + 1
  std::vector<int> receivers, senders;  // per edge
  std::vector<T> vectors;               // per edge: r_recv - r_send (Å), 3 each

  int64_t n_edges() const { return int64_t(senders.size()); }
};

}  // namespace equinet::neighbor
