// How a model family plugs into the runtime: every library (libequinet and
// each instruction-set variant libequinet_isa_<name>.so) hands out one
// LibraryTable with its families and its tensor-product kernels, so that a
// model and the products it uses come from the same variant. Adding a family
// adds one entry to models/families.cpp (docs/architecture.md).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "equinet/io/safetensors.hpp"
#include "equinet/potential.hpp"
#include "equinet/so3/irreps.hpp"
#include "equinet/so3/s2_grid_transform.hpp"
#include "equinet/tp/description.hpp"
#include "equinet/tp/detail/product_kernels.hpp"

namespace equinet::models {

struct ModelFamily {
  // The value of the file's `equinet.source` metadata that selects it.
  const char* source;
  // ModelInfo from the metadata and tensor shapes only (no weights, no
  // Kokkos); `isa` left empty. Throws equinet::Error for a defective file.
  ModelInfo (*inspect)(const io::SafetensorsFile& file);
  // The potential of a validated file, built with this library's code.
  std::unique_ptr<Potential> (*make)(const io::SafetensorsFile& file, const LoadOptions& options);
};

struct LibraryTable {
  const char* isa;  // "generic", "x86-64-v3", ...
  const char* abi;  // abi_signature() as this library was compiled
  const ModelFamily* families;
  int n_families;
  const tp::detail::ProductKernelTable* product_kernels;
};

// The instruction set the calling library was compiled for ("generic" in
// libequinet): what ModelInfo::isa reports (library_isa.cpp).
const char* library_isa();

// What libequinet and a variant must agree on to be used together: the
// sizes of the types passed across the boundary, as each side was compiled.
// A stale variant left beside a newer libequinet (a partial install, a
// copied library) is then refused with a message instead of crashing.
inline std::string abi_signature() {
  const size_t sizes[] = {sizeof(io::SafetensorsFile),
                          sizeof(Potential),
                          sizeof(ModelInfo),
                          sizeof(Request),
                          sizeof(Results),
                          sizeof(System),
                          sizeof(Graph),
                          sizeof(LoadOptions),
                          sizeof(ModelFamily),
                          sizeof(LibraryTable),
                          sizeof(so3::Irreps),
                          sizeof(tp::TensorProductDescription),
                          sizeof(so3::S2GridTransform<double>),
                          sizeof(tp::detail::ProductKernelTable)};
  std::string s = "equinet-isa-abi 3:";
  for (size_t n : sizes) s += " " + std::to_string(n);
  return s;
}

}  // namespace equinet::models
