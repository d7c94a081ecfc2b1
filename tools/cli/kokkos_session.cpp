#include "kokkos_session.hpp"

#include <Kokkos_Core.hpp>
#include <cstdlib>
#include <string>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace equinet::cli {

KokkosSession::KokkosSession(int threads) {
  if (Kokkos::is_initialized()) return;
  Kokkos::InitArguments args;
  if (threads > 0) args.num_threads = threads;
  // Kokkos' OMP_PROC_BIND advice would precede every command's output; the
  // binding in effect is recorded by environment() instead.
  args.disable_warnings = true;
  Kokkos::initialize(args);
  owns_ = true;
#ifdef _OPENMP
  // Code outside Kokkos (e.g. Eigen's OpenMP products) follows the same count.
  if (threads > 0) omp_set_num_threads(threads);
#endif
}

KokkosSession::~KokkosSession() {
  if (owns_ && Kokkos::is_initialized()) Kokkos::finalize();
}

int KokkosSession::concurrency() { return Kokkos::DefaultHostExecutionSpace().concurrency(); }

nlohmann::ordered_json KokkosSession::environment() {
  nlohmann::ordered_json env;
  env["kokkos_version"] = std::to_string(KOKKOS_VERSION / 10000) + "." +
                          std::to_string(KOKKOS_VERSION / 100 % 100) + "." +
                          std::to_string(KOKKOS_VERSION % 100);
  env["execution_space"] = Kokkos::DefaultExecutionSpace::name();
  env["host_execution_space"] = Kokkos::DefaultHostExecutionSpace::name();
  env["concurrency"] = concurrency();
#ifdef _OPENMP
  env["omp_max_threads"] = omp_get_max_threads();
#endif
  for (const char* var : {"OMP_NUM_THREADS", "OMP_PROC_BIND", "OMP_PLACES"}) {
    const char* value = std::getenv(var);
    env[var] = value ? nlohmann::ordered_json(value) : nlohmann::ordered_json();
  }
  return env;
}

}  // namespace equinet::cli
