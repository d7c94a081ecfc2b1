// Finding the family of a model file: the families of a library table, plus
// any registered at run time by a program or plug-in (register_family).
#pragma once

#include <string>

#include "equinet/models/common/model_family.hpp"

namespace equinet::runtime {

// Adds a family from outside the library tables (a program's own family, or a
// test's). It is used for every instruction set, built by its own code. A
// family whose source is already known is an equinet::Error.
void register_family(const models::ModelFamily& family);

// The family whose source is `source`: from `table`, else a registered one.
// None: an equinet::Error naming `file` and listing the known families.
const models::ModelFamily& find_family(const models::LibraryTable& table, const std::string& source,
                                       const std::string& file);

}  // namespace equinet::runtime
