// This library's table of product kernels: "generic" in libequinet, the
// variant's name where the build compiles it into libequinet_isa_<name>.so.
#include "equinet/tp/kernels/factories.hpp"

#ifndef EQUINET_ISA_NAME
#define EQUINET_ISA_NAME "generic"
#endif

namespace equinet::tp::detail {

const ProductKernelTable& product_kernel_table() {
  static const ProductKernelTable table{
      EQUINET_ISA_NAME,
      {&make_cg_kernels<float>, &make_grid_kernels<float>, &make_many_body_kernels<float>},
      {&make_cg_kernels<double>, &make_grid_kernels<double>, &make_many_body_kernels<double>}};
  return table;
}

}  // namespace equinet::tp::detail
