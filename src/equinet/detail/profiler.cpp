#include "equinet/detail/profiler.hpp"

#include <cstdlib>
#include <cstring>
#include <mutex>

namespace equinet::detail {
namespace {
std::mutex mutex;
std::vector<std::pair<std::string, std::pair<double, long>>>& table() {
  static std::vector<std::pair<std::string, std::pair<double, long>>> t;
  return t;
}
}  // namespace

bool profiling_enabled() {
  static const bool on = [] {
    const char* v = std::getenv("EQUINET_PROFILE");
    return v && std::strcmp(v, "0") != 0;
  }();
  return on;
}

void profile_add(const char* phase, double seconds) {
  std::lock_guard<std::mutex> lock(mutex);
  for (auto& e : table())
    if (e.first == phase) {
      e.second.first += seconds;
      e.second.second += 1;
      return;
    }
  table().push_back({phase, {seconds, 1}});
}

std::vector<std::pair<std::string, std::pair<double, long>>> profile_report() {
  std::lock_guard<std::mutex> lock(mutex);
  return table();
}

void profile_reset() {
  std::lock_guard<std::mutex> lock(mutex);
  table().clear();
}

}  // namespace equinet::detail
