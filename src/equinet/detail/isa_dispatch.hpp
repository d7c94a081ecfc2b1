// Run-time choice of the instruction-set variant of the hot model code.
//
// libequinet holds a portable ("generic") copy of the MACE code. The build
// can add copies compiled for newer x86-64 levels (EQUINET_ISA_VARIANTS, by
// default x86-64-v3 and x86-64-v4), each a shared library
// libequinet_isa_<name>.so beside libequinet that exports one entry point
// (src/equinet_isa/isa_entry.cpp) and keeps everything else hidden. The first
// load that needs one dlopens it (RTLD_LOCAL) from libequinet's directory.
#pragma once

#include <string>

#include "equinet/io/safetensors.hpp"
#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/mace_model.hpp"
#include "equinet/models/mace/mace_potential.hpp"  // what a variant's entry point wraps
#include "equinet/so3/s2_grid_transform.hpp"
#include "equinet/tp/description.hpp"
#include "equinet/tp/detail/product_kernels.hpp"

namespace equinet::detail {

// What libequinet and a variant must agree on to be used together: the
// sizes of the types passed across the boundary, as each side was compiled.
// A stale variant left beside a newer libequinet (a partial install, a
// copied library) is then refused with a message instead of crashing.
inline std::string abi_signature() {
  return "equinet-isa-abi 2: " + std::to_string(sizeof(io::SafetensorsFile)) + " " +
         std::to_string(sizeof(mace::MaceConfig)) + " " +
         std::to_string(sizeof(mace::MaceOptions)) + " " + std::to_string(sizeof(Potential)) + " " +
         std::to_string(sizeof(ModelInfo)) + " " + std::to_string(sizeof(Request)) + " " +
         std::to_string(sizeof(Results)) + " " + std::to_string(sizeof(System)) + " " +
         std::to_string(sizeof(Graph)) + " " + std::to_string(sizeof(LoadOptions)) + " " +
         std::to_string(sizeof(so3::Irreps)) + " " +
         std::to_string(sizeof(tp::TensorProductDescription)) + " " +
         std::to_string(sizeof(so3::S2GridTransform<double>)) + " " +
         std::to_string(sizeof(tp::detail::ProductKernelTable));
}

// Signature of every variant's entry point (and of the generic factory):
// a new MacePotential owned by the caller.
using MaceFactory = Potential* (*)(const io::SafetensorsFile& file, const mace::MaceConfig& config,
                                   const mace::MaceOptions& options, Precision precision);

// The factory for `requested` (LoadOptions::isa). Empty: the EQUINET_ISA
// environment variable if set and not empty, else the best variant this CPU
// supports that was built and loads, else "generic". A requested variant
// that is unknown, not built, unsupported by this CPU or not loadable throws
// equinet::Error naming it and listing the available ones.
MaceFactory select_mace_factory(const std::string& requested);

}  // namespace equinet::detail
