#include "EquinetForceProxy.h"

#include <openmm/OpenMMException.h>
#include <openmm/serialization/SerializationNode.h>

#include <memory>

#include "Base64.h"
#include "EquinetForce.h"

namespace EquinetPlugin {

namespace {
// Version 1: model, modelName, precision, periodic, forceGroup, name,
// AtomicNumbers (one per System particle), subset and, when subset is true,
// Particles (the indices the model acts on).
constexpr int kVersion = 1;
}  // namespace

EquinetForceProxy::EquinetForceProxy() : OpenMM::SerializationProxy("EquinetForce") {}

void EquinetForceProxy::serialize(const void* object, OpenMM::SerializationNode& node) const {
  const EquinetForce& force = *static_cast<const EquinetForce*>(object);
  node.setIntProperty("version", kVersion);
  node.setStringProperty("modelName", force.getModelFile());
  node.setStringProperty("model", base64Encode(force.getModelBytes()));
  node.setIntProperty("precision", force.getPrecision() == EquinetForce::Float32 ? 32 : 64);
  node.setBoolProperty("periodic", force.usesPeriodicBoundaryConditions());
  node.setIntProperty("forceGroup", force.getForceGroup());
  node.setStringProperty("name", force.getName());
  OpenMM::SerializationNode& numbers = node.createChildNode("AtomicNumbers");
  for (int z : force.getAtomicNumbers()) numbers.createChildNode("Particle").setIntProperty("z", z);
  node.setBoolProperty("subset", force.hasParticleSubset());
  if (force.hasParticleSubset()) {
    OpenMM::SerializationNode& particles = node.createChildNode("Particles");
    for (int index : force.getParticles())
      particles.createChildNode("Particle").setIntProperty("index", index);
  }
}

void* EquinetForceProxy::deserialize(const OpenMM::SerializationNode& node) const {
  const int version = node.getIntProperty("version");
  if (version != kVersion)
    throw OpenMM::OpenMMException("EquinetForce: unsupported serialization version " +
                                  std::to_string(version) + " (this plugin reads version " +
                                  std::to_string(kVersion) + ")");
  std::vector<int> atomicNumbers;
  for (const OpenMM::SerializationNode& particle : node.getChildNode("AtomicNumbers").getChildren())
    atomicNumbers.push_back(particle.getIntProperty("z"));
  std::vector<int> particles;
  if (node.getBoolProperty("subset"))
    for (const OpenMM::SerializationNode& particle : node.getChildNode("Particles").getChildren())
      particles.push_back(particle.getIntProperty("index"));
  std::unique_ptr<EquinetForce> force(
      EquinetForce::fromModelBytes(base64Decode(node.getStringProperty("model")),
                                   node.getStringProperty("modelName"), atomicNumbers, particles));
  const int precision = node.getIntProperty("precision");
  if (precision != 32 && precision != 64)
    throw OpenMM::OpenMMException("EquinetForce: serialized precision must be 32 or 64, not " +
                                  std::to_string(precision));
  force->setPrecision(precision == 32 ? EquinetForce::Float32 : EquinetForce::Float64);
  force->setUsesPeriodicBoundaryConditions(node.getBoolProperty("periodic"));
  force->setForceGroup(node.getIntProperty("forceGroup"));
  force->setName(node.getStringProperty("name"));
  return force.release();
}

}  // namespace EquinetPlugin
