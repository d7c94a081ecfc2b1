#include "equinet/tp/cg_product.hpp"

namespace equinet::tp {

template <typename T>
CGTensorProduct<T>::CGTensorProduct(const TensorProductDescription& description,
                                    const std::string& isa)
    : desc_(description) {
  validate(desc_);
  const detail::ProductKernelTable& table = detail::select_product_kernels(isa);
  isa_ = table.isa;
  kernels_.reset(table.get<T>().cg(desc_));
}

template class CGTensorProduct<float>;
template class CGTensorProduct<double>;

}  // namespace equinet::tp
