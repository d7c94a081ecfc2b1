#include "equinet/io/model_format.hpp"

#include <string>

#include "equinet/error.hpp"

namespace equinet::io {

int model_format_version(const SafetensorsFile& file) {
  const auto& meta = file.metadata();
  const auto it = meta.find("equinet.format_version");
  if (it == meta.end()) return 1;
  const std::string& text = it->second;
  int version = 0;
  bool digits = !text.empty() && text.size() <= 6;
  for (char c : text) {
    digits = digits && c >= '0' && c <= '9';
    if (digits) version = 10 * version + (c - '0');
  }
  if (!digits || version < 1)
    throw Error(file.path() + ": metadata 'equinet.format_version' = '" + text +
                "' is not a positive integer");
  if (version > kModelFormatVersion)
    throw Error(file.path() + ": model format version " + std::to_string(version) +
                " is newer than this equinet reads (up to " + std::to_string(kModelFormatVersion) +
                "): upgrade equinet, or export the model again with this version's tools");
  return version;
}

}  // namespace equinet::io
