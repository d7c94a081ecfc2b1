// A tensor product as data, in the spirit of e3nn's instructions: the irreps
// of the two inputs and the output, and the list of paths (block of in1,
// block of in2, block of out, scalar weight). All products here are
// channel-wise ("uuu"): every block of every operand has the same
// multiplicity C, and channel c of the output only sees channel c of the
// inputs. Features use e3nn's mul_ir layout, a row [block][C][2l+1].
//
// A path couples with the real Wigner 3j C (wigner_3j, norm 1):
//   out[k][c][m3] += weight · w_path[c] · Σ C[m1][m2][m3] in1[i][c][m1] in2[j][c][m2],
// w_path[c] being optional per-channel weights of the CG product.
#pragma once

#include <string>
#include <vector>

#include "equinet/so3/irreps.hpp"

namespace equinet::tp {

struct Path {
  int in1 = 0, in2 = 0, out = 0;  // block indices
  double weight = 1.0;
};

struct TensorProductDescription {
  so3::Irreps in1, in2, out;
  std::vector<Path> paths;

  int channels() const { return in1.size() ? in1[0].mul : 0; }
  std::string str() const;
};

// Every path allowed by the triangle and parity rules, weight 1.
TensorProductDescription full_description(const so3::Irreps& in1, const so3::Irreps& in2,
                                          const so3::Irreps& out);
// The paths of the Gaunt product (l1+l2+l3 even) weighted by the reduced
// Gaunt coefficient: the CG product of this description equals the Gaunt product.
TensorProductDescription gaunt_description(const so3::Irreps& in1, const so3::Irreps& in2,
                                           const so3::Irreps& out);
// The odd paths (l1+l2+l3 odd) weighted by the vector Gaunt coefficient.
TensorProductDescription vector_gaunt_description(const so3::Irreps& in1, const so3::Irreps& in2,
                                                  const so3::Irreps& out);

// Throws equinet::Error naming the defect (unequal multiplicities, block
// index out of range, a path violating the triangle or parity rule).
void validate(const TensorProductDescription& d);

// For the grid products: irreps that are coefficients of one spherical
// function per channel — each l at most once, parities p = sign·(-1)^l for one
// sign. Returns the largest l and sets *sign; throws equinet::Error otherwise,
// naming `what`.
int spherical_function_degree(const so3::Irreps& irreps, const char* what, int* sign);

}  // namespace equinet::tp
