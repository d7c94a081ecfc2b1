// Fixed-width lane blocks for channel loops, written with GCC/Clang vector
// extensions: a block is one vector register of the target ISA (SSE2/NEON,
// AVX2 or AVX-512, as each ISA variant of the kernels is compiled), so one
// kernel source serves every build. Lanes<T, 1> is the plain scalar.
#pragma once

#include <cstring>
#include <type_traits>

namespace equinet::detail {

template <typename T, int W>
struct Lanes {
  // naturally aligned (locals and arrays of blocks stay aligned); rows of
  // channels in memory need not be, so loads and stores go through memcpy
  typedef T vec __attribute__((vector_size(sizeof(T) * W)));
  static vec load(const T* p) {
    vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static void store(T* p, vec v) { std::memcpy(p, &v, sizeof v); }
  static vec splat(T s) { return vec{} + s; }
  // across lanes by halving: log2(W) vector additions
  static T sum(vec v) {
    using Half = Lanes<T, W / 2>;
    typename Half::vec lo, hi;
    std::memcpy(&lo, &v, sizeof lo);
    std::memcpy(&hi, reinterpret_cast<const char*>(&v) + sizeof lo, sizeof hi);
    return Half::sum(lo + hi);
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

// The target's vector register size: blocks wider than a register would
// only add register pressure (ISA variants are compiled with their -march).
#if defined(__AVX512F__)
constexpr int kVectorBytes = 64;
#elif defined(__AVX__)
constexpr int kVectorBytes = 32;
#else
constexpr int kVectorBytes = 16;
#endif

// Vector registers of the target: register tiles are sized to fit them.
#if defined(__AVX512F__)
constexpr int kVectorRegisters = 32;
#else
constexpr int kVectorRegisters = 16;
#endif

// Block widths a kernel is instantiated for: one register, a half, a
// quarter, or scalar.
template <typename T>
constexpr int kMaxLanes = int(kVectorBytes / sizeof(T));

// The widest of those block widths whose lane count divides n.
template <typename T>
int lanes_dividing(int n) {
  for (int w = kMaxLanes<T>; w > 1 && w >= kMaxLanes<T> / 4; w /= 2)
    if (n % w == 0) return w;
  return 1;
}

// Calls f(std::integral_constant<int, W>{}) for a width from lanes_dividing.
template <typename T, typename F>
decltype(auto) with_lanes(int w, F&& f) {
  constexpr int k = kMaxLanes<T>;
  // widths below 2 collapse onto the scalar instantiation
  constexpr int k2 = k / 2 > 1 ? k / 2 : 1, k4 = k / 4 > 1 ? k / 4 : 1;
  if (w == k) return f(std::integral_constant<int, k>{});
  if (w == k2) return f(std::integral_constant<int, k2>{});
  if (w == k4) return f(std::integral_constant<int, k4>{});
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

// Calls f(integral_constant<W>, integral_constant<NB>) for a lane width from
// lanes_dividing and a block count (with_blocks): one kernel instantiation.
template <typename T, typename F>
decltype(auto) with_kernel_shape(int w, int nb, F&& f) {
  return with_lanes<T>(w, [&](auto lanes) {
    return with_blocks(nb, [&](auto blocks) { return f(lanes, blocks); });
  });
}

}  // namespace equinet::detail
