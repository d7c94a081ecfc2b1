#include "pair_equinet_kokkos.h"

#include <type_traits>

#include "atom_kokkos.h"
#include "atom_masks.h"
#include "comm_kokkos.h"
#include "equinet/potential.hpp"
#include "error.h"
#include "kokkos.h"
#include "neigh_list_kokkos.h"
#include "neigh_request.h"
#include "neighbor.h"

using namespace LAMMPS_NS;

namespace {

// Grows a view (contents discarded) so that it holds at least n entries.
template <class View>
void ensure_size(View& v, size_t n, const char* name) {
  if (v.extent(0) < n)
    v = View(Kokkos::view_alloc(std::string(name), Kokkos::WithoutInitializing), n);
}

}  // namespace

template <class DeviceType>
PairEquinetKokkos<DeviceType>::PairEquinetKokkos(LAMMPS* lmp) : PairEquinet(lmp) {
  if (!lmp->kokkos)
    error->all(FLERR, "pair_style equinet/kk needs the KOKKOS package enabled (-k on)");
  kokkosable = 1;
  execution_space = ExecutionSpaceFromDevice<DeviceType>::space;
  datamask_read = X_MASK | F_MASK | TAG_MASK | TYPE_MASK;
  datamask_modify = F_MASK;
}

template <class DeviceType>
void PairEquinetKokkos<DeviceType>::init_style() {
  PairEquinet::init_style();

  // The request made by PairEquinet (full; ghost in mode recompute), served
  // by KOKKOS in DeviceType memory.
  NeighRequest* request = neighbor->requests[neighbor->nrequest - 1];
  request->kokkos_host = std::is_same<DeviceType, LMPHostType>::value &&
                         !std::is_same<DeviceType, LMPDeviceType>::value;
  request->kokkos_device = std::is_same<DeviceType, LMPDeviceType>::value;

  const int ntypes = atom->ntypes;
  d_type_z = Kokkos::View<int*, DeviceType>("equinet:type_z", ntypes + 1);
  auto h_type_z = Kokkos::create_mirror_view(d_type_z);
  for (int t = 0; t <= ntypes; ++t) h_type_z(t) = type_atomic_number[t];
  Kokkos::deep_copy(d_type_z, h_type_z);
}

/* ---------------------------------------------------------------------- */

template <class DeviceType>
void PairEquinetKokkos<DeviceType>::compute(int eflag, int vflag) {
  ev_init(eflag, vflag);
  atomKK->sync(execution_space, datamask_read);

  const int nlocal = atom->nlocal;
  build_node_maps(nlocal, nlocal + atom->nghost);
  const int ncenters = (ghost_mode == GhostMode::Exchange) ? list->inum : list->inum + list->gnum;
  build_edges(ncenters);
  atomKK->sync(Host, TAG_MASK);
  set_atom_ids();

  evaluate();
  add_forces();
  atomKK->modified(execution_space, datamask_modify);
}

// Graph rows: atoms of mapped types keep their LAMMPS order (locals first),
// so an exclusive scan over "is mapped" numbers them.
template <class DeviceType>
void PairEquinetKokkos<DeviceType>::build_node_maps(int nlocal, int nall) {
  auto type = atomKK->k_type.view<DeviceType>();
  auto x = atomKK->k_x.view<DeviceType>();
  auto type_z = d_type_z;

  ensure_size(d_node_of_atom, nall, "equinet:node_of_atom");
  auto node_of_atom = d_node_of_atom;
  int n_nodes = 0, n_local = 0;
  Kokkos::parallel_scan(
      "equinet::node_rows", Kokkos::RangePolicy<DeviceType>(0, nall),
      KOKKOS_LAMBDA(const int i, int& row, const bool final) {
        const int mapped = type_z(type(i)) > 0 ? 1 : 0;
        if (final) node_of_atom(i) = mapped ? row : -1;
        row += mapped;
      },
      n_nodes);
  Kokkos::parallel_reduce(
      "equinet::count_local", Kokkos::RangePolicy<DeviceType>(0, nlocal),
      KOKKOS_LAMBDA(const int i, int& count) { count += type_z(type(i)) > 0 ? 1 : 0; }, n_local);

  ensure_size(d_atom_of_node, n_nodes, "equinet:atom_of_node");
  ensure_size(d_atomic_numbers, n_nodes, "equinet:atomic_numbers");
  ensure_size(d_positions, 3 * static_cast<size_t>(n_nodes), "equinet:positions");
  auto atom_of_node = d_atom_of_node;
  auto atomic_numbers = d_atomic_numbers;
  auto positions = d_positions;
  Kokkos::parallel_for(
      "equinet::node_data", Kokkos::RangePolicy<DeviceType>(0, nall), KOKKOS_LAMBDA(const int i) {
        const int row = node_of_atom(i);
        if (row < 0) return;
        atom_of_node(row) = i;
        atomic_numbers(row) = type_z(type(i));
        for (int k = 0; k < 3; ++k) positions(3 * row + k) = x(i, k);
      });

  graph = GraphView();
  graph.n_local = n_local;
  graph.n_nodes = n_nodes;
  graph.n_centers = centers_for(n_local, n_nodes);
}

// CSR of the KOKKOS full list as it is (the core keeps the neighbours within
// the cutoff and checks for overlaps): count per centre, scan into offsets,
// fill (in list order, so the result does not depend on thread scheduling).
template <class DeviceType>
void PairEquinetKokkos<DeviceType>::build_edges(int ncenters) {
  auto* k_list = static_cast<NeighListKokkos<DeviceType>*>(list);
  auto ilist = k_list->d_ilist;
  auto numneigh = k_list->d_numneigh;
  auto neighbors2d = k_list->d_neighbors;
  auto node_of_atom = d_node_of_atom;
  const int n_centers = static_cast<int>(graph.n_centers);

  ensure_size(d_offsets, n_centers + 1, "equinet:offsets");
  auto offsets = d_offsets;
  Kokkos::deep_copy(offsets, 0);

  Kokkos::parallel_for(
      "equinet::count_edges", Kokkos::RangePolicy<DeviceType>(0, ncenters),
      KOKKOS_LAMBDA(const int ii) {
        const int i = ilist(ii);
        const int row = node_of_atom(i);
        if (row < 0 || row >= n_centers) return;
        int64_t count = 0;
        for (int jj = 0; jj < numneigh(i); ++jj)
          if (node_of_atom(neighbors2d(i, jj) & NEIGHMASK) >= 0) ++count;
        offsets(row + 1) = count;
      });
  int64_t n_edges = 0;
  Kokkos::parallel_scan(
      "equinet::edge_offsets", Kokkos::RangePolicy<DeviceType>(0, n_centers),
      KOKKOS_LAMBDA(const int row, int64_t& sum, const bool final) {
        sum += offsets(row + 1);
        if (final) offsets(row + 1) = sum;
      },
      n_edges);

  ensure_size(d_neighbors, n_edges, "equinet:neighbors");
  auto neighbors = d_neighbors;
  Kokkos::parallel_for(
      "equinet::fill_edges", Kokkos::RangePolicy<DeviceType>(0, ncenters),
      KOKKOS_LAMBDA(const int ii) {
        const int i = ilist(ii);
        const int row = node_of_atom(i);
        if (row < 0 || row >= n_centers) return;
        int64_t k = offsets(row);
        for (int jj = 0; jj < numneigh(i); ++jj) {
          const int j = neighbors2d(i, jj) & NEIGHMASK;
          const int col = node_of_atom(j);
          if (col >= 0) neighbors(k++) = col;
        }
      });

  // Host mirrors for the core (no copy when DeviceType is a host space).
  auto mirror = [](auto& h, const auto& d) {
    h = Kokkos::create_mirror_view(d);
    Kokkos::deep_copy(h, d);
  };
  mirror(h_node_of_atom, d_node_of_atom);
  mirror(h_atom_of_node, d_atom_of_node);
  mirror(h_atomic_numbers, d_atomic_numbers);
  mirror(h_positions, d_positions);
  mirror(h_offsets, d_offsets);
  mirror(h_neighbors, d_neighbors);
  graph.node_of_atom = h_node_of_atom.data();
  graph.atom_of_node = h_atom_of_node.data();
  graph.atomic_numbers = h_atomic_numbers.data();
  graph.positions = h_positions.data();
  graph.offsets = h_offsets.data();
  graph.neighbors = h_neighbors.data();
}

template <class DeviceType>
void PairEquinetKokkos<DeviceType>::add_forces() {
  const int n_nodes = static_cast<int>(graph.n_nodes);
  ensure_size(d_forces, 3 * static_cast<size_t>(n_nodes), "equinet:forces");
  Kokkos::View<const double*, Kokkos::HostSpace, Kokkos::MemoryUnmanaged> h_forces(
      results->forces.data(), 3 * static_cast<size_t>(n_nodes));
  Kokkos::deep_copy(Kokkos::subview(d_forces, std::make_pair(0, 3 * n_nodes)), h_forces);

  auto f = atomKK->k_f.view<DeviceType>();
  auto forces = d_forces;
  auto atom_of_node = d_atom_of_node;
  Kokkos::parallel_for(
      "equinet::add_forces", Kokkos::RangePolicy<DeviceType>(0, n_nodes),
      KOKKOS_LAMBDA(const int row) {
        const int i = atom_of_node(row);
        for (int k = 0; k < 3; ++k) f(i, k) += forces(3 * row + k);
      });
}

// The core's exchange buffers are host memory: use LAMMPS's host path for
// pair communication even where KOKKOS would pack on the device.
template <class DeviceType>
void PairEquinetKokkos<DeviceType>::forward_exchange() {
  auto* commKK = dynamic_cast<CommKokkos*>(comm);
  if (!commKK) {
    PairEquinet::forward_exchange();
    return;
  }
  const bool saved = commKK->forward_pair_comm_classic;
  commKK->forward_pair_comm_classic = true;
  PairEquinet::forward_exchange();
  commKK->forward_pair_comm_classic = saved;
}

namespace LAMMPS_NS {
template class PairEquinetKokkos<LMPDeviceType>;
#ifdef LMP_KOKKOS_GPU
template class PairEquinetKokkos<LMPHostType>;
#endif
}  // namespace LAMMPS_NS
