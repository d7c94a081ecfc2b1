// The MACE family's entry in the family table (models/families.cpp):
// `equinet.source = "mace"` files, i.e. mace-torch models exported by
// tools/export_mace.py (docs/model-format.md, section MACE).
#pragma once

#include "equinet/models/common/model_family.hpp"

namespace equinet::mace {

struct MaceConfig;

models::ModelFamily family();

// What a MACE file is, from its configuration (generic fields and
// hyperparameters; num_parameters and isa left 0 / empty), evaluated with
// head `head` (-1: the default head, or none when the model has no default).
ModelInfo describe(const MaceConfig& config, int head = -1);
// The number of trainable parameters of mace-torch's model, from the file's
// tensor names and shapes.
int64_t count_parameters(const io::SafetensorsFile& file);

}  // namespace equinet::mace
