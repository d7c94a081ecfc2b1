// Compiled into libequinet and into every instruction-set variant, where the
// build defines EQUINET_ISA_NAME (src/CMakeLists.txt).
#include "equinet/models/common/model_family.hpp"

#ifndef EQUINET_ISA_NAME
#define EQUINET_ISA_NAME "generic"
#endif

namespace equinet::models {

const char* library_isa() { return EQUINET_ISA_NAME; }

}  // namespace equinet::models
