// Turning extended-XYZ frames into the core's System, and building benchmark
// structures from them (supercells, random displacements).
#pragma once

#include <array>
#include <cstdint>

#include "equinet/io/extxyz.hpp"
#include "equinet/potential.hpp"

namespace equinet::cli {

// A view of the frame (valid while the frame lives).
System system_of(const io::Frame& frame);
bool fully_periodic(const io::Frame& frame);
bool any_periodic(const io::Frame& frame);
double cell_volume(const double cell[9]);

// The frame repeated n[k] times along lattice vector k; repeating needs a
// cell and periodicity along every repeated direction. Per-atom arrays are
// repeated, comment-line info is dropped (it describes the original cell).
io::Frame replicate(const io::Frame& frame, const std::array<int, 3>& n);

// Adds independent Gaussian displacements (standard deviation sigma, Å) to
// every coordinate; the same seed gives the same structure with the same build.
void rattle(io::Frame& frame, double sigma, uint64_t seed);

}  // namespace equinet::cli
