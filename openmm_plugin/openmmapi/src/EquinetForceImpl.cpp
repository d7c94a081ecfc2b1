#include "internal/EquinetForceImpl.h"

#include <openmm/OpenMMException.h>
#include <openmm/internal/ContextImpl.h>

#include "EquinetKernels.h"

namespace EquinetPlugin {

void EquinetForceImpl::initialize(OpenMM::ContextImpl& context) {
  const OpenMM::System& system = context.getSystem();
  const int numAtomicNumbers = static_cast<int>(owner.getAtomicNumbers().size());
  if (numAtomicNumbers != system.getNumParticles())
    throw OpenMM::OpenMMException(
        "EquinetForce: atomic numbers were given for " + std::to_string(numAtomicNumbers) +
        " particles, but the System has " + std::to_string(system.getNumParticles()));
  for (int index : owner.getParticles())
    if (system.isVirtualSite(index))
      throw OpenMM::OpenMMException("EquinetForce: particle " + std::to_string(index) +
                                    " is a virtual site and cannot be in the model's subset");
  kernel = context.getPlatform().createKernel(CalcEquinetForceKernel::Name(), context);
  kernel.getAs<CalcEquinetForceKernel>().initialize(system, owner);
}

double EquinetForceImpl::calcForcesAndEnergy(OpenMM::ContextImpl& context, bool includeForces,
                                             bool includeEnergy, int groups) {
  if ((groups & (1 << owner.getForceGroup())) == 0) return 0.0;
  return kernel.getAs<CalcEquinetForceKernel>().execute(context, includeForces, includeEnergy);
}

std::vector<std::string> EquinetForceImpl::getKernelNames() {
  return {CalcEquinetForceKernel::Name()};
}

}  // namespace EquinetPlugin
