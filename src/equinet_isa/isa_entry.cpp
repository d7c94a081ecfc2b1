// The exported symbols of an instruction-set variant library
// (libequinet_isa_<name>.so, see src/CMakeLists.txt and
// equinet/detail/isa_dispatch.hpp). Everything else in the variant is
// compiled with hidden visibility, so no AVX code can be bound to by other
// libraries; what the variant does not contain comes from libequinet.
#include <string>
#include <type_traits>

#include "equinet/detail/isa_dispatch.hpp"
#include "equinet/models/mace/mace_potential.hpp"
#include "equinet/tp/detail/product_kernels.hpp"

#if !defined(EQUINET_ISA_NAME) || !defined(EQUINET_ISA_ENTRY) || \
    !defined(EQUINET_ISA_ABI_ENTRY) || !defined(EQUINET_ISA_PRODUCTS_ENTRY)
#error "EQUINET_ISA_NAME and the EQUINET_ISA_*_ENTRY names must be defined by the build"
#endif

// The layout this variant was compiled against (detail::abi_signature).
extern "C" __attribute__((visibility("default"))) const char* EQUINET_ISA_ABI_ENTRY() {
  static const std::string signature = equinet::detail::abi_signature();
  return signature.c_str();
}

extern "C" __attribute__((visibility("default"))) equinet::Potential* EQUINET_ISA_ENTRY(
    const equinet::io::SafetensorsFile& file, const equinet::mace::MaceConfig& config,
    const equinet::mace::MaceOptions& options, equinet::Precision precision) {
  return equinet::mace::make_mace_potential(file, config, options, precision).release();
}

// The entry point has the signature libequinet calls it with.
static_assert(std::is_same<decltype(&EQUINET_ISA_ENTRY), equinet::detail::MaceFactory>::value,
              "variant entry point does not match detail::MaceFactory");

// The tensor-product kernels compiled into this variant.
extern "C" __attribute__((visibility("default"))) const equinet::tp::detail::ProductKernelTable*
EQUINET_ISA_PRODUCTS_ENTRY() {
  return &equinet::tp::detail::product_kernel_table();
}
