// Kokkos for the command-line tool: initialised here (before the core would
// initialise it with defaults) so that --threads controls the host thread
// count, and finalised when the session ends.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

namespace equinet::cli {

class KokkosSession {
 public:
  // threads <= 0: Kokkos' default (OMP_NUM_THREADS or all cores).
  explicit KokkosSession(int threads);
  ~KokkosSession();
  KokkosSession(const KokkosSession&) = delete;
  KokkosSession& operator=(const KokkosSession&) = delete;

  // Host threads Kokkos runs with.
  static int concurrency();
  // Execution spaces, concurrency, versions and OpenMP settings, for benchmark records.
  static nlohmann::ordered_json environment();

 private:
  bool owns_ = false;
};

}  // namespace equinet::cli
