#include "equinet/neighbor/detail/bin_grid.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "equinet/error.hpp"

namespace equinet::neighbor::detail {
namespace {

// The search reaches this much beyond the cutoff, so rounding of fractional
// coordinates (relative ~1e-15, times the wrap count) can never push a pair
// within the cutoff outside the stencil.
constexpr double kCutoffSlack = 1e-6;
// More stencil bins than this per atom means the cell is absurdly small for
// the cutoff (or nearly degenerate): refuse instead of running for hours.
constexpr double kMaxStencilBins = double(1 << 21);
constexpr double kMaxBinsPerDirection = double(1 << 20);

}  // namespace

BinGrid make_bin_grid(const SearchGeometry& geometry, double cutoff, const double s_min[3],
                      const double s_max[3], int64_t n_atoms) {
  BinGrid grid;
  const double reach_length = cutoff * (1.0 + kCutoffSlack);
  double span[3];  // extent of the grid in fractional units
  double bins[3];
  for (int k = 0; k < 3; ++k) {
    grid.periodic[k] = geometry.periodic[k];
    // Periodic directions bin the wrapped coordinates in [0, 1); open ones the
    // atoms' actual range.
    grid.origin[k] = grid.periodic[k] ? 0.0 : s_min[k];
    span[k] = grid.periodic[k] ? 1.0 : std::max(0.0, s_max[k] - s_min[k]);
    // Bins at least reach_length wide (perpendicular), so neighbours are in
    // adjacent bins whenever the cell allows more than one bin.
    const double length = span[k] * geometry.height[k];
    bins[k] = std::clamp(std::floor(length / reach_length), 1.0, kMaxBinsPerDirection);
  }
  // Keep memory linear in the number of atoms (sparse or spread-out systems):
  // coarser bins are still at least reach_length wide, only fuller.
  const double max_bins = 4.0 * double(n_atoms) + 64.0;
  while (bins[0] * bins[1] * bins[2] > max_bins) {
    const int k = int(std::max_element(bins, bins + 3) - bins);
    bins[k] = std::ceil(bins[k] / 2.0);
  }

  double stencil = 1.0;
  double reach[3];
  for (int k = 0; k < 3; ++k) {
    grid.count[k] = int(bins[k]);
    grid.scale[k] = span[k] > 0.0 ? bins[k] / span[k] : 0.0;
    if (grid.periodic[k]) {
      // Bins of width height/count: a neighbour can be this many bins away,
      // in this or another image (ceil(cutoff / height) images when count = 1).
      reach[k] = std::ceil(reach_length * bins[k] / geometry.height[k]);
    } else {
      reach[k] = grid.count[k] == 1
                     ? 0.0
                     : std::min(bins[k] - 1.0,
                                std::ceil(reach_length * bins[k] / (span[k] * geometry.height[k])));
    }
    stencil *= 2.0 * reach[k] + 1.0;
  }
  if (!(stencil <= kMaxStencilBins)) {
    std::ostringstream s;
    s << "neighbour list: cutoff " << cutoff << " Å is too large for the periodic cell "
      << "(perpendicular heights " << geometry.height[0] << ", " << geometry.height[1] << ", "
      << geometry.height[2] << " Å): the search would visit " << stencil
      << " bins per atom; use a larger cell or a smaller cutoff";
    throw Error(s.str());
  }
  for (int k = 0; k < 3; ++k) grid.reach[k] = int(reach[k]);
  return grid;
}

}  // namespace equinet::neighbor::detail
