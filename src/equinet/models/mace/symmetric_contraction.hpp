// MACE's symmetric contraction: for each output irrep and channel u, a
// polynomial of degree <= correlation in the node's A features,
//   B[m_out][u] = Σ_ν Σ_{i1..iν} (Σ_k U_ν[m_out, i1..iν, k] W_ν[e][k][u]) A[i1][u] ... A[iν][u].
// mace evaluates it Horner-style; as the monomials commute we sum U over the
// permutations of (i1..iν) once at load time and keep only the non-zero
// monomials, with coefficients per element and channel.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "equinet/nn/weight_array.hpp"
#include "equinet/so3/feature_layout.hpp"

namespace equinet::mace {

// mace-torch's parameters of one SymmetricContraction: one contraction per
// output block b ("contractions.<b>"), with, for each degree ν = 1..correlation
// (index ν - 1), the fixed coupling tensor U_ν, shape [d_out,] in_dim x ν, K_ν
// (no d_out for scalar outputs; in_dim = Σ (2l+1) over the input blocks), and
// the trained weights W_ν, shape [elements, K_ν, channels].
struct SymmetricContractionWeights {
  struct Contraction {
    std::vector<nn::WeightArray> U, W;
  };
  std::vector<Contraction> contractions;
};

template <typename T>
class SymmetricContraction {
 public:
  SymmetricContraction() = default;
  // in: the A irreps (K x (0e + 1o + ...)), out: one block per contraction.
  // Weights of the wrong shape throw equinet::Error naming `source` (the
  // file) and the array's key.
  SymmetricContraction(const SymmetricContractionWeights& weights, const so3::Irreps& in,
                       const so3::Irreps& out, int correlation, int num_elements,
                       const std::string& source);

  const so3::FeatureLayout& out() const { return out_; }
  int64_t monomial_count() const;

  // rows [0, n): B = SC(A) (m-major layouts), species per row.
  void forward(int64_t n, const T* A, const int* species, T* B) const;
  // A_adj (=) from B_adj.
  void reverse(int64_t n, const T* A, const int* species, const T* B_adj, T* A_adj) const;

 private:
  struct Monomial {
    int m_out, degree;
    int idx[4];
  };
  // monomials [begin, end) of one degree sharing their first degree-1 indices
  struct Group {
    int degree;
    int prefix[3];
    int begin, end;
  };
  struct Output {
    int block;  // output block
    std::vector<Monomial> monomials;
    std::vector<Group> groups;
    std::vector<T> values;  // [element][monomial][channel]
  };
  template <typename V>
  static V prefix_product(const Group& grp, const V* xp, V* dP);
  static constexpr int kMaxChannels = 1024;
  template <typename F>
  void each_node(const char* label, int64_t n, F&& f) const;
  template <int W, int NB>
  void forward_node(const T* a, int species, T* b) const;
  template <int W, int NB>
  void reverse_node(const T* a, int species, const T* g, T* ga) const;
  so3::FeatureLayout out_;
  int channels_ = 0, in_dim_ = 0, num_elements_ = 0;
  std::vector<Output> outputs_;
};

}  // namespace equinet::mace
