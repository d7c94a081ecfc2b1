// OpenMM plugin entry points of libEquinetOpenMMReference.so.
#include <openmm/internal/windowsExport.h>

#include "HostKernelFactory.h"

extern "C" OPENMM_EXPORT void registerPlatforms() {}

extern "C" OPENMM_EXPORT void registerKernelFactories() {
  EquinetPlugin::registerHostKernelFactory("Reference");
}
