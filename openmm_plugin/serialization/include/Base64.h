// Base64 (RFC 4648, with padding) for embedding model files in XML.
#pragma once

#include <string>

namespace EquinetPlugin {

std::string base64Encode(const std::string& bytes);
// Throws OpenMM::OpenMMException on characters or lengths that are not base64.
std::string base64Decode(const std::string& text);

}  // namespace EquinetPlugin
