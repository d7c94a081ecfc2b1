// Command-line parsing for the `equinet` tool: positional arguments plus
// `--name value` / `--name=value` options and `--flag` switches declared per
// command. Any misuse throws UsageError (exit code 2), never equinet::Error.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace equinet::cli {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct OptionSpec {
  std::set<std::string> valued;  // options taking a value, e.g. "-o", "--dtype"
  std::set<std::string> flags;   // switches, e.g. "--json"
  int min_positional = 0;
  int max_positional = 0;
};

class ParsedArgs {
 public:
  std::vector<std::string> positional;

  bool has(const std::string& name) const;
  std::string get(const std::string& name, const std::string& fallback) const;
  // Numbers with range checks; a malformed or out-of-range value is a UsageError.
  int64_t get_int(const std::string& name, int64_t fallback, int64_t min, int64_t max) const;
  double get_real(const std::string& name, double fallback, double min) const;

 private:
  friend ParsedArgs parse_args(const std::vector<std::string>&, const OptionSpec&);
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
};

ParsedArgs parse_args(const std::vector<std::string>& args, const OptionSpec& spec);

}  // namespace equinet::cli
