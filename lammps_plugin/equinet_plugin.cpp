// Registers pair_style equinet (and equinet/kk, equinet/kk/host when built
// with KOKKOS support) with LAMMPS's `plugin load`.

#include "lammpsplugin.h"
#include "pair_equinet.h"
#include "version.h"
#ifdef EQUINET_LAMMPS_KOKKOS
#include "pair_equinet_kokkos.h"
#endif

using namespace LAMMPS_NS;

namespace {

template <class PairClass>
void* create_pair(void* lmp) {
  return new PairClass(static_cast<LAMMPS*>(lmp));
}

}  // namespace

extern "C" void lammpsplugin_init(void* lmp, void* handle, void* regfunc) {
  auto register_plugin = reinterpret_cast<lammpsplugin_regfunc>(regfunc);
  lammpsplugin_t plugin;
  plugin.version = LAMMPS_VERSION;
  plugin.style = "pair";
  plugin.author = "equinet developers";
  plugin.handle = handle;

  plugin.name = "equinet";
  plugin.info = "equinet equivariant (MACE) potentials";
  plugin.creator.v1 = &create_pair<PairEquinet>;
  register_plugin(&plugin, lmp);

#ifdef EQUINET_LAMMPS_KOKKOS
  plugin.name = "equinet/kk";
  plugin.info = "equinet equivariant (MACE) potentials, KOKKOS";
  plugin.creator.v1 = &create_pair<PairEquinetKokkos<LMPDeviceType>>;
  register_plugin(&plugin, lmp);
  plugin.name = "equinet/kk/device";
  register_plugin(&plugin, lmp);
  plugin.name = "equinet/kk/host";
  plugin.creator.v1 = &create_pair<PairEquinetKokkos<LMPHostType>>;
  register_plugin(&plugin, lmp);
#endif
}
