// Host-side geometry of the search: input validation, the lattice used for
// shifts, and a full-rank "frame" in which atoms are binned.
#pragma once

#include <cstdint>

#include "equinet/neighbor/edge_list.hpp"

namespace equinet::neighbor::detail {

struct SearchGeometry {
  bool periodic[3] = {false, false, false};
  // Rows: cell vectors of periodic directions, zero rows otherwise. Shifts are
  // S = n . lattice (zero rows keep unused cell rows, even NaN ones, out).
  double lattice[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  // Rows: a basis of space. Periodic rows are the cell vectors; the others are
  // orthonormal and perpendicular to them, so every direction can be binned.
  double frame[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  // Fractional coordinates of a point: s = x . frame_inverse (x a row vector).
  double frame_inverse[9] = {1, 0, 0, 0, 1, 0, 0, 0, 1};
  // Perpendicular heights of the frame: |Δs_k| <= |Δx| / height[k], so a pair
  // within the cutoff differs by less than cutoff / height[k] in s_k.
  double height[3] = {1, 1, 1};
};

// Throws equinet::Error naming the problem (which cell vectors, which atom).
void validate_cutoff(double cutoff);
void validate_positions(int64_t n_atoms, const double* positions);
SearchGeometry make_search_geometry(const double* cell, const bool* pbc);

}  // namespace equinet::neighbor::detail
