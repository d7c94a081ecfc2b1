// XML serialization of EquinetForce. The model file's bytes are embedded
// (base64), so a serialized System is self-contained.
#pragma once

#include <openmm/serialization/SerializationProxy.h>

namespace EquinetPlugin {

class EquinetForceProxy : public OpenMM::SerializationProxy {
 public:
  EquinetForceProxy();
  void serialize(const void* object, OpenMM::SerializationNode& node) const override;
  void* deserialize(const OpenMM::SerializationNode& node) const override;
};

}  // namespace EquinetPlugin
