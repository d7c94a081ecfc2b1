// The two-pass CSR construction: one stencil walk (for_each_edge) shared by a
// count pass and a fill pass, so both see exactly the same edges.
#pragma once

#include <Kokkos_Core.hpp>
#include <cstdint>

#include "equinet/neighbor/detail/bin_grid.hpp"
#include "equinet/neighbor/detail/cell_geometry.hpp"
#include "equinet/neighbor/detail/edge_sort.hpp"
#include "equinet/neighbor/detail/workspace.hpp"

namespace equinet::neighbor::detail {

// S_d = n0 * a0_d + n1 * a1_d + n2 * a2_d, in this order everywhere (search,
// reported shifts, compute_edge_vectors), so the cutoff test and the vectors
// callers recompute agree to the last bit.
KOKKOS_INLINE_FUNCTION double lattice_shift(const double* lattice, int n0, int n1, int n2, int d) {
  return double(n0) * lattice[d] + double(n1) * lattice[3 + d] + double(n2) * lattice[6 + d];
}

template <class MemorySpace, class Positions>
struct PairSearch {
  using IntRows = Kokkos::View<const int* [3], Kokkos::LayoutRight, MemorySpace>;
  Positions positions;  // the caller's (unwrapped) positions, n x 3
  IntRows wrap;         // per atom: lattice image removed when wrapping
  IntRows bin;          // per atom: bin coordinates
  Kokkos::View<const int64_t*, Kokkos::LayoutRight, MemorySpace> bin_offsets;
  Kokkos::View<const int*, Kokkos::LayoutRight, MemorySpace> bin_atoms;
  // positions / wrap in bin_atoms order (candidate senders, read contiguously)
  Kokkos::View<const double* [3], Kokkos::LayoutRight, MemorySpace> binned_positions;
  IntRows binned_wrap;
  double lattice[9];
  BinGrid grid;
  double cutoff_squared;

  // Maps a stencil bin coordinate t (possibly outside the grid) to a real bin
  // and the lattice image it stands for; false when it lies outside an open
  // direction's grid.
  KOKKOS_INLINE_FUNCTION bool resolve(int k, int t, int& b, int& image) const {
    const int count = grid.count[k];
    if (!grid.periodic[k]) {
      b = t;
      image = 0;
      return t >= 0 && t < count;
    }
    b = t % count;
    if (b < 0) b += count;
    image = (t - b) / count;
    return true;
  }

  // Calls visit(j, n0, n1, n2, r_squared) once for every edge of receiver i.
  // Each stencil bin coordinate stands for one (bin, image), and each atom is
  // in one bin, so no (j, image) is visited twice.
  template <class Visit>
  KOKKOS_INLINE_FUNCTION void for_each_edge(const int i, Visit&& visit) const {
    const double xi[3] = {positions(i, 0), positions(i, 1), positions(i, 2)};
    int b[3], m[3];
    for (int t0 = bin(i, 0) - grid.reach[0]; t0 <= bin(i, 0) + grid.reach[0]; ++t0) {
      if (!resolve(0, t0, b[0], m[0])) continue;
      for (int t1 = bin(i, 1) - grid.reach[1]; t1 <= bin(i, 1) + grid.reach[1]; ++t1) {
        if (!resolve(1, t1, b[1], m[1])) continue;
        for (int t2 = bin(i, 2) - grid.reach[2]; t2 <= bin(i, 2) + grid.reach[2]; ++t2) {
          if (!resolve(2, t2, b[2], m[2])) continue;
          const int64_t flat = (int64_t(b[0]) * grid.count[1] + b[1]) * grid.count[2] + b[2];
          for (int64_t slot = bin_offsets(flat); slot < bin_offsets(flat + 1); ++slot) {
            const int j = bin_atoms(slot);
            // Sender image m is relative to the wrapped positions; fold the
            // wrapping of i and j back in so n refers to the caller's positions.
            const int n0 = m[0] + wrap(i, 0) - binned_wrap(slot, 0);
            const int n1 = m[1] + wrap(i, 1) - binned_wrap(slot, 1);
            const int n2 = m[2] + wrap(i, 2) - binned_wrap(slot, 2);
            if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
            double r2 = 0.0;
            for (int d = 0; d < 3; ++d) {
              const double r =
                  (xi[d] - binned_positions(slot, d)) - lattice_shift(lattice, n0, n1, n2, d);
              r2 += r * r;
            }
            if (r2 < cutoff_squared) visit(j, n0, n1, n2, r2);
          }
        }
      }
    }
  }
};

// Count pass: edges per receiver into counts. Returns the smallest key
// i * n + j of a pair (or atom and image) closer than kOverlapDistance, or -1.
template <class ExecutionSpace, class Search, class Counts>
int64_t count_edges(const Search& search, const Counts& counts, int n) {
  const int64_t none = int64_t(n) * n;
  int64_t first_bad = none;
  const double min_sep2 = kOverlapDistance * kOverlapDistance;
  Kokkos::parallel_reduce(
      "eq.count_edges", Kokkos::RangePolicy<ExecutionSpace>(0, n),
      KOKKOS_LAMBDA(const int p, int64_t& bad) {
        const int i = search.bin_atoms(p);  // bin order: neighbouring threads share bins
        int64_t count = 0;
        search.for_each_edge(i, [&](const int j, int, int, int, const double r2) {
          ++count;
          const int64_t key = int64_t(i) * n + j;
          if (r2 < min_sep2 && key < bad) bad = key;
        });
        counts(i) = count;
      },
      Kokkos::Min<int64_t>(first_bad));
  return first_bad < none ? first_bad : -1;
}

// Fill pass: each receiver writes its edges into its CSR segment, sorts them
// by (j, n), so the list is independent of bin order and thread count.
template <class ExecutionSpace, class Search, class Offsets, class Senders, class Images>
void fill_edges(const Search& search, const Offsets& offsets, const Senders& senders,
                const Images& images, int n) {
  Kokkos::parallel_for(
      "eq.fill_edges", Kokkos::RangePolicy<ExecutionSpace>(0, n), KOKKOS_LAMBDA(const int p) {
        const int i = search.bin_atoms(p);
        int64_t slot = offsets(i);
        search.for_each_edge(i, [&](const int j, const int n0, const int n1, const int n2, double) {
          senders(slot) = j;
          images(slot, 0) = n0;
          images(slot, 1) = n1;
          images(slot, 2) = n2;
          ++slot;
        });
        sort_edges(senders, images, offsets(i), offsets(i + 1));
      });
}

// S = n . lattice for every edge.
template <class ExecutionSpace, class Images, class Shifts>
void compute_shifts(const double lattice_in[9], const Images& images, const Shifts& shifts,
                    int64_t n_edges) {
  Kokkos::Array<double, 9> lattice;
  for (int k = 0; k < 9; ++k) lattice[k] = lattice_in[k];
  Kokkos::parallel_for(
      "eq.compute_shif", Kokkos::RangePolicy<ExecutionSpace>(0, n_edges),
      KOKKOS_LAMBDA(const int64_t e) {
        for (int d = 0; d < 3; ++d)
          shifts(e, d) = lattice_shift(lattice.data(), images(e, 0), images(e, 1), images(e, 2), d);
      });
}

}  // namespace equinet::neighbor::detail
