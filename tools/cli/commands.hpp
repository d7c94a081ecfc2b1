// The subcommands of the `equinet` tool. Each returns the process exit code
// and throws equinet::Error (exit 1) or UsageError (exit 2) on failure.
#pragma once

#include <string>
#include <vector>

#include "args.hpp"

namespace equinet::cli {

struct Command {
  const char* name;
  const char* usage;    // arguments after "equinet <name>"
  const char* summary;  // one line for `equinet --help`
  OptionSpec options;
  int (*run)(const ParsedArgs&);
};

int run_info(const ParsedArgs& args);
int run_eval(const ParsedArgs& args);
int run_bench(const ParsedArgs& args);

const std::vector<Command>& commands();

}  // namespace equinet::cli
