// Time per call of the channel-wise tensor products (a)-(e) for L = 1..8
// (inputs up to L, outputs up to 2L; the many-body product: A up to L,
// ν = 2..3, outputs up to L), C = 32 and 128 channels, float and double;
// "cg_uvu": the CG product of uvu paths (in2 one channel up to L, as the
// spherical harmonics of an edge in MACE's convolution). Rows are m-major
// (so3::FeatureLayout), random.
// Threads: set OMP_NUM_THREADS (Kokkos' OpenMP backend takes its default from it).
// Names: <pass>/<product>/<float|double>/L<L>/C<C>, e.g. "fwd/grid/double/L6/C128";
// scripts/plot_tp_benchmarks.py selects with --benchmark_filter.
// Rows per call: 10^4, or EQUINET_BENCH_ROWS. Degrees L = 1..8, or up to
// EQUINET_BENCH_LMAX. Kernels: the best instruction-set variant, or
// EQUINET_ISA (e.g. "generic"); each result's label names the variant used.
#include <benchmark/benchmark.h>

#include <Kokkos_Core.hpp>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "equinet/tp/cg_product.hpp"
#include "equinet/tp/fourier_product.hpp"
#include "equinet/tp/grid_product.hpp"
#include "equinet/tp/many_body_product.hpp"

using namespace equinet;
using namespace equinet::tp;

namespace {

int env_int(const char* name, int fallback) {
  const char* env = std::getenv(name);
  return env && *env ? std::atoi(env) : fallback;
}

so3::Irreps sh_irreps(int C, int L, int sign = 1) {
  std::string s;
  for (int l = 0; l <= L; ++l)
    s += (l ? "+" : "") + std::to_string(C) + "x" + std::to_string(l) +
         ((((l % 2) ? -sign : sign) > 0) ? "e" : "o");
  return so3::Irreps::parse(s);
}

template <typename T>
std::vector<T> random_vector(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> v(n);
  for (auto& x : v) x = T(u(rng));
  return v;
}

// One product's forward and reverse on preallocated buffers.
template <typename T>
struct Case {
  std::function<void()> forward, reverse;
  std::string isa;  // instruction-set variant of the kernels
};

template <typename T>
Case<T> make_case(const std::string& kind, int L, int C, int rows) {
  const auto in = sh_irreps(C, L), out = sh_irreps(C, 2 * L), pout = sh_irreps(C, 2 * L, -1);
  if (kind == "manybody") {
    const int nu = 3;
    auto p = std::make_shared<ManyBodyGridProduct<T>>(in, in, nu);
    auto a = std::make_shared<std::vector<T>>(random_vector<T>(size_t(rows) * in.dim(), 1));
    auto z = std::make_shared<std::vector<T>>(size_t(rows) * p->out_row_dim());
    auto aa = std::make_shared<std::vector<T>>(a->size());
    return {[=] { p->forward(rows, a->data(), z->data()); },
            [=] { p->reverse(rows, a->data(), z->data(), aa->data()); }, p->isa()};
  }
  const auto& o = kind == "vector" ? pout : out;
  auto x = std::make_shared<std::vector<T>>(random_vector<T>(size_t(rows) * in.dim(), 1));
  auto y = std::make_shared<std::vector<T>>(random_vector<T>(size_t(rows) * in.dim(), 2));
  auto z = std::make_shared<std::vector<T>>(random_vector<T>(size_t(rows) * o.dim(), 3));
  auto xa = std::make_shared<std::vector<T>>(x->size()),
       ya = std::make_shared<std::vector<T>>(y->size());
  auto bind = [=](auto p, const std::string& isa) -> Case<T> {
    return {[=] { p->forward(rows, x->data(), y->data(), z->data()); },
            [=] { p->reverse(rows, x->data(), y->data(), z->data(), xa->data(), ya->data()); },
            isa};
  };
  auto bind_cg = [=](auto p) -> Case<T> {
    return {[=] { p->forward(rows, x->data(), y->data(), nullptr, z->data()); },
            [=] {
              p->reverse(rows, x->data(), y->data(), nullptr, z->data(), xa->data(), ya->data(),
                         nullptr);
            },
            p->isa()};
  };
  if (kind == "cg")  // the same paths as the Gaunt product, sparse CG
    return bind_cg(std::make_shared<CGTensorProduct<T>>(gaunt_description(in, in, out)));
  if (kind == "cg_uvu")  // every uvu path of C x (0..L) times 1 x (0..L)
    return bind_cg(std::make_shared<CGTensorProduct<T>>(
        full_description(in, sh_irreps(1, L), out, Mode::uvu)));
  if (kind == "fourier")  // portable code only (KISS FFT)
    return bind(std::make_shared<FourierTensorProduct<T>>(in, in, out), "generic");
  auto p = std::make_shared<GridTensorProduct<T>>(
      kind == "grid" ? GridProductKind::Gaunt : GridProductKind::VectorGaunt, in, in,
      kind == "grid" ? out : pout);
  return bind(p, p->isa());
}

template <typename T>
void register_all(const char* type) {
  for (const std::string pass : {"fwd", "rev"})
    for (const std::string kind : {"cg", "cg_uvu", "grid", "fourier", "vector", "manybody"})
      for (int C : {32, 128})
        for (int L = 1; L <= env_int("EQUINET_BENCH_LMAX", 8); ++L) {
          const std::string name =
              pass + "/" + kind + "/" + type + "/L" + std::to_string(L) + "/C" + std::to_string(C);
          benchmark::RegisterBenchmark(name.c_str(),
                                       [=](benchmark::State& state) {
                                         const int rows = env_int("EQUINET_BENCH_ROWS", 10000);
                                         const Case<T> c = make_case<T>(kind, L, C, rows);
                                         const auto& run = pass == "fwd" ? c.forward : c.reverse;
                                         run();  // warm-up: workspaces, page faults
                                         for (auto _ : state) run();
                                         state.SetLabel(c.isa);
                                         state.counters["rows"] = rows;
                                         state.counters["threads"] =
                                             Kokkos::DefaultHostExecutionSpace::concurrency();
                                       })
              ->Unit(benchmark::kMillisecond)
              ->UseRealTime()
              ->MinTime(0.2);
        }
}

}  // namespace

int main(int argc, char** argv) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  register_all<float>("float");
  register_all<double>("double");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
