// Orchestrates one neighbour-list build: validate, wrap and bin the atoms,
// count edges, scan, fill and sort, compute shifts, copy out.
#include <string>

#include "equinet/neighbor/detail/atom_binning.hpp"
#include "equinet/neighbor/detail/bin_grid.hpp"
#include "equinet/neighbor/detail/cell_geometry.hpp"
#include "equinet/neighbor/detail/pair_search.hpp"
#include "equinet/neighbor/detail/workspace.hpp"
#include "equinet/neighbor/neighbor_list.hpp"
#include "equinet/error.hpp"

namespace equinet::neighbor {
namespace {

template <class T, int Columns>
struct HostRows {
  using type = Kokkos::View<T* [Columns], Kokkos::LayoutRight, Kokkos::HostSpace,
                            Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
};
template <class T>
struct HostRows<T, 1> {
  using type = Kokkos::View<T*, Kokkos::LayoutRight, Kokkos::HostSpace,
                            Kokkos::MemoryTraits<Kokkos::Unmanaged>>;
};

// Copies rows [0, rows) of a workspace view into a std::vector (resized; no
// reallocation when its capacity suffices).
template <int Columns, class T, class View>
void copy_out(const View& source, int64_t rows, std::vector<T>& out) {
  out.resize(std::size_t(rows) * Columns);
  typename HostRows<T, Columns>::type target(out.data(), std::size_t(rows));
  if constexpr (Columns == 1) {
    Kokkos::deep_copy(target, Kokkos::subview(source, Kokkos::make_pair(int64_t(0), rows)));
  } else {
    Kokkos::deep_copy(target,
                      Kokkos::subview(source, Kokkos::make_pair(int64_t(0), rows), Kokkos::ALL));
  }
}

std::string coincidence_message(int64_t key, int64_t n) {
  const int64_t i = key / n;
  const int64_t j = key % n;
  const std::string tail = " closer than 1e-8 Å; coincident atoms are not allowed";
  if (i == j)
    return "neighbour list: atom " + std::to_string(i) + " and its own periodic image are" + tail;
  return "neighbour list: atoms " + std::to_string(i) + " and " + std::to_string(j) +
         " (or a periodic image of atom " + std::to_string(j) + ") are" + tail;
}

}  // namespace

template <class ExecutionSpace>
struct BasicNeighborBuilder<ExecutionSpace>::Workspace
    : detail::Workspace<typename ExecutionSpace::memory_space> {};

template <class ExecutionSpace>
BasicNeighborBuilder<ExecutionSpace>::BasicNeighborBuilder()
    : workspace_(std::make_unique<Workspace>()) {}
template <class ExecutionSpace>
BasicNeighborBuilder<ExecutionSpace>::~BasicNeighborBuilder() = default;
template <class ExecutionSpace>
BasicNeighborBuilder<ExecutionSpace>::BasicNeighborBuilder(BasicNeighborBuilder&&) noexcept =
    default;
template <class ExecutionSpace>
BasicNeighborBuilder<ExecutionSpace>& BasicNeighborBuilder<ExecutionSpace>::operator=(
    BasicNeighborBuilder&&) noexcept = default;

template <class ExecutionSpace>
void BasicNeighborBuilder<ExecutionSpace>::build(int64_t n_atoms, const double* positions,
                                                 const double* cell, const bool* pbc, double cutoff,
                                                 NeighborList& out) {
  using MemorySpace = typename ExecutionSpace::memory_space;
  detail::validate_cutoff(cutoff);
  const detail::SearchGeometry geometry = detail::make_search_geometry(cell, pbc);
  detail::validate_positions(n_atoms, positions);
  if (!Kokkos::is_initialized())
    throw Error("neighbour list: Kokkos is not initialised (the caller must initialise it)");
  if (!workspace_) workspace_ = std::make_unique<Workspace>();  // after a move

  out.n_atoms = n_atoms;
  out.cutoff = cutoff;
  const int n = int(n_atoms);
  if (n == 0) {
    out.offsets.assign(1, 0);
    out.senders.clear();
    out.shifts.clear();
    out.shift_images.clear();
    return;
  }

  // Host positions viewed in place; copied only if the space needs it.
  const Kokkos::View<const double* [3], Kokkos::LayoutRight, Kokkos::HostSpace,
                     Kokkos::MemoryTraits<Kokkos::Unmanaged>>
      host_positions(positions, std::size_t(n));
  const auto pos = Kokkos::create_mirror_view_and_copy(MemorySpace(), host_positions);

  auto& bins = workspace_->bins;
  detail::ensure_rows(bins.frac, std::size_t(n), "eq.frac");
  detail::ensure_rows(bins.wrap, std::size_t(n), "eq.wrap");
  detail::ensure_rows(bins.bin, std::size_t(n), "eq.bin");
  detail::ensure_rows(bins.bin_atoms, std::size_t(n), "eq.bin_atoms");
  detail::ensure_rows(bins.binned_positions, std::size_t(n), "eq.binned_posit");
  detail::ensure_rows(bins.binned_wrap, std::size_t(n), "eq.binned_wrap");
  const int far = detail::wrap_into_cell<ExecutionSpace>(pos, geometry, n, bins);
  if (far >= 0)
    throw Error("neighbour list: atom " + std::to_string(far) +
                " lies more than 2^28 cell lengths outside the periodic cell");
  double s_min[3], s_max[3];
  detail::fractional_range<ExecutionSpace>(bins, geometry, n, s_min, s_max);
  const detail::BinGrid grid = detail::make_bin_grid(geometry, cutoff, s_min, s_max, n);
  detail::fill_bins<ExecutionSpace>(grid, n, bins);
  detail::gather_in_bin_order<ExecutionSpace>(pos, n, bins);

  detail::PairSearch<MemorySpace, decltype(pos)> search{pos,
                                                        bins.wrap,
                                                        bins.bin,
                                                        bins.bin_offsets,
                                                        bins.bin_atoms,
                                                        bins.binned_positions,
                                                        bins.binned_wrap,
                                                        {},
                                                        grid,
                                                        cutoff * cutoff};
  for (int k = 0; k < 9; ++k) search.lattice[k] = geometry.lattice[k];

  auto& edges = workspace_->edges;
  detail::ensure_rows(edges.counts, std::size_t(n), "eq.counts");
  detail::ensure_rows(edges.offsets, std::size_t(n) + 1, "eq.offsets");
  const int64_t bad = detail::count_edges<ExecutionSpace>(search, edges.counts, n);
  if (bad >= 0) throw Error(coincidence_message(bad, n));
  const int64_t n_edges = detail::exclusive_scan<ExecutionSpace>(edges.counts, edges.offsets, n);

  detail::ensure_rows(edges.senders, std::size_t(n_edges), "eq.senders");
  detail::ensure_rows(edges.images, std::size_t(n_edges), "eq.images");
  detail::ensure_rows(edges.shifts, std::size_t(n_edges), "eq.shifts");
  detail::fill_edges<ExecutionSpace>(search, edges.offsets, edges.senders, edges.images, n);
  detail::compute_shifts<ExecutionSpace>(geometry.lattice, edges.images, edges.shifts, n_edges);

  copy_out<1>(edges.offsets, int64_t(n) + 1, out.offsets);
  copy_out<1>(edges.senders, n_edges, out.senders);
  copy_out<3>(edges.images, n_edges, out.shift_images);
  copy_out<3>(edges.shifts, n_edges, out.shifts);
}

#ifdef KOKKOS_ENABLE_SERIAL
template class BasicNeighborBuilder<Kokkos::Serial>;
#endif
#ifdef KOKKOS_ENABLE_OPENMP
template class BasicNeighborBuilder<Kokkos::OpenMP>;
#endif
#ifdef KOKKOS_ENABLE_THREADS
template class BasicNeighborBuilder<Kokkos::Threads>;
#endif

}  // namespace equinet::neighbor
