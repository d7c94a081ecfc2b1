// MACE's convolution: e3nn TensorProduct with "uvu" instructions, one output
// slot per instruction (mace `tp_out_irreps_with_instructions`), weights per
// edge from the radial MLP, messages summed into receivers:
//   M[i][slot][m3][u] = Σ_{e: recv(e)=i} Σ_{m1,m2} norm C[m1,m2,m3] w_e[ins][u]
//   x[send(e)][b1][m1][u] Y_e[l2][m2]
#pragma once

#include <cstdint>
#include <vector>

#include "equinet/nn/feature_layout.hpp"

namespace equinet::nn {
template <typename T>
class RadialTable;
}

namespace equinet::mace {

template <typename T>
struct EdgeGraph;

template <typename T>
class ConvTP {
 public:
  ConvTP() = default;
  // in: node features (layer input), lmax: spherical harmonics degree,
  // target: irreps the output slots are filtered by.
  ConvTP(const so3::Irreps& in, int lmax, const so3::Irreps& target);

  const nn::FeatureLayout& in() const { return in_; }
  const nn::FeatureLayout& mid() const { return mid_; }
  int weight_count() const { return weight_count_; }
  int sh_dim() const { return (lmax_ + 1) * (lmax_ + 1); }

  // M (n_centers x mid.dim) = Σ over each receiver's edges.
  void forward(const EdgeGraph<T>& g, const T* x, const T* Y, const T* w, T* M) const;
  // From M_adj: x_adj (+=, every node), w_adj (=, per edge), Y_adj (+=, per edge).
  void reverse(const EdgeGraph<T>& g, const T* x, const T* Y, const T* w, const T* M_adj, T* x_adj,
               T* w_adj, T* Y_adj) const;
  // The same with the radial weights of edge e read from `table` at r[e] on
  // the fly (no per-edge weight storage); the reverse adds dE/dr to r_adj.
  void forward(const EdgeGraph<T>& g, const T* x, const T* Y, const T* r,
               const nn::RadialTable<T>& table, T* M) const;
  void reverse(const EdgeGraph<T>& g, const T* x, const T* Y, const T* r,
               const nn::RadialTable<T>& table, const T* M_adj, T* x_adj, T* Y_adj, T* r_adj) const;

 private:
  // Per edge, K[m1][m3] = Σ_m2 norm C[m1,m2,m3] Y[m2] is formed once (a few
  // scalars); the channel loops then run over the non-zero (m1, m3) pairs.
  struct Term {
    int m2;
    T c;  // norm * C[m1,m2,m3]
  };
  struct Pair {
    int m1, m3;
    std::vector<Term> terms;
  };
  struct Instruction {
    int block_in = 0, l_in = 0, l_sh = 0, slot = 0, l_out = 0, mul = 0, weight_offset = 0;
    std::vector<Pair> pairs;  // grouped by m1
  };
  static constexpr int kMaxPairs = 256, kMaxMul = 1024, kMaxFusedWeights = 2048;
  static void couplings(const Instruction& ins, const T* Y, T* K);
  void edge_forward(const Instruction& ins, const T* x, const T* Y, const T* w, T* M) const;
  void edge_reverse(const Instruction& ins, const T* xj, const T* Ye, const T* we, const T* Gr,
                    T* xj_adj, T* we_adj, T* Ye_adj) const;
  template <typename EdgeWeights>
  void forward_impl(const EdgeGraph<T>& g, const T* x, const T* Y, EdgeWeights weights, T* M) const;
  template <typename EdgeWeights, typename WeightAdjoint>
  void reverse_impl(const EdgeGraph<T>& g, const T* x, const T* Y, EdgeWeights weights,
                    WeightAdjoint finish, const T* M_adj, T* x_adj, T* Y_adj) const;
  nn::FeatureLayout in_, mid_;
  int lmax_ = 0, weight_count_ = 0;
  std::vector<Instruction> instructions_;
};

}  // namespace equinet::mace
