// Real spherical harmonics in e3nn's convention: "component" normalisation
// (|Y^l|^2 = 2l+1), m = -l..l, y the polar axis. Equivalently the standard
// real harmonics without Condon-Shortley phase in coordinates (X,Y,Z)=(z,x,y):
// Y^1 = sqrt(3) (x, y, z). Layout: (l, m) lexicographic, index l*l + l + m.
#pragma once

#include <cstdint>

namespace equinet::so3 {

inline constexpr int sh_size(int lmax) { return (lmax + 1) * (lmax + 1); }

// Y(r/|r|) for l = 0..lmax; `r` need not be normalised (|r| > 0).
// If `grad` is non-null it receives dY/dr as grad[3*k + d] for component k.
template <typename T>
void spherical_harmonics(int lmax, const T r[3], T* values, T* grad = nullptr);

// The same for n vectors r[3*e..], values[e*sh_size(lmax)..],
// grad[e*3*sh_size(lmax)..]: lmax <= 3 runs several vectors per SIMD
// register (equal to the single-vector form up to rounding).
template <typename T>
void spherical_harmonics_batch(int lmax, int64_t n, const T* r, T* values, T* grad = nullptr);

}  // namespace equinet::so3
