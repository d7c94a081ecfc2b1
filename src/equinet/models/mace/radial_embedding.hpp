// mace's RadialEmbeddingBlock per edge: Bessel functions of the (optionally
// transformed) distance and the polynomial cutoff of the raw distance, plus
// the ZBL pair repulsion (ZBLBasis). The Agnesi/Soft transforms and ZBL
// depend on the element pair, tabulated here per species pair.
//   Agnesi: x = 1 / (1 + a t^q / (1 + t^(q-p))),  t = r / r0,  r0 = (R_u + R_v) / 2
//   Soft:   x = p0 + (r - p0) (1 + tanh(α' (r - m))) / 2,  p0 = 3/4 r0, p1 = 4/3 r0,
//           m = (p0 + p1) / 2, α' = α / (p1 - p0),  r0 = R_u + R_v
//   ZBL:    V = 14.3996 Z_u Z_v / r Σ c_k exp(-b_k r / a) u_p(r; R_u + R_v),
//           a = a_prefactor 0.529 / (Z_u^a_exp + Z_v^a_exp); half of V per edge
// (R: covalent radii stored in the file, u_p: polynomial cutoff).
#pragma once

#include <vector>

#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/mace_weights.hpp"
#include "equinet/nn/radial_basis.hpp"

namespace equinet::mace {

template <typename T>
class RadialEmbedding {
 public:
  RadialEmbedding() = default;
  RadialEmbedding(const MaceWeights& weights, const MaceConfig& config);

  int size() const { return int(basis_.weights.size()); }
  // Whether the features depend on the species pair (a distance transform).
  bool pair_dependent() const { return transform_ != DistanceTransform::None; }
  bool has_zbl() const { return !zbl_.empty(); }

  // Features of an edge of length r between species s (sender) and t
  // (receiver): feats[n] (times the cutoff when `with_cutoff`), dfeats = d/dr
  // (may be null); the cutoff u(r) and du/dr.
  void evaluate(T r, int s, int t, bool with_cutoff, T* feats, T* dfeats, T& u, T& du) const;
  // Half the ZBL energy of the edge (what its receiver gets) and d/dr.
  void zbl(T r, int s, int t, T& v, T& dv) const;

 private:
  struct Pair {
    T r0 = 1;                 // transform's reference distance
    T zz = 0, a = 1, rc = 0;  // ZBL: Z_u Z_v, screening length, cutoff
  };
  const Pair& pair(int s, int t) const { return pairs_[size_t(s) * n_species_ + t]; }
  void transform(T r, const Pair& p, T& x, T& dx) const;

  nn::BesselEnvelope<T> basis_;
  DistanceTransform transform_ = DistanceTransform::None;
  T q_ = 0, p_ = 0, a_ = 0, alpha_ = 0;
  std::vector<T> zbl_;  // the 4 coefficients c_k; empty without ZBL
  int zbl_p_ = 0;
  int n_species_ = 0;
  std::vector<Pair> pairs_;
};

}  // namespace equinet::mace
