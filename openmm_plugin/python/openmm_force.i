// The part of OpenMM's Force that openmmequinet needs to know: enough for
// SWIG to make EquinetForce a subclass of openmm.Force (Debian's OpenMM ships
// no SWIG interface files). Imported, never wrapped: the methods come from
// the openmm module.
%{
#include <openmm/Force.h>
%}

namespace OpenMM {
class Force {
 public:
  virtual ~Force();
  int getForceGroup() const;
  void setForceGroup(int group);
  virtual bool usesPeriodicBoundaryConditions() const;
};
}  // namespace OpenMM
