// Wigner-D matrices of the real basis of spherical_harmonics():
// Y^l(R r) = D^l(R) Y^l(r). Mainly for equivariance tests.
#pragma once

#include <vector>

namespace equinet::so3 {

// D^l for a rotation matrix R (row-major 3x3), (2l+1)^2 row-major.
std::vector<double> wigner_D(int l, const double R[9]);

// Block-diagonal D for a feature row of irreps (mul_ir layout): applies
// D^l (times p^... for improper R: parity handled by caller) to `x` in place.
// `ls` lists the l of each block and `muls` its multiplicity.
void rotate_features(const std::vector<int>& ls, const std::vector<int>& muls, const double R[9],
                     double* x);

// Rotation matrix from axis-angle (axis need not be normalised).
void rotation_matrix(const double axis[3], double angle, double R[9]);

}  // namespace equinet::so3
