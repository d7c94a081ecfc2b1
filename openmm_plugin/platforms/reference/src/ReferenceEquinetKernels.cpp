#include "ReferenceEquinetKernels.h"

#include <openmm/OpenMMException.h>
#include <openmm/reference/ReferencePlatform.h>

#include "EquinetUnits.h"
#include "internal/ModelLoading.h"

namespace EquinetPlugin {

namespace {

OpenMM::ReferencePlatform::PlatformData& platformData(OpenMM::ContextImpl& context) {
  return *static_cast<OpenMM::ReferencePlatform::PlatformData*>(context.getPlatformData());
}

equinet::Precision toEquinet(EquinetForce::Precision precision) {
  return precision == EquinetForce::Float32 ? equinet::Precision::Float32
                                            : equinet::Precision::Float64;
}

}  // namespace

void ReferenceCalcEquinetForceKernel::initialize(const OpenMM::System&, const EquinetForce& force) {
  potential =
      loadPotential(force.getModelBytes(), force.getModelFile(), toEquinet(force.getPrecision()));
  particles = force.getParticles();
  atomicNumbers.resize(particles.size());
  for (size_t i = 0; i < particles.size(); i++)
    atomicNumbers[i] = force.getAtomicNumbers()[particles[i]];
  positions.resize(3 * particles.size());
  periodic = force.usesPeriodicBoundaryConditions();
}

double ReferenceCalcEquinetForceKernel::execute(OpenMM::ContextImpl& context, bool includeForces,
                                                bool) {
  OpenMM::ReferencePlatform::PlatformData& data = platformData(context);
  const std::vector<OpenMM::Vec3>& allPositions = *data.positions;
  for (size_t i = 0; i < particles.size(); i++)
    for (int k = 0; k < 3; k++)
      positions[3 * i + k] = allPositions[particles[i]][k] * kAngstromPerNm;

  equinet::System system;
  system.n_atoms = static_cast<int64_t>(particles.size());
  system.positions = positions.data();
  system.atomic_numbers = atomicNumbers.data();
  if (periodic) {
    // OpenMM's box vectors are the rows of the cell.
    for (int row = 0; row < 3; row++)
      for (int k = 0; k < 3; k++)
        system.cell[3 * row + k] = data.periodicBoxVectors[row][k] * kAngstromPerNm;
    system.pbc[0] = system.pbc[1] = system.pbc[2] = true;
  }
  equinet::Request request;
  request.forces = includeForces;
  try {
    potential->compute(system, request, results);
  } catch (const std::exception& e) {
    throw OpenMM::OpenMMException(std::string("EquinetForce: ") + e.what());
  }

  if (includeForces) {
    std::vector<OpenMM::Vec3>& forces = *data.forces;
    for (size_t i = 0; i < particles.size(); i++)
      for (int k = 0; k < 3; k++)
        forces[particles[i]][k] += results.forces[3 * i + k] * kKJPerMolNmPerEvAngstrom;
  }
  return results.energy * kKJPerMolPerEv;
}

}  // namespace EquinetPlugin
