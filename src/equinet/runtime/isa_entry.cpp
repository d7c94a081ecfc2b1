// The one exported symbol of an instruction-set variant library
// (libequinet_isa_<name>.so, see src/CMakeLists.txt and isa_dispatch.hpp):
// its table of model families and tensor-product kernels. Everything else in
// the variant is compiled with hidden visibility, so no AVX code can be bound
// to by other libraries; what the variant does not contain comes from
// libequinet.
#include "equinet/models/families.hpp"

#ifndef EQUINET_ISA_LIBRARY_ENTRY
#error "EQUINET_ISA_LIBRARY_ENTRY (the exported symbol's name) must be defined by the build"
#endif

extern "C" __attribute__((visibility("default"))) const equinet::models::LibraryTable*
EQUINET_ISA_LIBRARY_ENTRY() {
  return &equinet::models::library_table();
}
