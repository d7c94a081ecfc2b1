// The model families of this library (libequinet or an instruction-set
// variant): the one list that names them all.
#pragma once

#include "equinet/models/common/model_family.hpp"

namespace equinet::models {

// This library's table: its instruction set, layout signature, families and
// tensor-product kernels. Compiled into every library.
const LibraryTable& library_table();

}  // namespace equinet::models
