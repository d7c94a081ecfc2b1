#include "option_values.hpp"

#include <cstdlib>
#include <sstream>

namespace equinet::cli {

Precision parse_dtype(const std::string& text) {
  if (text == "float64" || text == "f64" || text == "double") return Precision::Float64;
  if (text == "float32" || text == "f32" || text == "single") return Precision::Float32;
  throw UsageError("--dtype must be float32 or float64, got '" + text + "'");
}

const char* dtype_name(Precision precision) {
  return precision == Precision::Float32 ? "float32" : "float64";
}

LoadOptions load_options(const ParsedArgs& args) {
  LoadOptions options;
  options.precision = parse_dtype(args.get("--dtype", "float64"));
  options.radial_table_intervals = int(args.get_int("--radial-table", 0, 0, 10000000));
  return options;
}

std::array<int, 3> parse_repeat(const std::string& text) {
  std::array<int, 3> n{};
  size_t start = 0;
  for (int k = 0; k < 3; ++k) {
    const size_t end = k < 2 ? text.find('x', start) : text.size();
    const std::string part =
        end == std::string::npos ? std::string() : text.substr(start, end - start);
    char* stop = nullptr;
    const long v = part.empty() ? 0 : std::strtol(part.c_str(), &stop, 10);
    if (part.empty() || *stop != '\0' || v < 1 || v > 1000)
      throw UsageError("--repeat must look like 3x3x3 (positive integers), got '" + text + "'");
    n[k] = int(v);
    start = end + 1;
  }
  return n;
}

}  // namespace equinet::cli
