#include "equinet/tp/grid_product.hpp"

#include "equinet/error.hpp"

namespace equinet::tp {
namespace {

// Each operand one spherical function per channel, the output of the
// product's parity; returns kind.
GridProductKind check_operands(GridProductKind kind, const so3::Irreps& in1, const so3::Irreps& in2,
                               const so3::Irreps& out) {
  common_channels(in1, in2, out, "grid tensor product");
  int s1 = 1, s2 = 1, s3 = 1;
  spherical_function_degree(in1, "grid tensor product in1", &s1);
  spherical_function_degree(in2, "grid tensor product in2", &s2);
  spherical_function_degree(out, "grid tensor product out", &s3);
  const int expected = kind == GridProductKind::Gaunt ? s1 * s2 : -s1 * s2;
  if (s3 != expected)
    throw Error("grid tensor product: output irreps " + out.str() + " have the wrong parity for " +
                in1.str() + " x " + in2.str() +
                (kind == GridProductKind::Gaunt ? " (Gaunt: p = p1 p2 (-1)^(l+l1+l2))"
                                                : " (vector Gaunt: parity flipped)"));
  return kind;
}

}  // namespace

template <typename T>
GridTensorProduct<T>::GridTensorProduct(GridProductKind kind, const so3::Irreps& in1,
                                        const so3::Irreps& in2, const so3::Irreps& out,
                                        const std::string& isa)
    : GridTensorProduct(kind, in1, in2, out, detail::select_product_kernels(isa)) {}

template <typename T>
GridTensorProduct<T>::GridTensorProduct(GridProductKind kind, const so3::Irreps& in1,
                                        const so3::Irreps& in2, const so3::Irreps& out,
                                        const detail::ProductKernelTable& table)
    : kind_(check_operands(kind, in1, in2, out)),
      desc_(kind == GridProductKind::Gaunt ? gaunt_description(in1, in2, out)
                                           : vector_gaunt_description(in1, in2, out)) {
  isa_ = table.isa;
  kernels_.reset(table.get<T>().grid(kind, in1, in2, out));
}

template class GridTensorProduct<float>;
template class GridTensorProduct<double>;

}  // namespace equinet::tp
