// Small helpers over Kokkos' default host execution space, and the one
// per-thread scratch idiom of the core (ThreadWorkspace).
#pragma once

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cstdint>
#include <vector>

namespace equinet::detail {

using HostExec = Kokkos::DefaultHostExecutionSpace;

// Dynamic scheduling: the per-step loops have uneven items (atoms with more
// neighbours) and threads can run at uneven speeds (shared or virtual CPUs),
// so chunks are handed out as threads finish instead of split up front.
using HostRange = Kokkos::RangePolicy<HostExec, Kokkos::Schedule<Kokkos::Dynamic>>;

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

// One scratch object W per thread of the host execution space (a slot per
// Kokkos UniqueToken id), owned by whoever runs the parallel loop. prepare()
// sizes every slot before the loop, for the largest item any thread may
// take, so that nothing is allocated inside it; slots are kept from call to
// call. One workspace must not serve two loops at once (an object owning
// one must not be called from two host threads at once).
template <typename W>
class ThreadWorkspace {
 public:
  // One slot per thread, then grow(slot) on each.
  template <typename Grow>
  void prepare(const Grow& grow) {
    const size_t n = size_t(Kokkos::Experimental::UniqueToken<HostExec>().size());
    if (slots_.size() != n) slots_.resize(n);
    for (W& w : slots_) grow(w);
  }
  W& slot(int id) { return slots_[size_t(id)]; }
  size_t size() const { return slots_.size(); }
  typename std::vector<W>::iterator begin() { return slots_.begin(); }
  typename std::vector<W>::iterator end() { return slots_.end(); }

 private:
  std::vector<W> slots_;
};

// Flat per-thread scratch of T (the tensor products' kernels).
template <typename T>
using ThreadBuffers = ThreadWorkspace<std::vector<T>>;

// Every slot of ws at least n elements long (new elements zero).
template <typename T>
void reserve_each(ThreadBuffers<T>& ws, size_t n) {
  ws.prepare([n](std::vector<T>& v) { grow(v, n); });
}

namespace parallel_impl {
template <class Policy, class W, class F>
void with_slots(const char* label, int64_t n, ThreadWorkspace<W>& ws, const F& f) {
  if (n <= 0) return;
  Kokkos::Experimental::UniqueToken<HostExec> token;
  Kokkos::parallel_for(label, Policy(0, n), [&](const int64_t i) {
    const int id = token.acquire();
    f(i, ws.slot(id));
    token.release(id);
  });
}
}  // namespace parallel_impl

// f(row, slot) for every row in [0, rows), slot the calling thread's scratch
// of ws (prepared by the caller). Static schedule: rows of equal cost (the
// tensor products' rows).
template <class W, class F>
void for_each_row(const char* label, int64_t rows, ThreadWorkspace<W>& ws, const F& f) {
  parallel_impl::with_slots<Kokkos::RangePolicy<HostExec>>(label, rows, ws, f);
}

// f(row) for every row in [0, rows), static schedule, no scratch.
template <class F>
void for_each_row(const char* label, int64_t rows, const F& f) {
  if (rows > 0) Kokkos::parallel_for(label, Kokkos::RangePolicy<HostExec>(0, rows), f);
}

// The same with the dynamic schedule of HostRange: items of uneven cost
// (batches of atoms and their edges).
template <class W, class F>
void for_each_item(const char* label, int64_t n, ThreadWorkspace<W>& ws, const F& f) {
  parallel_impl::with_slots<HostRange>(label, n, ws, f);
}

}  // namespace equinet::detail
