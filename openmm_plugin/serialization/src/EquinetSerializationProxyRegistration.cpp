// Registers the EquinetForce serialization proxy when the library is loaded,
// so XmlSerializer knows EquinetForce in any program linked with it (the
// Python module included).
#include <openmm/serialization/SerializationProxy.h>

#include <typeinfo>

#include "EquinetForce.h"
#include "EquinetForceProxy.h"

namespace {

struct RegisterProxies {
  RegisterProxies() {
    OpenMM::SerializationProxy::registerProxy(typeid(EquinetPlugin::EquinetForce),
                                              new EquinetPlugin::EquinetForceProxy());
  }
};

const RegisterProxies registerProxies;

}  // namespace
