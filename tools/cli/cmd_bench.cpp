// `equinet bench MODEL IN.extxyz`: times compute() (energy + forces, plus the
// virial for periodic frames) on one structure and prints one JSON object.
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "equinet/io/extxyz.hpp"
#include "equinet/potential.hpp"
#include "kokkos_session.hpp"
#include "option_values.hpp"
#include "structure.hpp"

namespace equinet::cli {
namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Peak resident set size of this process so far, MB (Linux: ru_maxrss in KiB).
double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return double(usage.ru_maxrss) / 1024.0;
}

// How to build the structure to time, parsed before any file is read so that
// misuse is reported as such.
struct StructureOptions {
  int64_t frame = 0;
  std::array<int, 3> repeat{1, 1, 1};
  double rattle_sigma = 0;
  uint64_t seed = 0;
  std::string save_path;
};

StructureOptions structure_options(const ParsedArgs& args) {
  StructureOptions o;
  o.frame = args.get_int("--frame", 0, 0, int64_t(1) << 40);
  if (args.has("--repeat")) o.repeat = parse_repeat(args.get("--repeat", ""));
  o.rattle_sigma = args.get_real("--rattle", 0.0, 0.0);
  o.seed = uint64_t(args.get_int("--seed", 0, 0, int64_t(1) << 62));
  o.save_path = args.get("--save-structure", "");
  return o;
}

// The frame to time: frame K of the file, repeated and rattled as asked.
io::Frame build_structure(const StructureOptions& o, const std::string& input_path) {
  std::vector<io::Frame> frames = io::read_extxyz(input_path);
  if (o.frame >= int64_t(frames.size()))
    throw Error(input_path + ": --frame " + std::to_string(o.frame) + " but the file has " +
                std::to_string(frames.size()) + " frame(s)");
  io::Frame frame = std::move(frames[size_t(o.frame)]);
  if (o.repeat != std::array<int, 3>{1, 1, 1}) frame = replicate(frame, o.repeat);
  if (o.rattle_sigma > 0) rattle(frame, o.rattle_sigma, o.seed);
  if (!o.save_path.empty()) io::write_extxyz(o.save_path, {frame});
  return frame;
}

}  // namespace

int run_bench(const ParsedArgs& args) {
  const std::string& model_path = args.positional[0];
  const std::string& input_path = args.positional[1];
  const LoadOptions options = load_options(args);
  const int threads = int(args.get_int("--threads", 0, 1, 4096));
  const int steps = int(args.get_int("--steps", 20, 1, 1000000));
  const int warmup = int(args.get_int("--warmup", 3, 0, 1000000));
  const StructureOptions structure = structure_options(args);

  KokkosSession kokkos(threads);
  const io::Frame frame = build_structure(structure, input_path);
  auto potential = Potential::load(model_path, options);
  const System system = system_of(frame);
  Request request;
  request.forces = true;
  request.virial = any_periodic(frame);
  Results results;

  using Clock = std::chrono::steady_clock;
  auto timed_step = [&] {
    const auto t0 = Clock::now();
    potential->compute(system, request, results);
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  };
  std::vector<double> step_ms;
  for (int s = 0; s < warmup + steps; ++s) {
    double ms = 0;
    try {
      ms = timed_step();
    } catch (const Error& e) {  // a bad structure fails on the first step: say where it is from
      throw Error(input_path + ": frame " + std::to_string(structure.frame) + ": " + e.what());
    }
    if (s >= warmup) step_ms.push_back(ms);
  }
  const double med = median(step_ms);
  const double atoms = double(std::max<int64_t>(frame.size(), 1));

  nlohmann::ordered_json j;
  j["model"] = model_path;
  j["input"] = input_path;
  j["atoms"] = frame.size();
  j["edges"] = results.n_edges;
  j["periodic"] = any_periodic(frame);
  j["dtype"] = dtype_name(options.precision);
  j["radial_table_intervals"] = options.radial_table_intervals;
  j["threads"] = KokkosSession::concurrency();
  j["steps"] = steps;
  j["warmup"] = warmup;
  j["virial"] = request.virial;
  j["energy"] = results.energy;
  j["median_ms"] = med;
  j["min_ms"] = *std::min_element(step_ms.begin(), step_ms.end());
  j["max_ms"] = *std::max_element(step_ms.begin(), step_ms.end());
  j["us_per_atom_step"] = med * 1000.0 / atoms;
  j["peak_rss_mb"] = peak_rss_mb();
  j["environment"] = KokkosSession::environment();
  std::cout << j.dump(2) << std::endl;
  return 0;
}

}  // namespace equinet::cli
