// The grid of bins in fractional coordinates of the search frame, and how far
// (in bins) the search must reach so that no pair within the cutoff is missed.
#pragma once

#include <cstdint>

#include "equinet/neighbor/detail/cell_geometry.hpp"

namespace equinet::neighbor::detail {

struct BinGrid {
  int count[3] = {1, 1, 1};  // bins per direction
  // Stencil half-width in bins. In a periodic direction it may exceed the
  // number of bins: the stencil then reaches into further lattice images.
  int reach[3] = {0, 0, 0};
  double origin[3] = {0, 0, 0};  // fractional coordinate of the grid's low edge
  double scale[3] = {0, 0, 0};   // bins per unit of fractional coordinate
  bool periodic[3] = {false, false, false};

  int64_t total() const { return int64_t(count[0]) * count[1] * count[2]; }
};

// s_min / s_max: range of the (wrapped) fractional coordinates of the atoms;
// only the non-periodic directions are read. Throws equinet::Error when the
// cutoff needs an unreasonable number of periodic images.
BinGrid make_bin_grid(const SearchGeometry& geometry, double cutoff, const double s_min[3],
                      const double s_max[3], int64_t n_atoms);

}  // namespace equinet::neighbor::detail
