// The versioned model-file contract (docs/model-format.md): every exporter
// and the trainer write `equinet.format_version`; readers check it.
#pragma once

#include "equinet/io/safetensors.hpp"

namespace equinet::io {

// The newest model-file format this build reads (and the one its writers write).
constexpr int kModelFormatVersion = 1;

// The file's `equinet.format_version`: 1 when absent (files written before
// the key existed). A value that is not a positive integer, or is newer than
// kModelFormatVersion, is an equinet::Error naming the file.
int model_format_version(const SafetensorsFile& file);

}  // namespace equinet::io
