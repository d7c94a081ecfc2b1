// Kokkos kernels that wrap atoms into the cell and group them by bin:
// count per bin with atomic adds, exclusive scan for offsets, then fill.
#pragma once

#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdint>

#include "equinet/neighbor/detail/bin_grid.hpp"
#include "equinet/neighbor/detail/cell_geometry.hpp"
#include "equinet/neighbor/detail/workspace.hpp"

namespace equinet::neighbor::detail {

// Wraps beyond this many cell lengths would overflow the int images.
inline constexpr double kMaxWrap = double(1 << 28);

// Fills bins.frac and bins.wrap for atoms [0, n). Returns the index of the
// first atom lying absurdly far from the cell in a periodic direction, or -1.
template <class ExecutionSpace, class Positions>
int wrap_into_cell(const Positions& positions, const SearchGeometry& geometry, int n,
                   AtomBins<typename ExecutionSpace::memory_space>& bins) {
  auto frac = bins.frac;
  auto wrap = bins.wrap;
  const SearchGeometry g = geometry;
  int first_bad = n;
  Kokkos::parallel_reduce(
      "eq.wrap_into_ce", Kokkos::RangePolicy<ExecutionSpace>(0, n),
      KOKKOS_LAMBDA(const int i, int& bad) {
        for (int k = 0; k < 3; ++k) {
          double s = positions(i, 0) * g.frame_inverse[k] +
                     positions(i, 1) * g.frame_inverse[3 + k] +
                     positions(i, 2) * g.frame_inverse[6 + k];
          double w = 0.0;
          if (g.periodic[k]) {
            w = Kokkos::Experimental::floor(s);
            if (!(Kokkos::Experimental::fabs(w) < kMaxWrap)) {
              if (i < bad) bad = i;
              w = 0.0;
            }
            s -= w;
            if (s >= 1.0) {  // s slightly below an integer rounds to exactly 1
              s -= 1.0;
              w += 1.0;
            }
          }
          frac(i, k) = s;
          wrap(i, k) = int(w);
        }
      },
      Kokkos::Min<int>(first_bad));
  return first_bad < n ? first_bad : -1;
}

// Range of the fractional coordinates in each non-periodic direction.
template <class ExecutionSpace>
void fractional_range(const AtomBins<typename ExecutionSpace::memory_space>& bins,
                      const SearchGeometry& geometry, int n, double s_min[3], double s_max[3]) {
  auto frac = bins.frac;
  for (int k = 0; k < 3; ++k) {
    s_min[k] = 0.0;
    s_max[k] = 1.0;
    if (geometry.periodic[k]) continue;
    Kokkos::MinMaxScalar<double> range;
    Kokkos::parallel_reduce(
        "eq.fractional_r", Kokkos::RangePolicy<ExecutionSpace>(0, n),
        KOKKOS_LAMBDA(const int i, Kokkos::MinMaxScalar<double>& r) {
          const double s = frac(i, k);
          if (s < r.min_val) r.min_val = s;
          if (s > r.max_val) r.max_val = s;
        },
        Kokkos::MinMax<double, Kokkos::HostSpace>(range));
    s_min[k] = range.min_val;
    s_max[k] = range.max_val;
  }
}

// Exclusive scan of counts[0, n) into offsets[0, n]; returns offsets[n].
template <class ExecutionSpace, class Counts, class Offsets>
int64_t exclusive_scan(const Counts& counts, const Offsets& offsets, int64_t n) {
  Kokkos::parallel_scan(
      "eq.exclusive_sc", Kokkos::RangePolicy<ExecutionSpace>(0, n + 1),
      KOKKOS_LAMBDA(const int64_t i, int64_t& partial, const bool final) {
        if (final) offsets(i) = partial;
        if (i < n) partial += counts(i);
      });
  int64_t total = 0;
  Kokkos::deep_copy(total, Kokkos::subview(offsets, n));
  return total;
}

// Assigns each atom its bin and groups atoms by bin (bins.bin, bin_offsets,
// bin_atoms). The order inside a bin depends on thread timing; the edge sort
// in the pair search removes that dependence from the result.
template <class ExecutionSpace>
void fill_bins(const BinGrid& grid, int n, AtomBins<typename ExecutionSpace::memory_space>& bins) {
  const int64_t n_bins = grid.total();
  ensure_rows(bins.bin_offsets, std::size_t(n_bins + 1), "eq.bin_offsets");
  ensure_rows(bins.bin_fill, std::size_t(n_bins), "eq.bin_fill");
  auto frac = bins.frac;
  auto bin = bins.bin;
  auto fill = Kokkos::subview(bins.bin_fill, Kokkos::make_pair(int64_t(0), n_bins));
  auto offsets = bins.bin_offsets;
  auto atoms = bins.bin_atoms;
  const BinGrid gr = grid;
  using Policy = Kokkos::RangePolicy<ExecutionSpace>;

  // zeroed with a short-labelled kernel: deep_copy(view, scalar) builds a
  // long std::string label on every call (an allocation per step)
  auto zero_fill = [&] {
    Kokkos::parallel_for(
        "eq.zero_fill", Policy(0, n_bins), KOKKOS_LAMBDA(const int64_t b) { fill(b) = 0; });
  };
  zero_fill();
  Kokkos::parallel_for(
      "eq.count_bins", Policy(0, n), KOKKOS_LAMBDA(const int i) {
        int64_t flat = 0;
        for (int k = 0; k < 3; ++k) {
          int b = int(Kokkos::Experimental::floor((frac(i, k) - gr.origin[k]) * gr.scale[k]));
          // Clamping only absorbs rounding at the grid's edges.
          b = b < 0 ? 0 : (b >= gr.count[k] ? gr.count[k] - 1 : b);
          bin(i, k) = b;
          flat = flat * gr.count[k] + b;
        }
        Kokkos::atomic_fetch_add(&fill(flat), int64_t(1));
      });
  exclusive_scan<ExecutionSpace>(fill, offsets, n_bins);
  zero_fill();
  Kokkos::parallel_for(
      "eq.fill_bins", Policy(0, n), KOKKOS_LAMBDA(const int i) {
        const int64_t flat =
            (int64_t(bin(i, 0)) * gr.count[1] + bin(i, 1)) * gr.count[2] + bin(i, 2);
        atoms(offsets(flat) + Kokkos::atomic_fetch_add(&fill(flat), int64_t(1))) = i;
      });
}

// Copies positions and wraps into bin order (bins.binned_*).
template <class ExecutionSpace, class Positions>
void gather_in_bin_order(const Positions& positions, int n,
                         AtomBins<typename ExecutionSpace::memory_space>& bins) {
  auto atoms = bins.bin_atoms;
  auto wrap = bins.wrap;
  auto binned_positions = bins.binned_positions;
  auto binned_wrap = bins.binned_wrap;
  Kokkos::parallel_for(
      "eq.gather_in_bi", Kokkos::RangePolicy<ExecutionSpace>(0, n), KOKKOS_LAMBDA(const int slot) {
        const int i = atoms(slot);
        for (int d = 0; d < 3; ++d) {
          binned_positions(slot, d) = positions(i, d);
          binned_wrap(slot, d) = wrap(i, d);
        }
      });
}

}  // namespace equinet::neighbor::detail
