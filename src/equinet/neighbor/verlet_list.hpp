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

#include "equinet/neighbor/neighbor_list.hpp"

namespace equinet::neighbor {

class VerletNeighborList {
 public:
  // skin = 0 rebuilds on every update().
  explicit VerletNeighborList(double skin = 1.0);

  // Same arguments and errors as NeighborBuilder::build.
  void update(int64_t n_atoms, const double* positions, const double* cell, const bool* pbc,
              double cutoff, NeighborList& out);

  double skin() const { return skin_; }
  int64_t builds() const { return builds_; }  // candidate lists built so far

 private:
  bool reusable(int64_t n_atoms, const double* positions, const double* cell, const bool* pbc,
                double cutoff) const;
  void filter(int64_t n_atoms, const double* positions, const double* cell, const bool* pbc,
              double cutoff, NeighborList& out);

  double skin_;
  NeighborBuilder builder_;
  NeighborList candidates_;
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
