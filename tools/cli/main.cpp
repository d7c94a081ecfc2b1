// `equinet` command-line tool: dispatches to a subcommand and turns every
// failure into one line on stderr and an exit code (1: error, 2: usage).
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "commands.hpp"
#include "equinet/potential.hpp"

namespace equinet::cli {

const std::vector<Command>& commands() {
  static const std::vector<Command> list = {
      {"info",
       "MODEL [--json]",
       "print a model's elements, cutoff, architecture and versions",
       {{}, {"--json"}, 1, 1},
       run_info},
      {"eval",
       "MODEL IN.extxyz -o OUT.extxyz [--dtype float32|float64] [--radial-table N] [--threads N] "
       "[--quiet]",
       "energies, forces, stress/virial and node energies of every frame",
       {{"-o", "--output", "--dtype", "--radial-table", "--threads"}, {"--quiet"}, 2, 2},
       run_eval},
      {"bench",
       "MODEL IN.extxyz [--dtype float32|float64] [--radial-table N] [--threads N] [--steps N] "
       "[--warmup N] "
       "[--frame K] [--repeat AxBxC] [--rattle SIGMA] [--seed S] [--save-structure OUT.extxyz]",
       "time compute() with forces (and virial) on one frame; prints one JSON object",
       {{"--dtype", "--radial-table", "--threads", "--steps", "--warmup", "--frame", "--repeat",
         "--rattle", "--seed", "--save-structure"},
        {},
        2,
        2},
       run_bench},
  };
  return list;
}

namespace {

void print_overview(std::FILE* to) {
  std::fprintf(to, "usage: equinet <command> [arguments]\n\ncommands:\n");
  for (const auto& c : commands()) std::fprintf(to, "  %-6s %s\n", c.name, c.summary);
  std::fprintf(to, "\n'equinet <command> --help' shows a command's arguments.\n");
}

void print_usage(std::FILE* to, const Command& c) {
  std::fprintf(to, "usage: equinet %s %s\n", c.name, c.usage);
}

}  // namespace
}  // namespace equinet::cli

int main(int argc, char** argv) {
  using namespace equinet::cli;
  const std::vector<std::string> all(argv + 1, argv + argc);
  if (all.empty()) {
    print_overview(stderr);
    return 2;
  }
  if (all[0] == "--help" || all[0] == "-h" || all[0] == "help") {
    print_overview(stdout);
    return 0;
  }
  const Command* command = nullptr;
  for (const auto& c : commands())
    if (all[0] == c.name) command = &c;
  if (!command) {
    std::fprintf(stderr, "equinet: unknown command '%s'\n", all[0].c_str());
    print_overview(stderr);
    return 2;
  }
  const std::vector<std::string> rest(all.begin() + 1, all.end());
  for (const auto& a : rest)
    if (a == "--help" || a == "-h") {
      print_usage(stdout, *command);
      return 0;
    }
  try {
    return command->run(parse_args(rest, command->options));
  } catch (const UsageError& e) {
    std::fprintf(stderr, "equinet %s: %s\n", command->name, e.what());
    print_usage(stderr, *command);
    return 2;
  } catch (const std::exception& e) {
    // equinet::Error carries a message naming the file, key or atom; other
    // exceptions (e.g. out of memory) are reported the same way.
    std::cout.flush();
    std::fprintf(stderr, "equinet: error: %s\n", e.what());
    return 1;
  }
}
