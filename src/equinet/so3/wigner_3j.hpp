// Real Wigner 3j tensors in e3nn 0.4.4's convention (the coupling used by MACE).
#pragma once

#include <vector>

namespace equinet::so3 {

// C[(m1 * (2l2+1) + m2) * (2l3+1) + m3] with m's shifted to 0..2l, for the
// real basis of spherical_harmonics(). Invariant under simultaneous rotation,
// Frobenius norm 1; sign: the central element C[l1][l2][l3] is positive, or
// where it is zero the first non-zero element in row-major order. Empty if
// the triangle condition fails. Cached; thread-safe.
const std::vector<double>& wigner_3j(int l1, int l2, int l3);

// Complex-basis Wigner 3j symbol (l1 l2 l3; m1 m2 m3) (Racah formula).
double wigner_3j_symbol(int l1, int l2, int l3, int m1, int m2, int m3);

}  // namespace equinet::so3
