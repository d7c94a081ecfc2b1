// pair_style equinet/kk: the KOKKOS variant of pair_style equinet.
//
// It builds the graph where LAMMPS/KOKKOS keeps the atoms and the neighbour
// list (DeviceType memory), in parallel, and hands the core host mirrors of
// it (the facade takes host pointers today; with the OpenMP or Serial
// backend the mirrors are the same memory, so nothing is copied). Forces go
// back into the KOKKOS force view. Settings, model loading, tallies and the
// ghost exchange are those of pair_style equinet.

#ifdef PAIR_CLASS
// clang-format off
PairStyle(equinet/kk,PairEquinetKokkos<LMPDeviceType>);
PairStyle(equinet/kk/device,PairEquinetKokkos<LMPDeviceType>);
PairStyle(equinet/kk/host,PairEquinetKokkos<LMPHostType>);
// clang-format on
#else

#ifndef LMP_PAIR_EQUINET_KOKKOS_H
#define LMP_PAIR_EQUINET_KOKKOS_H

#include "kokkos_type.h"
#include "pair_equinet.h"

namespace LAMMPS_NS {

template <class DeviceType>
class PairEquinetKokkos : public PairEquinet {
 public:
  using device_type = DeviceType;
  using AT = ArrayTypes<DeviceType>;

  explicit PairEquinetKokkos(class LAMMPS*);

  void compute(int, int) override;
  void init_style() override;

  // Graph-building kernels, public because CUDA lambdas must be in public
  // member functions.
  void build_node_maps(int nlocal, int nall);
  void build_edges(int ncenters);
  void add_forces();

 protected:
  // Device-side graph and its host mirrors (the mirrors alias the device
  // views for host backends).
  Kokkos::View<int*, DeviceType> d_type_z;  // LAMMPS type -> Z (0: NULL)
  Kokkos::View<int*, DeviceType> d_node_of_atom, d_atom_of_node, d_atomic_numbers;
  Kokkos::View<double*, DeviceType> d_positions;
  Kokkos::View<int64_t*, DeviceType> d_offsets;
  Kokkos::View<int*, DeviceType> d_neighbors;
  Kokkos::View<double*, DeviceType> d_forces;

  typename Kokkos::View<int*, DeviceType>::HostMirror h_node_of_atom, h_atom_of_node,
      h_atomic_numbers, h_neighbors;
  typename Kokkos::View<double*, DeviceType>::HostMirror h_positions;
  typename Kokkos::View<int64_t*, DeviceType>::HostMirror h_offsets;

  void forward_exchange() override;
};

}  // namespace LAMMPS_NS

#endif
#endif
