// Fixed-width lane blocks for channel loops, written with GCC/Clang vector
// extensions: the compiler maps a block to whatever the target ISA has
// (one AVX-512 register, two AVX2 registers, four SSE2 registers), so one
// kernel source serves every build. Lanes<T, 1> is the plain scalar.
#pragma once

#include <cstring>
#include <type_traits>

// Blocks wider than the target's registers are passed in memory; these
// helpers are always inlined, so GCC's note about that ABI is moot.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace equinet::detail {

template <typename T, int W>
struct Lanes {
  // aligned(sizeof(T)): rows of channels need not start on a block boundary
  typedef T vec __attribute__((vector_size(sizeof(T) * W), aligned(sizeof(T))));
  static vec load(const T* p) {
    vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static void store(T* p, vec v) { std::memcpy(p, &v, sizeof v); }
  static vec splat(T s) { return vec{} + s; }
  static T sum(vec v) {
    T s = 0;
    for (int i = 0; i < W; ++i) s += v[i];
    return s;
  }
};

template <typename T>
struct Lanes<T, 1> {
  using vec = T;
  static T load(const T* p) { return *p; }
  static void store(T* p, T v) { *p = v; }
  static T splat(T s) { return s; }
  static T sum(T v) { return v; }
};

// Block widths a kernel is instantiated for: 64, 32 and 16 bytes, or scalar.
template <typename T>
constexpr int kMaxLanes = int(64 / sizeof(T));

// The widest of those block widths whose lane count divides n.
template <typename T>
int lanes_dividing(int n) {
  for (int w = kMaxLanes<T>; w >= kMaxLanes<T> / 4; w /= 2)
    if (w > 1 && n % w == 0) return w;
  return 1;
}

// Calls f(std::integral_constant<int, W>{}) for a width from lanes_dividing.
template <typename T, typename F>
decltype(auto) with_lanes(int w, F&& f) {
  constexpr int k = kMaxLanes<T>;
  if (w == k) return f(std::integral_constant<int, k>{});
  if (w == k / 2) return f(std::integral_constant<int, k / 2>{});
  if (w == k / 4) return f(std::integral_constant<int, k / 4>{});
  return f(std::integral_constant<int, 1>{});
}

// Calls f(std::integral_constant<int, NB>{}) with NB = nb for the block
// counts kernels unroll (1, 2, 4, 8), NB = 0 (count known at run time) else.
template <typename F>
decltype(auto) with_blocks(int nb, F&& f) {
  switch (nb) {
    case 1:
      return f(std::integral_constant<int, 1>{});
    case 2:
      return f(std::integral_constant<int, 2>{});
    case 4:
      return f(std::integral_constant<int, 4>{});
    case 8:
      return f(std::integral_constant<int, 8>{});
    default:
      return f(std::integral_constant<int, 0>{});
  }
}

}  // namespace equinet::detail

#pragma GCC diagnostic pop
