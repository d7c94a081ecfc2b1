// Gaunt coefficients in e3nn's real, component-normalised basis, and the
// "vector Gaunt" coefficients of the cross product of surface gradients.
//
// Gaunt tensor: G[m1][m2][m3] = (1/4π) ∫ Y_l1m1 Y_l2m2 Y_l3m3 dΩ. With
// |Y^l|^2 = 2l+1, a band-limited product f·g projected back onto degree l3 has
// exactly these coefficients. By Wigner–Eckart G = g(l1,l2,l3) C with C =
// wigner_3j(l1,l2,l3) (norm 1, e3nn 0.4.4 signs) and the reduced coefficient
//   g = sqrt((2l1+1)(2l2+1)(2l3+1)) |(l1 l2 l3; 0 0 0)|  for l1+l2+l3 even,
//   g = 0 otherwise (parity),
// positive because both C's and G's central (m=0) entries are positive.
//
// Vector Gaunt tensor: V[m1][m2][m3] = (1/4π) ∫ Y_l3m3 r·(∇Y_l1m1 × ∇Y_l2m2) dΩ.
// r·(∇f × ∇g) is the Poisson bracket on the sphere; it has parity
// (-1)^(l1+l2+1), so V = v(l1,l2,l3) C is non-zero only for l1+l2+l3 odd —
// the paths the plain Gaunt product cannot reach (l1=l2=l3=1: the cross product,
// v = 3 sqrt(2)).
#pragma once

#include <vector>

namespace equinet::so3 {

// Reduced Gaunt coefficient g(l1,l2,l3) (0 outside the triangle or for odd sum).
double gaunt_coefficient(int l1, int l2, int l3);

// Reduced vector Gaunt coefficient v(l1,l2,l3), by exact quadrature (cached,
// thread-safe). 0 outside the triangle, for even sum or l1*l2 == 0.
double vector_gaunt_coefficient(int l1, int l2, int l3);

// The full tensors by direct quadrature of the defining integrals, layout
// [m1][m2][m3] as wigner_3j(); independent of the closed forms above (tests).
std::vector<double> gaunt_tensor_by_quadrature(int l1, int l2, int l3);
std::vector<double> vector_gaunt_tensor_by_quadrature(int l1, int l2, int l3);

}  // namespace equinet::so3
