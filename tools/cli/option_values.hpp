// Parsing of option values shared by several subcommands.
#pragma once

#include <array>
#include <string>

#include "args.hpp"
#include "equinet/potential.hpp"

namespace equinet::cli {

// "float32" / "float64" (also "f32", "f64", "single", "double").
Precision parse_dtype(const std::string& text);
const char* dtype_name(Precision precision);
// --dtype and --radial-table (tabulated radial functions, 0 = exact).
LoadOptions load_options(const ParsedArgs& args);
// "AxBxC" with positive integers, e.g. "4x4x4".
std::array<int, 3> parse_repeat(const std::string& text);

}  // namespace equinet::cli
