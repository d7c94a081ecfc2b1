// MACE's convolution: e3nn TensorProduct with "uvu" instructions, one output
// slot per instruction (mace `tp_out_irreps_with_instructions`), weights per
// edge from the radial MLP, messages summed into receivers:
//   M[i][slot][m3][u] = Σ_{e: recv(e)=i} Σ_{m1,m2} norm C[m1,m2,m3] w_e[ins][u]
//   x[send(e)][b1][m1][u] Y_e[l2][m2]
// i.e. the CG product of conv_description() (uvu paths) per edge, with the
// coefficient tables built from tp::path_coefficients like tp's CG kernels.
#pragma once

#include <cstdint>
#include <vector>

#include "equinet/detail/parallel.hpp"
#include "equinet/nn/layer_norm_mlp.hpp"
#include "equinet/nn/radial_mlp.hpp"
#include "equinet/so3/feature_layout.hpp"
#include "equinet/tp/description.hpp"

namespace equinet::nn {
template <typename T>
class RadialTable;
}

namespace equinet::models {
template <typename T>
struct EdgeGraph;
}

namespace equinet::mace {

using models::EdgeGraph;

// The inputs of a ResidualNonLinear block's radial network, per edge e
// (sender s, receiver r): the row [feats[e], source[species[s]],
// target[species[r]]], and its outputs multiplied by cutoff[e] (mace's
// apply_cutoff=False; null: not multiplied). feats/dfeats: n_edges x n_basis (and d/dr); source,
// target: per species rows of `width` values; dcutoff = d cutoff/dr.
template <typename T>
struct EdgeNetInputs {
  const T *feats = nullptr, *dfeats = nullptr;
  int n_basis = 0;
  const T *source = nullptr, *target = nullptr;
  int width = 0;
  const T *cutoff = nullptr, *dcutoff = nullptr;
};

// MACE's convolution as a tensor product: in x sh(lmax) -> the output slots
// filtered by target (sorted as mace sorts them), one uvu path per slot in
// the order of the radial weights, weight sqrt(2 l_out + 1).
tp::TensorProductDescription conv_description(const so3::Irreps& in, int lmax,
                                              const so3::Irreps& target);

template <typename T>
class ConvTP {
 public:
  ConvTP() = default;
  // in: node features (layer input), lmax: spherical harmonics degree,
  // target: irreps the output slots are filtered by.
  ConvTP(const so3::Irreps& in, int lmax, const so3::Irreps& target);

  // conv_description(in, lmax, target)
  const tp::TensorProductDescription& description() const { return desc_; }
  // The coefficients of one path as the kernels hold them (m2 within its
  // degree, value rounded to T), grouped by (m1, m3).
  std::vector<tp::Coefficient> coefficients(int path) const;
  const so3::FeatureLayout& in() const { return in_; }
  const so3::FeatureLayout& mid() const { return mid_; }
  int weight_count() const { return weight_count_; }
  int sh_dim() const { return (lmax_ + 1) * (lmax_ + 1); }

  // Per edge, K[e][p] = Σ_m2 norm C[m1,m2,m3] Y_e[m2] for every non-zero
  // (m1, m3) pair p of every instruction: pair_count() scalars per edge,
  // formed once per step and shared by forward and reverse.
  int pair_count() const { return int(pairs_.size()); }
  void couplings(int64_t n_edges, const T* Y, T* K) const;

  // Scratch for one batch of edges (the MLP's included); one per thread,
  // grown once, then reused.
  struct Workspace {
    std::vector<T> feats, w, w_adj, feats_adj, w_raw;
    typename nn::RadialMLP<T>::Workspace mlp;
    typename nn::LayerNormMLP<T>::Workspace net;
  };
  using Workspaces = detail::ThreadWorkspace<Workspace>;

  // M (n_centers x mid.dim) = Σ over each receiver's edges, with the radial
  // weights of each batch of edges from the MLP applied to their radial
  // features (feats: n_edges x mlp.in_dim()). Nothing is stored per edge.
  void forward(const EdgeGraph<T>& g, const T* x, const T* K, const T* feats,
               const nn::RadialMLP<T>& mlp, Workspaces& ws, T* M) const;
  // From M_adj: x_adj (+=, every node), Y_adj (+=) and r_adj (+=, dE/dr via
  // the MLP and the radial features' derivatives dfeats) per edge. The MLP
  // is evaluated again batch by batch instead of keeping its activations.
  void reverse(const EdgeGraph<T>& g, const T* x, const T* K, const T* feats, const T* dfeats,
               const nn::RadialMLP<T>& mlp, Workspaces& ws, const T* M_adj, T* x_adj, T* Y_adj,
               T* r_adj) const;
  // The same with a ResidualNonLinear block's network (EdgeNetInputs); dE/dr
  // through the basis and the cutoff (the embeddings do not depend on r).
  void forward(const EdgeGraph<T>& g, const T* x, const T* K, const EdgeNetInputs<T>& in,
               const nn::LayerNormMLP<T>& net, Workspaces& ws, T* M) const;
  void reverse(const EdgeGraph<T>& g, const T* x, const T* K, const EdgeNetInputs<T>& in,
               const nn::LayerNormMLP<T>& net, Workspaces& ws, const T* M_adj, T* x_adj, T* Y_adj,
               T* r_adj) const;
  // The same with the radial weights of edge e read from `table` at r[e].
  void forward(const EdgeGraph<T>& g, const T* x, const T* K, const T* r,
               const nn::RadialTable<T>& table, Workspaces& ws, T* M) const;
  void reverse(const EdgeGraph<T>& g, const T* x, const T* K, const T* r,
               const nn::RadialTable<T>& table, Workspaces& ws, const T* M_adj, T* x_adj, T* Y_adj,
               T* r_adj) const;

 private:
  // The channel loops run over the pairs in blocks of `lanes_` channels
  // (detail/simd.hpp), `blocks_` of them per instruction when every
  // instruction has the same multiplicity (else 0: counted at run time).
  struct Term {
    int m2;  // index into the edge's spherical harmonics (all degrees)
    T c;     // norm * C[m1,m2,m3]
  };
  struct Pair {
    int m1, m3, term_begin, term_end;
  };
  struct Group {  // consecutive pairs sharing m1
    int m1, pair_begin, pair_end;
  };
  struct Instruction {
    int block_in = 0, l_in = 0, l_sh = 0, slot = 0, l_out = 0, mul = 0, weight_offset = 0;
    int pair_begin = 0, pair_end = 0;    // pairs grouped by m1
    int group_begin = 0, group_end = 0;  // the groups of those pairs
  };
  static constexpr int kMaxPairs = 256, kMaxMul = 1024, kMaxSh = 64, kBatchNodes = 4;
  // Kernels over NE edges; `Weights` gives each edge's radial weights and
  // takes their adjoints (stored rows for the MLP, spline pieces evaluated
  // in place for the table; conv_tp.cpp).
  template <int W, int NB, int NE, typename Weights>
  void edge_forward(const T* const* x, const T* const* K, const Weights& w, T* M) const;
  template <int W, int NB, int NE, typename Weights>
  void edge_reverse(const T* xj, T* xj_adj, const T* const* K, const T* const* Gr, T* const* Y_adj,
                    const Weights& w) const;
  template <typename Source>
  void forward_impl(const EdgeGraph<T>& g, const T* x, const T* K, const Source& src,
                    Workspaces& ws, T* M) const;
  template <typename Source>
  void reverse_impl(const EdgeGraph<T>& g, const T* x, const T* K, const Source& src,
                    Workspaces& ws, const T* M_adj, T* x_adj, T* Y_adj, T* r_adj) const;
  tp::TensorProductDescription desc_;
  so3::FeatureLayout in_, mid_;
  int lmax_ = 0, weight_count_ = 0, lanes_ = 1, blocks_ = 0;
  std::vector<Instruction> instructions_;
  std::vector<Pair> pairs_;
  std::vector<Group> groups_;
  std::vector<Term> terms_;
  struct PairTerm {
    int pair;
    T c;
  };
  std::vector<PairTerm> by_m2_;     // the terms grouped by m2
  std::vector<int> by_m2_offsets_;  // sh_dim() + 1
};

}  // namespace equinet::mace
