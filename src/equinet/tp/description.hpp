// A tensor product as data, in the spirit of e3nn's instructions: the irreps
// of the two inputs and the output, and the list of paths (block of in1,
// block of in2, block of out, scalar weight, connection mode). Features are
// rows in the m-major so3::FeatureLayout of their irreps: each block
// [2l+1][mul], channel innermost.
//
// A path couples with the real Wigner 3j C (wigner_3j, norm 1); with u the
// channel of in1 and out:
//   uuu: out[k][m3][u] += weight · w_path[u] · Σ C[m1][m2][m3] in1[i][m1][u] in2[j][m2][u]
//   uvu: out[k][m3][u] += weight · w_path[u] · Σ C[m1][m2][m3] in1[i][m1][u] in2[j][m2]
// w_path[u] being optional per-channel weights of the CG product. uvu is
// e3nn's "uvu" with in2 of multiplicity 1 (an edge's spherical harmonics):
// MACE's convolution.
#pragma once

#include <string>
#include <vector>

#include "equinet/so3/irreps.hpp"

namespace equinet::tp {

// How a path connects the channels of its blocks (e3nn's instruction modes).
enum class Mode {
  uuu,  // channel-wise: the three blocks have the same multiplicity
  uvu,  // in2's block has multiplicity 1, out's that of in1's
};
const char* mode_name(Mode mode);

struct Path {
  int in1 = 0, in2 = 0, out = 0;  // block indices
  double weight = 1.0;
  Mode mode = Mode::uuu;
};

struct TensorProductDescription {
  so3::Irreps in1, in2, out;
  std::vector<Path> paths;

  // Multiplicity of in1's first block: the channel count of products whose
  // blocks all have one multiplicity (the grid and Fourier products).
  int channels() const { return in1.size() ? in1[0].mul : 0; }
  // Channels of a path (its output block's multiplicity) and where its
  // per-channel weights start: w[weight_offset(p) + u], paths in order.
  int path_channels(const Path& p) const { return out[p.out].mul; }
  int weight_offset(size_t path) const;
  int n_weights() const { return weight_offset(paths.size()); }
  std::string str() const;
};

// Every path allowed by the triangle and parity rules, weight 1, all of one mode.
TensorProductDescription full_description(const so3::Irreps& in1, const so3::Irreps& in2,
                                          const so3::Irreps& out, Mode mode = Mode::uuu);
// The paths of the Gaunt product (l1+l2+l3 even) weighted by the reduced
// Gaunt coefficient: the CG product of this description equals the Gaunt product.
TensorProductDescription gaunt_description(const so3::Irreps& in1, const so3::Irreps& in2,
                                           const so3::Irreps& out);
// The odd paths (l1+l2+l3 odd) weighted by the vector Gaunt coefficient.
TensorProductDescription vector_gaunt_description(const so3::Irreps& in1, const so3::Irreps& in2,
                                                  const so3::Irreps& out);

// Throws equinet::Error naming the defect (empty irreps, block index out of
// range, a path violating the triangle or parity rule, or multiplicities
// that do not fit the path's mode).
void validate(const TensorProductDescription& d);

// One non-zero coupling coefficient of a path: weight · C[m1][m2][m3], m = 0..2l.
struct Coefficient {
  int m1, m2, m3;
  double value;
};
// |C| below this is a zero of wigner_3j up to rounding.
inline constexpr double kCoefficientZero = 1e-14;
// The non-zero coefficients of path p of d, in row-major (m1, m2, m3) order:
// the one list every CG kernel (tp's and MACE's convolution) is built from.
std::vector<Coefficient> path_coefficients(const TensorProductDescription& d, const Path& p);

// For the grid products: irreps that are coefficients of one spherical
// function per channel — each l at most once, parities p = sign·(-1)^l for one
// sign. Returns the largest l and sets *sign; throws equinet::Error otherwise,
// naming `what`.
int spherical_function_degree(const so3::Irreps& irreps, const char* what, int* sign);
// The multiplicity every block of the three irreps shares (the channel count
// of a grid or Fourier product); throws equinet::Error naming `what` otherwise.
int common_channels(const so3::Irreps& in1, const so3::Irreps& in2, const so3::Irreps& out,
                    const char* what);

}  // namespace equinet::tp
