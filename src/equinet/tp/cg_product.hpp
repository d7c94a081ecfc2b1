// (a) Clebsch–Gordan tensor product with sparse coefficients: the reference
// and baseline. Every path is the list of its non-zero coefficients
// (path_coefficients: weight·wigner_3j), so a call costs
// O(rows · C · Σ_paths nnz) — O(L^5) for all paths with inputs up to L
// (the dense form would be O(L^6)). Paths may be uuu (channel-wise) or uvu
// (in2 of multiplicity 1, e.g. an edge's spherical harmonics); rows are in
// the m-major so3::FeatureLayout of the description's irreps.
#pragma once

#include <memory>
#include <string>

#include "equinet/tp/description.hpp"
#include "equinet/tp/detail/product_kernels.hpp"

namespace equinet::tp {

template <typename T>
class CGTensorProduct {
 public:
  // Throws equinet::Error for an invalid description (validate) or an
  // unavailable instruction-set variant `isa` (see GridTensorProduct).
  explicit CGTensorProduct(const TensorProductDescription& description,
                           const std::string& isa = "");
  // With a given library's kernels: a model family passes its own library's
  // (detail::product_kernel_table()), so that its products follow its variant.
  CGTensorProduct(const TensorProductDescription& description,
                  const detail::ProductKernelTable& kernels);

  const TensorProductDescription& description() const { return desc_; }
  // Number of non-zero coupling coefficients over all paths.
  size_t n_coefficients() const { return kernels_->n_coefficients(); }
  // The instruction-set variant running the kernels.
  const std::string& isa() const { return isa_; }
  // Per-channel path weights w[description().weight_offset(path) + u]
  // (w[path * C + u] when every path has C channels); nullptr means all ones.
  int n_weights() const { return desc_.n_weights(); }

  // z[rows][out.dim()] = Σ_paths ...; x[rows][in1.dim()], y[rows][in2.dim()].
  void forward(int rows, const T* x, const T* y, const T* w, T* z) {
    kernels_->forward(rows, x, y, w, z);
  }
  // Vector–Jacobian product: x_adj, y_adj (overwritten) and, when w_adj is not
  // null, w_adj (overwritten, summed over rows).
  void reverse(int rows, const T* x, const T* y, const T* w, const T* z_adj, T* x_adj, T* y_adj,
               T* w_adj) {
    kernels_->reverse(rows, x, y, w, z_adj, x_adj, y_adj, w_adj);
  }

 private:
  TensorProductDescription desc_;
  std::string isa_;
  std::unique_ptr<detail::CGKernels<T>> kernels_;
};

extern template class CGTensorProduct<float>;
extern template class CGTensorProduct<double>;

}  // namespace equinet::tp
