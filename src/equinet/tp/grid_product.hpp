// (b) Gaunt tensor product and (d) vector Gaunt product on the spherical grid.
//
// Each channel of in1 and in2 is read as the coefficients of a spherical
// function f, g (irreps: one block per degree, parity sign·(-1)^l). Per row
// and ring of the grid (see so3/s2_grid_transform.hpp):
//   (b) Gaunt:        h = f g                 -> out: coefficients of h up to L3
//   (d) vector Gaunt: h = r·(∇f × ∇g)         -> out, parity flipped
// then h is projected back with the exact quadrature. (b) equals the CG
// product of gaunt_description() (paths with l1+l2+l3 even, weighted by the
// Gaunt coefficient), (d) that of vector_gaunt_description() (the odd paths,
// e.g. the cross product of two vectors, that (b) cannot express).
// Cost O(rows · C · L^3) against O(rows · C · L^5) for the sparse CG product.
#pragma once

#include <memory>
#include <string>

#include "equinet/so3/s2_grid_transform.hpp"
#include "equinet/tp/description.hpp"
#include "equinet/tp/detail/product_kernels.hpp"

namespace equinet::tp {

template <typename T>
class GridTensorProduct {
 public:
  // Throws equinet::Error for irreps that are not spherical functions, unequal
  // multiplicities, or an output parity other than the product's. `isa`: the
  // instruction-set variant of the kernels ("generic", "x86-64-v3", ...; ""
  // = EQUINET_ISA if set, else the best this CPU supports); throws
  // equinet::Error for one that is not available.
  GridTensorProduct(GridProductKind kind, const so3::Irreps& in1, const so3::Irreps& in2,
                    const so3::Irreps& out, const std::string& isa = "");
  // With a given library's kernels (see CGTensorProduct).
  GridTensorProduct(GridProductKind kind, const so3::Irreps& in1, const so3::Irreps& in2,
                    const so3::Irreps& out, const detail::ProductKernelTable& kernels);

  GridProductKind kind() const { return kind_; }
  // The CG description this product equals.
  const TensorProductDescription& description() const { return desc_; }
  const so3::S2GridTransform<T>& grid() const { return kernels_->grid(); }
  // The instruction-set variant running the kernels.
  const std::string& isa() const { return isa_; }

  void forward(int rows, const T* x, const T* y, T* z) { kernels_->forward(rows, x, y, z); }
  void reverse(int rows, const T* x, const T* y, const T* z_adj, T* x_adj, T* y_adj) {
    kernels_->reverse(rows, x, y, z_adj, x_adj, y_adj);
  }

 private:
  GridProductKind kind_;
  TensorProductDescription desc_;
  std::string isa_;
  std::unique_ptr<detail::GridKernels<T>> kernels_;
};

extern template class GridTensorProduct<float>;
extern template class GridTensorProduct<double>;

}  // namespace equinet::tp
