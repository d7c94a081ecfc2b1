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

#include "equinet/so3/s2_grid_block.hpp"
#include "equinet/so3/s2_grid_transform.hpp"
#include "equinet/tp/detail/channel_block.hpp"
#include "equinet/tp/detail/row_parallel.hpp"

namespace equinet::tp {

template <typename T>
class ManyBodyGridProduct {
 public:
  ManyBodyGridProduct(const so3::Irreps& in, const so3::Irreps& out, int nu_max);

  int nu_max() const { return nu_max_; }
  int out_row_dim() const { return (nu_max_ - 1) * out_.row_dim(); }
  const so3::S2GridTransform<T>& grid() const { return grid_; }

  void forward(int rows, const T* a, T* z);
  void reverse(int rows, const T* a, const T* z_adj, T* a_adj);

 private:
  int nu_max_, L_, Lout_;
  detail::ChannelBlockLayout in_, out_;
  so3::S2GridTransform<T> grid_;
  so3::S2GridBlock<T> block_;  // channel-blocked kernels on grid_
  detail::ThreadWorkspace<T> ws_;
};

extern template class ManyBodyGridProduct<float>;
extern template class ManyBodyGridProduct<double>;

}  // namespace equinet::tp
