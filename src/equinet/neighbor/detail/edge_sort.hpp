// In-kernel heap sort of one receiver's edges by (sender, n0, n1, n2): no
// recursion, no extra memory, O(k log k), so it can run on a device thread.
#pragma once

#include <Kokkos_Core.hpp>
#include <cstdint>

namespace equinet::neighbor::detail {

template <class Senders, class Images>
struct EdgeSegment {
  Senders senders;
  Images images;
  int64_t begin;

  KOKKOS_INLINE_FUNCTION bool less(int64_t a, int64_t b) const {
    a += begin;
    b += begin;
    if (senders(a) != senders(b)) return senders(a) < senders(b);
    for (int k = 0; k < 3; ++k)
      if (images(a, k) != images(b, k)) return images(a, k) < images(b, k);
    return false;
  }

  KOKKOS_INLINE_FUNCTION void swap(int64_t a, int64_t b) const {
    a += begin;
    b += begin;
    const int s = senders(a);
    senders(a) = senders(b);
    senders(b) = s;
    for (int k = 0; k < 3; ++k) {
      const int t = images(a, k);
      images(a, k) = images(b, k);
      images(b, k) = t;
    }
  }

  // Restores the max-heap property below root within [0, size).
  KOKKOS_INLINE_FUNCTION void sift_down(int64_t root, int64_t size) const {
    while (true) {
      int64_t largest = root;
      const int64_t left = 2 * root + 1;
      const int64_t right = left + 1;
      if (left < size && less(largest, left)) largest = left;
      if (right < size && less(largest, right)) largest = right;
      if (largest == root) return;
      swap(root, largest);
      root = largest;
    }
  }
};

// Sorts edges [begin, end) of senders / images (n_edges x 3) in place.
template <class Senders, class Images>
KOKKOS_INLINE_FUNCTION void sort_edges(const Senders& senders, const Images& images, int64_t begin,
                                       int64_t end) {
  const EdgeSegment<Senders, Images> seg{senders, images, begin};
  const int64_t size = end - begin;
  for (int64_t root = size / 2 - 1; root >= 0; --root) seg.sift_down(root, size);
  for (int64_t last = size - 1; last > 0; --last) {
    seg.swap(0, last);
    seg.sift_down(0, last);
  }
}

}  // namespace equinet::neighbor::detail
