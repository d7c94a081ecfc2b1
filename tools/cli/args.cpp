#include "args.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

namespace equinet::cli {

bool ParsedArgs::has(const std::string& name) const {
  return flags_.count(name) > 0 || values_.count(name) > 0;
}

std::string ParsedArgs::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

int64_t ParsedArgs::get_int(const std::string& name, int64_t fallback, int64_t min,
                            int64_t max) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& text = it->second;
  char* end = nullptr;
  errno = 0;
  const long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || v < min || v > max)
    throw UsageError(name + " needs an integer in [" + std::to_string(min) + ", " +
                     std::to_string(max) + "], got '" + text + "'");
  return v;
}

double ParsedArgs::get_real(const std::string& name, double fallback, double min) const {
  auto it = values_.find(name);
  if (it == values_.end()) return fallback;
  const std::string& text = it->second;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v) || v < min)
    throw UsageError(name + " needs a number >= " + std::to_string(min) + ", got '" + text + "'");
  return v;
}

ParsedArgs parse_args(const std::vector<std::string>& args, const OptionSpec& spec) {
  ParsedArgs out;
  bool options_done = false;  // after "--" everything is positional
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (options_done || a.size() < 2 || a[0] != '-') {
      out.positional.push_back(a);
      continue;
    }
    if (a == "--") {
      options_done = true;
      continue;
    }
    std::string name = a, value;
    const auto eq = a.find('=');
    const bool inline_value = a.rfind("--", 0) == 0 && eq != std::string::npos;
    if (inline_value) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
    }
    if (spec.flags.count(name)) {
      if (inline_value) throw UsageError(name + " takes no value");
      out.flags_.insert(name);
    } else if (spec.valued.count(name)) {
      if (!inline_value) {
        if (i + 1 >= args.size()) throw UsageError(name + " needs a value");
        value = args[++i];
      }
      if (out.values_.count(name)) throw UsageError(name + " given twice");
      out.values_[name] = value;
    } else {
      throw UsageError("unknown option " + name);
    }
  }
  const int n = int(out.positional.size());
  if (n < spec.min_positional) throw UsageError("missing arguments");
  if (n > spec.max_positional)
    throw UsageError("unexpected argument '" + out.positional[n - 1] + "'");
  return out;
}

}  // namespace equinet::cli
