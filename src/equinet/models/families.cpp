#include "equinet/models/families.hpp"

#include <string>

#include "equinet/models/mace/mace_family.hpp"

namespace equinet::models {

const LibraryTable& library_table() {
  // Adding a family: its folder under models/, and one line here.
  static const ModelFamily families[] = {
      mace::family(),
  };
  static const std::string abi = abi_signature();
  static const LibraryTable table{library_isa(), abi.c_str(), families,
                                  int(sizeof(families) / sizeof(families[0])),
                                  &tp::detail::product_kernel_table()};
  return table;
}

}  // namespace equinet::models
