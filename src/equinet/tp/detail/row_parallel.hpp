// Rows (edges or atoms) in parallel on the host execution space, each with
// its own slice of a per-thread workspace: the workspace is owned by the
// product object, sized once (threads × per-row scratch), never allocated in
// the kernel. Hence one product object must not be called from two host
// threads at once.
#pragma once

#include <Kokkos_Core.hpp>
#include <vector>

namespace equinet::tp::detail {

using HostExec = Kokkos::DefaultHostExecutionSpace;

// Per-thread scratch of `per_thread` elements, grown only when needed.
template <typename T>
class ThreadWorkspace {
 public:
  void reserve(size_t per_thread) {
    const size_t slots = Kokkos::Experimental::UniqueToken<HostExec>().size();
    if (per_thread > per_thread_ || slots != slots_) {
      per_thread_ = std::max(per_thread, per_thread_);
      slots_ = slots;
      data_.assign(per_thread_ * slots_, T(0));
    }
  }
  T* slot(int id) { return data_.data() + size_t(id) * per_thread_; }
  size_t slots() const { return slots_; }

 private:
  std::vector<T> data_;
  size_t per_thread_ = 0, slots_ = 0;
};

// f(row, slot) for every row, slot identifying the calling thread's scratch.
template <class F>
void for_each_row(const char* label, int rows, const F& f) {
  Kokkos::Experimental::UniqueToken<HostExec> token;
  Kokkos::parallel_for(label, Kokkos::RangePolicy<HostExec>(0, rows), [&](const int row) {
    const int id = token.acquire();
    f(row, id);
    token.release(id);
  });
}

}  // namespace equinet::tp::detail
