#include "EquinetForce.h"

#include <openmm/OpenMMException.h>

#include <algorithm>

#include "EquinetUnits.h"
#include "internal/EquinetForceImpl.h"
#include "internal/ModelLoading.h"

namespace EquinetPlugin {

EquinetForce::EquinetForce(const std::string& modelFile, const std::vector<int>& atomicNumbers,
                           const std::vector<int>& particles)
    : EquinetForce(FromBytes{}, readModelFile(modelFile), modelFile, atomicNumbers, particles) {}

EquinetForce* EquinetForce::fromModelBytes(const std::string& modelBytes,
                                           const std::string& modelName,
                                           const std::vector<int>& atomicNumbers,
                                           const std::vector<int>& particles) {
  return new EquinetForce(FromBytes{}, modelBytes, modelName, atomicNumbers, particles);
}

EquinetForce::EquinetForce(FromBytes, const std::string& modelBytes, const std::string& modelName,
                           const std::vector<int>& atomicNumbers, const std::vector<int>& particles)
    : modelFile(modelName), modelBytes(modelBytes), atomicNumbers(atomicNumbers) {
  validate(particles);
}

// Checks the selection against the atomic numbers and the model's elements
// now, so that mistakes surface where the force is built, not at Context
// creation.
void EquinetForce::validate(const std::vector<int>& requested) {
  const int numParticles = static_cast<int>(atomicNumbers.size());
  subset = !requested.empty();
  if (subset) {
    std::vector<bool> seen(numParticles, false);
    for (int index : requested) {
      if (index < 0 || index >= numParticles)
        throw OpenMM::OpenMMException("EquinetForce: particle index " + std::to_string(index) +
                                      " is out of range (atomic numbers were given for " +
                                      std::to_string(numParticles) + " particles)");
      if (seen[index])
        throw OpenMM::OpenMMException("EquinetForce: particle index " + std::to_string(index) +
                                      " is selected twice");
      seen[index] = true;
    }
    particles = requested;
  } else {
    particles.resize(numParticles);
    for (int i = 0; i < numParticles; i++) particles[i] = i;
  }
  if (particles.empty())
    throw OpenMM::OpenMMException("EquinetForce: no particles (the atomic numbers are empty)");

  // The metadata is enough here: the kernels build the model per Context.
  const equinet::ModelInfo info = inspectModel(modelBytes, modelFile);
  modelElements = info.atomic_numbers;
  cutoffNm = info.cutoff / kAngstromPerNm;
  for (int index : particles) {
    int z = atomicNumbers[index];
    if (std::find(modelElements.begin(), modelElements.end(), z) == modelElements.end()) {
      std::string known;
      for (int element : modelElements) known += " " + equinet::element_symbol(element);
      std::string name = equinet::element_symbol(z);
      throw OpenMM::OpenMMException("EquinetForce: particle " + std::to_string(index) +
                                    " has atomic number " + std::to_string(z) +
                                    (name.empty() ? "" : " (" + name + ")") + ", which model '" +
                                    modelFile + "' does not know (its elements:" + known + ")");
    }
  }
}

OpenMM::ForceImpl* EquinetForce::createImpl() const { return new EquinetForceImpl(*this); }

}  // namespace EquinetPlugin
