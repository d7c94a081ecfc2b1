// Wigner-D matrices of the real basis of spherical_harmonics():
// Y^l(R r) = D^l(R) Y^l(r). Mainly for equivariance tests.
#pragma once

#include <vector>

#include "equinet/so3/irreps.hpp"

namespace equinet::so3 {

// D^l for a rotation matrix R (row-major 3x3), (2l+1)^2 row-major.
std::vector<double> wigner_D(int l, const double R[9]);

// Block-diagonal D for a feature row of irreps in the m-major layout
// (so3::FeatureLayout): applies D^l to every channel of each block of `x`
// in place (a proper rotation R; parity is the caller's).
void rotate_features(const Irreps& irreps, const double R[9], double* x);

// Rotation matrix from axis-angle (axis need not be normalised).
void rotation_matrix(const double axis[3], double angle, double R[9]);

}  // namespace equinet::so3
