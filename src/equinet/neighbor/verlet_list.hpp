// Neighbour lists reused across steps (Verlet lists): the candidates within
// cutoff + skin are built once and, while every atom stays within skin/2 of
// where it was then (same atom count, cell and periodicity), each step only
// keeps the candidates now closer than the cutoff. The result is the list
// BasicNeighborBuilder::build(cutoff) would give, edge for edge and in the
// same order (filtering keeps the candidates' order and uses the same
// distance expression as the search).
#pragma once

#include <cstdint>
#include <vector>

#include "equinet/neighbor/edge_list.hpp"
#include "equinet/neighbor/neighbor_list.hpp"

namespace equinet::neighbor {

class VerletNeighborList {
 public:
  // skin = 0 rebuilds on every update().
  explicit VerletNeighborList(double skin = 1.0);

  // Same arguments and errors as NeighborBuilder::build.
  void update(int64_t n_atoms, const double* positions, const double* cell, const bool* pbc,
              double cutoff, NeighborList& out);
  // The same edges written straight into the edge list a model runs on:
  // receivers, senders and edge vectors r_ij = pos[i] - pos[j] - S (the
  // search's expression, computed in double and rounded to T).
  template <typename T>
  void update(int64_t n_atoms, const double* positions, const double* cell, const bool* pbc,
              double cutoff, EdgeList<T>& out);

  double skin() const { return skin_; }
  int64_t builds() const { return builds_; }  // candidate lists built so far

 private:
  bool reusable(int64_t n_atoms, const double* positions, const double* cell, const bool* pbc,
                double cutoff) const;
  // Builds the candidates (cutoff + skin) unless the last ones still serve.
  void refresh(int64_t n_atoms, const double* positions, const double* cell, const bool* pbc,
               double cutoff);
  // Marks the candidates within the cutoff and counts them per receiver
  // (counts_, kept_); false when two atoms coincide (the caller then lets
  // the builder name them).
  bool mark(int64_t n_atoms, const double* positions, double cutoff);
  int64_t kept_count(int64_t n_atoms) const;
  // Calls write(i, candidate, out_edge) for every kept candidate, in order.
  template <typename Write>
  void fill(int64_t n_atoms, std::vector<int64_t>& offsets, const Write& write) const;

  double skin_;
  NeighborBuilder builder_;
  NeighborList candidates_, error_list_;
  bool valid_ = false;
  int64_t builds_ = 0;
  double built_cutoff_ = 0;
  double cell_[9] = {};
  bool pbc_[3] = {};
  std::vector<double> reference_;  // positions at the last build
  std::vector<int64_t> counts_;
  std::vector<unsigned char> kept_;  // per candidate: within the cutoff now
};

}  // namespace equinet::neighbor
