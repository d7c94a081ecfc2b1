// EquinetForce: an OpenMM Force whose energy is an equinet machine-learned
// potential (e.g. a MACE model) evaluated on all particles or on a subset of
// them (ML/MM: the other particles stay classical).
//
// OpenMM units at this interface (nm, kJ/mol); the conversion to the model's
// units (Å, eV) happens in the kernels, see EquinetUnits.h.
#pragma once

#include <openmm/Force.h>

#include <string>
#include <vector>

namespace EquinetPlugin {

class EquinetForce : public OpenMM::Force {
 public:
  enum Precision { Float32 = 0, Float64 = 1 };

  // Reads the model file now and embeds its bytes in the force (and in
  // serialized Systems), so later changes to the file do not matter.
  // atomicNumbers: one entry per particle of the System. particles: the
  // indices the model acts on; empty means all particles. Throws
  // OpenMM::OpenMMException for an unreadable or invalid model, an index out
  // of range or repeated, or an element of a selected particle that the
  // model does not know.
  EquinetForce(const std::string& modelFile, const std::vector<int>& atomicNumbers,
               const std::vector<int>& particles = std::vector<int>());

  // The same from model bytes already in memory (used by deserialization);
  // modelName is only used in messages and by getModelFile().
  static EquinetForce* fromModelBytes(const std::string& modelBytes, const std::string& modelName,
                                      const std::vector<int>& atomicNumbers,
                                      const std::vector<int>& particles = std::vector<int>());

  const std::string& getModelFile() const { return modelFile; }
  const std::string& getModelBytes() const { return modelBytes; }
  // One per System particle, as given to the constructor.
  const std::vector<int>& getAtomicNumbers() const { return atomicNumbers; }
  // The selected particles (all of them, in order, when none were given).
  const std::vector<int>& getParticles() const { return particles; }
  // True when the constructor was given an explicit subset.
  bool hasParticleSubset() const { return subset; }
  // The model's cutoff radius in nm and its elements (atomic numbers).
  double getCutoff() const { return cutoffNm; }
  const std::vector<int>& getModelElements() const { return modelElements; }

  Precision getPrecision() const { return precision; }
  void setPrecision(Precision value) { precision = value; }

  // Periodic: the Context's box vectors (triclinic allowed) define the cell.
  void setUsesPeriodicBoundaryConditions(bool periodic) { usesPeriodic = periodic; }
  bool usesPeriodicBoundaryConditions() const override { return usesPeriodic; }

 protected:
  OpenMM::ForceImpl* createImpl() const override;

 private:
  struct FromBytes {};
  EquinetForce(FromBytes, const std::string& modelBytes, const std::string& modelName,
               const std::vector<int>& atomicNumbers, const std::vector<int>& particles);
  void validate(const std::vector<int>& requested);

  std::string modelFile;
  std::string modelBytes;
  std::vector<int> atomicNumbers;
  std::vector<int> particles;
  bool subset = false;
  double cutoffNm = 0.0;
  std::vector<int> modelElements;
  Precision precision = Float64;
  bool usesPeriodic = false;
};

}  // namespace EquinetPlugin
