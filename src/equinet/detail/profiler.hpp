// A tiny opt-in phase profiler: set EQUINET_PROFILE=1 and the model records
// wall time per named phase; profile_report() lists them (bench_mace prints
// it). Off by default; when off a ScopedPhase costs one branch.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace equinet::detail {

bool profiling_enabled();
void profile_add(const char* phase, double seconds);
// (phase, total seconds, calls), in first-seen order
std::vector<std::pair<std::string, std::pair<double, long>>> profile_report();
void profile_reset();

class ScopedPhase {
 public:
  explicit ScopedPhase(const char* phase) : phase_(profiling_enabled() ? phase : nullptr) {
    if (phase_) start_ = std::chrono::steady_clock::now();
  }
  ~ScopedPhase() {
    if (phase_)
      profile_add(phase_,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count());
  }
  ScopedPhase(const ScopedPhase&) = delete;
  ScopedPhase& operator=(const ScopedPhase&) = delete;

 private:
  const char* phase_;
  std::chrono::steady_clock::time_point start_;
};

// Runs f() as one named phase.
template <typename F>
void phase(const char* name, F&& f) {
  ScopedPhase p(name);
  f();
}

}  // namespace equinet::detail
