// MACE energy + forces on rattled diamond Si (512 and 1728 atoms by default),
// float64 and float32: reports µs/atom/step and peak resident memory.
// Usage: bench_mace MODEL [--atoms-per-side N ...] [--steps S] [--dtype float32|float64|both]
//                   [--radial-table N] [--skin Å (1.0)] [--md-step Å (0.005)]
// Threads: OMP_NUM_THREADS / --kokkos-threads=N (Kokkos' own flag).
#include <sys/resource.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "equinet/detail/profiler.hpp"
#include "equinet/potential.hpp"

namespace {

struct Crystal {
  std::vector<double> positions;
  std::vector<int> numbers;
  double cell[9];
};

// Cubic diamond Si (a = 5.43 Å), n x n x n conventional cells, rattled.
Crystal diamond_si(int n, double rattle, unsigned seed) {
  const double a = 5.43;
  const double basis[8][3] = {{0, 0, 0},       {0, .5, .5},     {.5, 0, .5},     {.5, .5, 0},
                              {.25, .25, .25}, {.25, .75, .75}, {.75, .25, .75}, {.75, .75, .25}};
  Crystal c;
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, rattle);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        for (const auto& b : basis) {
          c.positions.push_back(a * (i + b[0]) + g(rng));
          c.positions.push_back(a * (j + b[1]) + g(rng));
          c.positions.push_back(a * (k + b[2]) + g(rng));
          c.numbers.push_back(14);
        }
  std::fill(c.cell, c.cell + 9, 0.0);
  c.cell[0] = c.cell[4] = c.cell[8] = a * n;
  return c;
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;
}

// Each timed step first moves every atom by a Gaussian step of md_step Å
// per coordinate (thermal motion in a ~1 fs MD step is ~0.005 Å), so that
// the neighbour list is reused (or rebuilt) as in a simulation.
void run(const std::string& model, equinet::Precision p, int n, int steps, int table, double skin,
         double md_step) {
  equinet::LoadOptions opt;
  opt.precision = p;
  opt.radial_table_intervals = table;
  opt.neighbor_skin = skin;
  auto pot = equinet::Potential::load(model, opt);
  Crystal c = diamond_si(n, 0.05, 7);
  std::mt19937 rng(17);
  std::normal_distribution<double> step(0.0, md_step);
  equinet::System s;
  s.n_atoms = int64_t(c.numbers.size());
  s.positions = c.positions.data();
  s.atomic_numbers = c.numbers.data();
  std::copy(c.cell, c.cell + 9, s.cell);
  s.pbc[0] = s.pbc[1] = s.pbc[2] = true;
  equinet::Request req;
  req.forces = true;
  equinet::Results res;
  pot->compute(s, req, res);  // warm-up: grows every buffer once
  equinet::detail::profile_reset();
  std::vector<double> ms;
  for (int k = 0; k < steps; ++k) {
    if (md_step > 0)
      for (double& x : c.positions) x += step(rng);
    const auto t0 = std::chrono::steady_clock::now();
    pot->compute(s, req, res);
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  const double med = ms[ms.size() / 2];
  std::printf(
      "{\"atoms\": %lld, \"edges\": %lld, \"dtype\": \"%s\", \"threads\": %d, \"steps\": %d, "
      "\"radial_table\": %d, \"skin\": %.2f, \"md_step\": %.3f, \"median_ms_per_step\": %.3f, "
      "\"us_per_atom_step\": %.2f, \"peak_rss_mb\": %.1f, \"isa\": \"%s\"}\n",
      (long long)s.n_atoms, (long long)res.n_edges,
      p == equinet::Precision::Float32 ? "float32" : "float64",
      Kokkos::DefaultHostExecutionSpace::concurrency(), steps, table, skin, md_step, med,
      1000.0 * med / s.n_atoms, peak_rss_mb(), pot->info().isa.c_str());
  if (equinet::detail::profiling_enabled())
    for (const auto& [phase, t] : equinet::detail::profile_report())
      std::printf("  %-40s %8.2f ms/step\n", phase.c_str(), 1000.0 * t.first / steps);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  std::string model = std::string(EQUINET_SHARED_DIR) + "/testdata/mace/periodic.safetensors";
  std::vector<int> sides;
  int steps = 5, table = 0;
  double skin = 1.0, md_step = 0.005;
  std::string dtype = "both";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--atoms-per-side" && i + 1 < argc)
      sides.push_back(std::stoi(argv[++i]));
    else if (a == "--steps" && i + 1 < argc)
      steps = std::stoi(argv[++i]);
    else if (a == "--dtype" && i + 1 < argc)
      dtype = argv[++i];
    else if (a == "--radial-table" && i + 1 < argc)
      table = std::stoi(argv[++i]);
    else if (a == "--skin" && i + 1 < argc)
      skin = std::stod(argv[++i]);
    else if (a == "--md-step" && i + 1 < argc)
      md_step = std::stod(argv[++i]);
    else if (a.rfind("--kokkos", 0) == 0)
      continue;
    else
      model = a;
  }
  if (sides.empty()) sides = {4, 6};  // 512 and 1728 atoms
  try {
    for (int n : sides) {
      if (dtype != "float32")
        run(model, equinet::Precision::Float64, n, steps, table, skin, md_step);
      if (dtype != "float64")
        run(model, equinet::Precision::Float32, n, steps, table, skin, md_step);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_mace: %s\n", e.what());
    return 1;
  }
  return 0;
}
