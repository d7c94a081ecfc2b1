// `equinet eval MODEL IN.extxyz -o OUT.extxyz`: evaluates every frame and
// writes it back with the model's results (ASE key names and units).
#include <chrono>
#include <cstdio>
#include <filesystem>
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

// Results replace whatever the input held under the same names, so a
// non-periodic frame never keeps a stale stress.
const char* const kResultInfo[] = {"energy", "free_energy", "stress", "virial"};
const char* const kResultArrays[] = {"forces", "node_energy"};

void store_results(const Results& r, io::Frame& frame) {
  for (const char* key : kResultInfo) frame.info.erase(key);
  for (const char* key : kResultArrays) frame.arrays.erase(key);
  frame.info["energy"] = io::InfoValue::real(r.energy);
  std::vector<double> virial(r.virial, r.virial + 9);
  frame.info["virial"] = io::InfoValue::real_array(virial);
  if (fully_periodic(frame)) {
    // ASE sign: σ = -W / V (positive = tensile).
    const double volume = cell_volume(frame.cell);
    std::vector<double> stress(9);
    for (int k = 0; k < 9; ++k) stress[k] = -r.virial[k] / volume;
    frame.info["stress"] = io::InfoValue::real_array(stress);
  }
  io::PerAtomArray forces{io::ColumnType::Real, 3, r.forces, {}};
  io::PerAtomArray node_energy{io::ColumnType::Real, 1, r.atom_energies, {}};
  frame.arrays["forces"] = std::move(forces);
  frame.arrays["node_energy"] = std::move(node_energy);
}

// Reports progress on stderr at most once a second, so short runs stay quiet.
class Progress {
 public:
  Progress(size_t total, bool enabled) : total_(total), enabled_(enabled) {}
  void done(size_t count) {
    if (!enabled_) return;
    const auto now = Clock::now();
    if (now - last_ < std::chrono::seconds(1) && count < total_) return;
    if (now - start_ < std::chrono::seconds(1)) return;  // finished quickly: say nothing
    last_ = now;
    std::fprintf(stderr, "frame %zu/%zu\n", count, total_);
  }

 private:
  using Clock = std::chrono::steady_clock;
  size_t total_;
  bool enabled_;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = start_;
};

}  // namespace

int run_eval(const ParsedArgs& args) {
  const std::string& model_path = args.positional[0];
  const std::string& input_path = args.positional[1];
  if (args.has("-o") && args.has("--output")) throw UsageError("give -o or --output, not both");
  const std::string output_path = args.get("-o", args.get("--output", ""));
  if (output_path.empty()) throw UsageError("missing -o OUT.extxyz");
  const LoadOptions options = load_options(args);
  const int threads = int(args.get_int("--threads", 0, 1, 4096));

  // Fail before any work if the output cannot be written where asked.
  const auto out_dir = std::filesystem::absolute(output_path).parent_path();
  if (!std::filesystem::is_directory(out_dir))
    throw Error(output_path + ": output directory " + out_dir.string() + " does not exist");

  KokkosSession kokkos(threads);
  auto potential = Potential::load(model_path, options);
  std::vector<io::Frame> frames = io::read_extxyz(input_path);

  Request request;
  request.forces = request.virial = request.atom_energies = true;
  Results results;
  Progress progress(frames.size(), !args.has("--quiet"));
  for (size_t f = 0; f < frames.size(); ++f) {
    try {
      potential->compute(system_of(frames[f]), request, results);
    } catch (const Error& e) {
      throw Error(input_path + ": frame " + std::to_string(f) + ": " + e.what());
    }
    store_results(results, frames[f]);
    progress.done(f + 1);
  }
  io::write_extxyz(output_path, frames);
  return 0;
}

}  // namespace equinet::cli
