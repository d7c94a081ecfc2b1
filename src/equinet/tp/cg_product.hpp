// (a) Channel-wise Clebsch–Gordan tensor product with sparse coefficients:
// the reference and baseline. Every path is a list of the non-zero entries
// (i, j, k, value) of weight·wigner_3j, so a call costs
// O(rows · C · Σ_paths nnz) — O(L^5) for all paths with inputs up to L
// (the dense form would be O(L^6)).
#pragma once

#include <vector>

#include "equinet/tp/description.hpp"
#include "equinet/tp/detail/channel_layout.hpp"
#include "equinet/tp/detail/row_parallel.hpp"

namespace equinet::tp {

template <typename T>
class CGTensorProduct {
 public:
  explicit CGTensorProduct(const TensorProductDescription& description);

  const TensorProductDescription& description() const { return desc_; }
  // Number of non-zero coupling coefficients over all paths.
  size_t n_coefficients() const { return entries_.size(); }
  // Per-channel path weights w[path * C + c]; nullptr means all ones.
  int n_weights() const { return int(desc_.paths.size()) * desc_.channels(); }

  // z[rows][out.dim()] = Σ_paths ...; x[rows][in1.dim()], y[rows][in2.dim()].
  void forward(int rows, const T* x, const T* y, const T* w, T* z);
  // Vector–Jacobian product: x_adj, y_adj (overwritten) and, when w_adj is not
  // null, w_adj (overwritten, summed over rows).
  void reverse(int rows, const T* x, const T* y, const T* w, const T* z_adj, T* x_adj, T* y_adj,
               T* w_adj);

 private:
  struct Entry {
    int i, j, k;  // components of in1, in2, out
    T value;
  };
  TensorProductDescription desc_;
  detail::ChannelLayout in1_, in2_, out_;
  std::vector<Entry> entries_;
  std::vector<int> path_begin_;  // entries of path p: [path_begin_[p], path_begin_[p+1])
  std::vector<T> ones_;
  detail::ThreadWorkspace<T> ws_;
};

extern template class CGTensorProduct<float>;
extern template class CGTensorProduct<double>;

}  // namespace equinet::tp
