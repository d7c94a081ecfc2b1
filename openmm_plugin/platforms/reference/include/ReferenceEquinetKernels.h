// The EquinetForce kernel for platforms that keep positions and forces in
// ReferencePlatform::PlatformData: Reference, and CPU (CpuPlatform derives
// from ReferencePlatform and keeps that data authoritative). The model's own
// parallelism (Kokkos) does the heavy work, so both share this kernel.
#pragma once

#include <equinet/potential.hpp>
#include <memory>
#include <vector>

#include "EquinetKernels.h"

namespace EquinetPlugin {

class ReferenceCalcEquinetForceKernel : public CalcEquinetForceKernel {
 public:
  ReferenceCalcEquinetForceKernel(const std::string& name, const OpenMM::Platform& platform)
      : CalcEquinetForceKernel(name, platform) {}
  void initialize(const OpenMM::System& system, const EquinetForce& force) override;
  double execute(OpenMM::ContextImpl& context, bool includeForces, bool includeEnergy) override;

 private:
  std::unique_ptr<equinet::Potential> potential;  // loaded once per Context
  std::vector<int> particles;                     // System indices of the model's atoms
  std::vector<int> atomicNumbers;                 // per model atom
  std::vector<double> positions;                  // per model atom, Å
  equinet::Results results;                       // reused between steps
  bool periodic = false;
};

}  // namespace EquinetPlugin
