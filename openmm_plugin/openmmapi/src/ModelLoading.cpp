#include "internal/ModelLoading.h"

#include <openmm/OpenMMException.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

namespace EquinetPlugin {

std::string readModelFile(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error))
    throw OpenMM::OpenMMException("EquinetForce: model file '" + path +
                                  "' does not exist or is not a regular file");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (!in || !bytes)
    throw OpenMM::OpenMMException("EquinetForce: cannot read model file '" + path + "'");
  return bytes.str();
}

std::unique_ptr<equinet::Potential> loadPotential(const std::string& modelBytes,
                                                  const std::string& modelName,
                                                  equinet::Precision precision) {
  try {
    equinet::LoadOptions options;
    options.precision = precision;
    return equinet::Potential::load_from_bytes(
        std::vector<uint8_t>(modelBytes.begin(), modelBytes.end()), modelName, options);
  } catch (const std::exception& e) {
    throw OpenMM::OpenMMException("EquinetForce: model '" + modelName + "': " + e.what());
  }
}

equinet::ModelInfo inspectModel(const std::string& modelBytes, const std::string& modelName) {
  try {
    return equinet::inspect_bytes(std::vector<uint8_t>(modelBytes.begin(), modelBytes.end()),
                                  modelName);
  } catch (const std::exception& e) {
    throw OpenMM::OpenMMException("EquinetForce: model '" + modelName + "': " + e.what());
  }
}

}  // namespace EquinetPlugin
