// The MACE implementation of the equinet::Potential facade: turns systems or
// caller graphs into the internal EdgeGraph, runs MaceModel, and derives
// forces and virials from edge forces.
//
// This file and everything it calls per step are "hot" code: besides the
// portable copy in libequinet, the build compiles them again for newer
// instruction sets (src/equinet_isa/, EQUINET_ISA_VARIANTS) and potential.cpp
// picks one at load time (detail/isa_dispatch.hpp).
#pragma once

#include <memory>

#include "equinet/potential.hpp"

namespace equinet::io {
class SafetensorsFile;
}

namespace equinet::mace {

struct MaceConfig;
struct MaceOptions;

// A MacePotential<float> or <double> for a validated file and configuration.
// ModelInfo::isa names the instruction set this copy was compiled for.
std::unique_ptr<Potential> make_mace_potential(const io::SafetensorsFile& file,
                                               const MaceConfig& config, const MaceOptions& options,
                                               Precision precision);

}  // namespace equinet::mace
