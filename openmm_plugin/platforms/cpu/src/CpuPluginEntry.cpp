// OpenMM plugin entry points of libEquinetOpenMMCPU.so. CpuPlatform keeps
// positions, forces and box vectors in ReferencePlatform::PlatformData, and
// the model parallelises itself (Kokkos OpenMP), so the CPU platform runs the
// same kernel as the Reference platform.
#include <openmm/internal/windowsExport.h>

#include "HostKernelFactory.h"

extern "C" OPENMM_EXPORT void registerPlatforms() {}

extern "C" OPENMM_EXPORT void registerKernelFactories() {
  EquinetPlugin::registerHostKernelFactory("CPU");
}
