// Neighbour-list build time against system size (should grow linearly):
// random atoms at silicon's density (0.05 / Å^3) in a periodic cube, and a
// triclinic variant. Run: build-*/bin/bench_neighbor [--benchmark_filter=...]
#include <Kokkos_Core.hpp>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "equinet/neighbor/neighbor_list.hpp"

#if __has_include(<benchmark/benchmark.h>)
#include <benchmark/benchmark.h>

namespace {

struct System {
  std::vector<double> positions;
  double cell[9];
};

// n atoms at density 0.05 / Å^3; skew > 0 tilts the second and third vectors.
System random_system(int n, double skew) {
  const double a = std::cbrt(n / 0.05);
  System s{{}, {a, 0, 0, skew * a, a, 0, -skew * a, skew * a, a}};
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int i = 0; i < n; ++i) {
    const double f[3] = {u(rng), u(rng), u(rng)};
    for (int d = 0; d < 3; ++d)
      s.positions.push_back(f[0] * s.cell[d] + f[1] * s.cell[3 + d] + f[2] * s.cell[6 + d]);
  }
  return s;
}

template <class ExecutionSpace>
void build_list(benchmark::State& state, double skew) {
  const int n = int(state.range(0));
  const System s = random_system(n, skew);
  const bool pbc[3] = {true, true, true};
  equinet::neighbor::BasicNeighborBuilder<ExecutionSpace> builder;
  equinet::neighbor::NeighborList list;
  // Warm-up build: allocation and first-touch page faults are not per-step costs.
  builder.build(n, s.positions.data(), s.cell, pbc, 5.0, list);
  for (auto _ : state) {
    builder.build(n, s.positions.data(), s.cell, pbc, 5.0, list);
    benchmark::DoNotOptimize(list.senders.data());
  }
  state.counters["edges_per_atom"] = double(list.n_edges()) / n;
  state.counters["atoms_per_s"] =
      benchmark::Counter(double(n), benchmark::Counter::kIsIterationInvariantRate);
}

void Cubic_Default(benchmark::State& state) {
  build_list<Kokkos::DefaultHostExecutionSpace>(state, 0.0);
}
void Triclinic_Default(benchmark::State& state) {
  build_list<Kokkos::DefaultHostExecutionSpace>(state, 0.35);
}
BENCHMARK(Cubic_Default)->RangeMultiplier(8)->Range(512, 32768)->Unit(benchmark::kMillisecond);
BENCHMARK(Triclinic_Default)->Arg(4096)->Unit(benchmark::kMillisecond);
#ifdef KOKKOS_ENABLE_SERIAL
void Cubic_Serial(benchmark::State& state) { build_list<Kokkos::Serial>(state, 0.0); }
BENCHMARK(Cubic_Serial)->RangeMultiplier(8)->Range(512, 32768)->Unit(benchmark::kMillisecond);
#endif

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

#else
int main() {
  std::puts("bench_neighbor: Google Benchmark (libbenchmark-dev) is not installed; nothing run");
  return 0;
}
#endif
