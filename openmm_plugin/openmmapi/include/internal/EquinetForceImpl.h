// The per-Context state of an EquinetForce: checks the System and owns the
// platform's kernel.
#pragma once

#include <openmm/Kernel.h>
#include <openmm/internal/ForceImpl.h>

#include <map>
#include <string>
#include <vector>

#include "EquinetForce.h"

namespace EquinetPlugin {

class EquinetForceImpl : public OpenMM::ForceImpl {
 public:
  explicit EquinetForceImpl(const EquinetForce& owner) : owner(owner) {}
  void initialize(OpenMM::ContextImpl& context) override;
  const EquinetForce& getOwner() const override { return owner; }
  void updateContextState(OpenMM::ContextImpl&, bool&) override {}
  double calcForcesAndEnergy(OpenMM::ContextImpl& context, bool includeForces, bool includeEnergy,
                             int groups) override;
  std::map<std::string, double> getDefaultParameters() override { return {}; }
  std::vector<std::string> getKernelNames() override;

 private:
  const EquinetForce& owner;
  OpenMM::Kernel kernel;
};

}  // namespace EquinetPlugin
