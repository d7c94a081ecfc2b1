// The compiled kernels behind the public product classes (cg_product.hpp,
// grid_product.hpp, many_body_product.hpp), as interfaces: one implementation
// per instruction-set variant. libequinet holds the portable ("generic")
// kernels; each variant library libequinet_isa_<name>.so holds the same
// sources compiled with -march=<name> (equinet/detail/isa_dispatch.hpp) and
// hands out its own table of factories. The public classes validate their
// arguments, keep the description and call the kernels of the chosen table.
#pragma once

#include <string>
#include <type_traits>

#include "equinet/so3/irreps.hpp"
#include "equinet/so3/s2_grid_transform.hpp"
#include "equinet/tp/description.hpp"

namespace equinet::tp {

enum class GridProductKind { Gaunt, VectorGaunt };

namespace detail {

template <typename T>
class CGKernels {
 public:
  virtual ~CGKernels() = default;
  virtual size_t n_coefficients() const = 0;
  virtual void forward(int rows, const T* x, const T* y, const T* w, T* z) = 0;
  virtual void reverse(int rows, const T* x, const T* y, const T* w, const T* z_adj, T* x_adj,
                       T* y_adj, T* w_adj) = 0;
};

template <typename T>
class GridKernels {
 public:
  virtual ~GridKernels() = default;
  virtual const so3::S2GridTransform<T>& grid() const = 0;
  virtual void forward(int rows, const T* x, const T* y, T* z) = 0;
  virtual void reverse(int rows, const T* x, const T* y, const T* z_adj, T* x_adj, T* y_adj) = 0;
};

template <typename T>
class ManyBodyKernels {
 public:
  virtual ~ManyBodyKernels() = default;
  virtual const so3::S2GridTransform<T>& grid() const = 0;
  virtual void forward(int rows, const T* a, T* z) = 0;
  virtual void reverse(int rows, const T* a, const T* z_adj, T* a_adj) = 0;
};

// Factories of one variant; arguments already validated by the public class.
// The caller owns (deletes) what they return.
template <typename T>
struct ProductKernelFactories {
  CGKernels<T>* (*cg)(const TensorProductDescription& description);
  GridKernels<T>* (*grid)(GridProductKind kind, const so3::Irreps& in1, const so3::Irreps& in2,
                          const so3::Irreps& out);
  ManyBodyKernels<T>* (*many_body)(const so3::Irreps& in, const so3::Irreps& out, int nu_max);
};

struct ProductKernelTable {
  const char* isa;  // "generic", "x86-64-v3", ...
  ProductKernelFactories<float> f32;
  ProductKernelFactories<double> f64;

  template <typename T>
  const ProductKernelFactories<T>& get() const {
    if constexpr (std::is_same<T, float>::value)
      return f32;
    else
      return f64;
  }
};

// The table of the library this is compiled into (kernels/kernel_table.cpp).
const ProductKernelTable& product_kernel_table();

// The table of `isa` ("" = the EQUINET_ISA environment variable if set, else
// the best variant this CPU supports): the same rules and errors as the
// choice of the model code (isa_dispatch.hpp). Defined in isa_dispatch.cpp.
const ProductKernelTable& select_product_kernels(const std::string& isa);

}  // namespace detail
}  // namespace equinet::tp
