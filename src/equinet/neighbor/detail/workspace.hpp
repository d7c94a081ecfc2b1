// Kokkos buffers of the neighbour search, grown on demand and never shrunk,
// so rebuilding a list for a system that does not grow allocates nothing.
#pragma once

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

namespace equinet::neighbor::detail {

template <class MemorySpace>
using Rows3 = Kokkos::View<double* [3], Kokkos::LayoutRight, MemorySpace>;
template <class MemorySpace>
using IntRows3 = Kokkos::View<int* [3], Kokkos::LayoutRight, MemorySpace>;
template <class T, class MemorySpace>
using Array = Kokkos::View<T*, Kokkos::LayoutRight, MemorySpace>;

// Atoms sorted into bins (see atom_binning.hpp).
template <class MemorySpace>
struct AtomBins {
  Rows3<MemorySpace> frac;     // fractional coordinates, wrapped in periodic directions
  IntRows3<MemorySpace> wrap;  // lattice image removed by the wrapping: s = frac + wrap
  IntRows3<MemorySpace> bin;   // bin coordinates of each atom
  // n_bins + 1: the atoms of bin b are bin_atoms[bin_offsets[b] .. bin_offsets[b + 1])
  Array<int64_t, MemorySpace> bin_offsets;
  Array<int64_t, MemorySpace> bin_fill;  // n_bins: atom counts, then fill cursors
  Array<int, MemorySpace> bin_atoms;     // n_atoms, grouped by bin
  // Positions and wraps copied in bin_atoms order: the search reads the
  // candidates of a bin from contiguous memory instead of scattered rows.
  Rows3<MemorySpace> binned_positions;
  IntRows3<MemorySpace> binned_wrap;
};

// Edges in CSR form before they are copied out.
template <class MemorySpace>
struct EdgeBuffers {
  Array<int64_t, MemorySpace> counts;   // n_atoms
  Array<int64_t, MemorySpace> offsets;  // n_atoms + 1
  Array<int, MemorySpace> senders;      // n_edges
  IntRows3<MemorySpace> images;         // n_edges x 3
  Rows3<MemorySpace> shifts;            // n_edges x 3
};

// Makes v hold at least n rows, discarding its contents if it must grow; grows
// by a quarter more than asked so slowly growing systems reallocate rarely.
template <class View>
void ensure_rows(View& v, std::size_t n, const char* label) {
  if (v.extent(0) >= n) return;
  const std::size_t grown = std::max(n, v.extent(0) + v.extent(0) / 4);
  v = View();  // release before allocating the larger buffer
  v = View(Kokkos::view_alloc(std::string(label), Kokkos::WithoutInitializing), grown);
}

template <class MemorySpace>
struct Workspace {
  AtomBins<MemorySpace> bins;
  EdgeBuffers<MemorySpace> edges;
};

}  // namespace equinet::neighbor::detail
