// Run-time choice of the instruction-set variant of the hot code.
//
// libequinet holds a portable ("generic") copy of the model families and the
// tensor-product kernels. The build can add copies compiled for newer x86-64
// levels (EQUINET_ISA_VARIANTS, by default x86-64-v3 and x86-64-v4), each a
// shared library libequinet_isa_<name>.so beside libequinet that exports one
// symbol, its models::LibraryTable (isa_entry.cpp), and keeps everything else
// hidden. The first use that needs one dlopens it (RTLD_LOCAL) from
// libequinet's directory and checks its layout signature.
#pragma once

#include <string>

#include "equinet/models/common/model_family.hpp"

namespace equinet::runtime {

// The library table for `requested`. Empty: the EQUINET_ISA environment
// variable if set and not empty, else the best variant this CPU supports that
// was built and loads, else "generic" (libequinet's own table). A requested
// variant that is unknown, not built, unsupported by this CPU or not
// loadable throws equinet::Error naming it, `origin` (who asked) and the
// available ones.
const models::LibraryTable& select_library(const std::string& requested, const char* origin);

}  // namespace equinet::runtime
