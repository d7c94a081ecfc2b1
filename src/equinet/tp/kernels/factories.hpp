// The kernel factories of this library (libequinet or one variant), collected
// by kernel_table.cpp. Arguments are validated by the public classes.
#pragma once

#include "equinet/tp/detail/product_kernels.hpp"

namespace equinet::tp::detail {

template <typename T>
CGKernels<T>* make_cg_kernels(const TensorProductDescription& description);

template <typename T>
GridKernels<T>* make_grid_kernels(GridProductKind kind, const so3::Irreps& in1,
                                  const so3::Irreps& in2, const so3::Irreps& out);

template <typename T>
ManyBodyKernels<T>* make_many_body_kernels(const so3::Irreps& in, const so3::Irreps& out,
                                           int nu_max);

}  // namespace equinet::tp::detail
