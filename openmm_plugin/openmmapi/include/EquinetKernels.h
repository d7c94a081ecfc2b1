// The kernel interface that each platform implements for EquinetForce.
#pragma once

#include <openmm/KernelImpl.h>
#include <openmm/System.h>
#include <openmm/internal/ContextImpl.h>

#include <string>

#include "EquinetForce.h"

namespace EquinetPlugin {

class CalcEquinetForceKernel : public OpenMM::KernelImpl {
 public:
  static std::string Name() { return "CalcEquinetForce"; }
  CalcEquinetForceKernel(const std::string& name, const OpenMM::Platform& platform)
      : OpenMM::KernelImpl(name, platform) {}
  // Loads the force's model (once per Context).
  virtual void initialize(const OpenMM::System& system, const EquinetForce& force) = 0;
  // Adds forces (kJ/mol/nm) when includeForces; returns the energy in kJ/mol.
  virtual double execute(OpenMM::ContextImpl& context, bool includeForces, bool includeEnergy) = 0;
};

}  // namespace EquinetPlugin
