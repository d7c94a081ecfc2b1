// (e) Many-body product on the spherical grid: for each channel, the
// spherical function a(r) of the A-features and its powers a^ν, ν = 2..nu_max,
// projected onto the output degrees. a^ν is the ν-fold Gaunt product of A with
// itself, computed as one pointwise power instead of ν-1 products: the
// grid-native replacement of MACE's symmetric contraction (which contracts
// the same symmetric tensor powers of A with learned weights).
//
// Layouts: a[rows][in.dim()], z[rows][nu_max-1][out.dim()] (block ν-2 holds
// the projection of a^ν). Irreps must be spherical functions of natural
// parity (p = (-1)^l), so that every power has natural parity too.
// The grid is exact for degree nu_max·L_in + L_out.
#pragma once

#include <memory>
#include <string>

#include "equinet/so3/s2_grid_transform.hpp"
#include "equinet/tp/detail/product_kernels.hpp"

namespace equinet::tp {

template <typename T>
class ManyBodyGridProduct {
 public:
  // `isa`: the instruction-set variant of the kernels (see GridTensorProduct).
  ManyBodyGridProduct(const so3::Irreps& in, const so3::Irreps& out, int nu_max,
                      const std::string& isa = "");
  // With a given library's kernels (see CGTensorProduct).
  ManyBodyGridProduct(const so3::Irreps& in, const so3::Irreps& out, int nu_max,
                      const detail::ProductKernelTable& kernels);

  int nu_max() const { return nu_max_; }
  int out_row_dim() const { return (nu_max_ - 1) * out_dim_; }
  const so3::S2GridTransform<T>& grid() const { return kernels_->grid(); }
  // The instruction-set variant running the kernels.
  const std::string& isa() const { return isa_; }

  void forward(int rows, const T* a, T* z) { kernels_->forward(rows, a, z); }
  void reverse(int rows, const T* a, const T* z_adj, T* a_adj) {
    kernels_->reverse(rows, a, z_adj, a_adj);
  }

 private:
  int nu_max_, out_dim_;
  std::string isa_;
  std::unique_ptr<detail::ManyBodyKernels<T>> kernels_;
};

extern template class ManyBodyGridProduct<float>;
extern template class ManyBodyGridProduct<double>;

}  // namespace equinet::tp
