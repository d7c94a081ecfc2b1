// Small helpers over Kokkos' default host execution space.
#pragma once

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstdint>

namespace equinet::detail {

// Dynamic scheduling: the per-step loops have uneven items (atoms with more
// neighbours) and threads can run at uneven speeds (shared or virtual CPUs),
// so chunks are handed out as threads finish instead of split up front.
using HostRange =
    Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace, Kokkos::Schedule<Kokkos::Dynamic>>;

// Calls f(begin, end) on chunks of [0, n) in parallel.
template <typename F>
void parallel_rows(const char* label, int64_t n, F&& f, int64_t chunk = 64) {
  if (n <= 0) return;
  const int64_t chunks = (n + chunk - 1) / chunk;
  Kokkos::parallel_for(label, HostRange(0, chunks),
                       [&](int64_t c) { f(c * chunk, std::min(n, (c + 1) * chunk)); });
}

template <typename F>
void parallel_for(const char* label, int64_t n, F&& f) {
  if (n <= 0) return;
  Kokkos::parallel_for(label, HostRange(0, n), f);
}

// Grows a buffer to at least n elements; never shrinks (no allocation per
// step once a system has been seen).
template <typename V>
void grow(V& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

}  // namespace equinet::detail
