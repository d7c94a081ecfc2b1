// Kernel factory for the platforms that run ReferenceCalcEquinetForceKernel
// (Reference, CPU); each platform's plugin library calls
// registerHostKernelFactory() with its platform name.
#pragma once

#include <openmm/KernelFactory.h>
#include <openmm/OpenMMException.h>
#include <openmm/Platform.h>

#include <string>

#include "ReferenceEquinetKernels.h"

namespace EquinetPlugin {

class HostKernelFactory : public OpenMM::KernelFactory {
 public:
  OpenMM::KernelImpl* createKernelImpl(std::string name, const OpenMM::Platform& platform,
                                       OpenMM::ContextImpl&) const override {
    if (name == CalcEquinetForceKernel::Name())
      return new ReferenceCalcEquinetForceKernel(name, platform);
    throw OpenMM::OpenMMException("EquinetForce: no kernel named '" + name + "' for platform " +
                                  platform.getName());
  }
};

// Registers the factory with the named platform when that platform is loaded
// (the CPU platform is itself a plugin; OpenMM registers every platform of a
// plugin directory before it calls any registerKernelFactories()).
inline void registerHostKernelFactory(const std::string& platformName) {
  for (int i = 0; i < OpenMM::Platform::getNumPlatforms(); i++) {
    OpenMM::Platform& platform = OpenMM::Platform::getPlatform(i);
    if (platform.getName() == platformName)
      platform.registerKernelFactory(CalcEquinetForceKernel::Name(), new HostKernelFactory());
  }
}

}  // namespace EquinetPlugin
