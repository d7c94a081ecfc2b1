#include "equinet/tp/cg_product.hpp"

namespace equinet::tp {

template <typename T>
CGTensorProduct<T>::CGTensorProduct(const TensorProductDescription& description,
                                    const std::string& isa)
    : CGTensorProduct(description, detail::select_product_kernels(isa)) {}

template <typename T>
CGTensorProduct<T>::CGTensorProduct(const TensorProductDescription& description,
                                    const detail::ProductKernelTable& table)
    : desc_(description) {
  validate(desc_);
  isa_ = table.isa;
  kernels_.reset(table.get<T>().cg(desc_));
}

template class CGTensorProduct<float>;
template class CGTensorProduct<double>;

}  // namespace equinet::tp
