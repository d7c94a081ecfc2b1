#include "internal/ModelLoading.h"

#include <openmm/OpenMMException.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace EquinetPlugin {

namespace {

// A private temporary copy of the model bytes, removed when it goes out of
// scope. Potential::load reads from a path only.
class TemporaryModelFile {
 public:
  explicit TemporaryModelFile(const std::string& bytes) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "equinet-model-XXXXXX").string();
    int fd = mkstemp(pattern.data());
    if (fd < 0) throw OpenMM::OpenMMException("EquinetForce: cannot create a temporary model file");
    path = pattern;
    const char* data = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
      ssize_t written = write(fd, data, left);
      if (written <= 0) {
        close(fd);
        std::remove(path.c_str());
        throw OpenMM::OpenMMException("EquinetForce: cannot write the temporary model file " +
                                      path);
      }
      data += written;
      left -= static_cast<size_t>(written);
    }
    close(fd);
  }
  ~TemporaryModelFile() { std::remove(path.c_str()); }
  TemporaryModelFile(const TemporaryModelFile&) = delete;
  TemporaryModelFile& operator=(const TemporaryModelFile&) = delete;
  std::string path;
};

// Error messages should name the user's file, not our temporary copy.
std::string replaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace

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
  TemporaryModelFile file(modelBytes);
  try {
    equinet::LoadOptions options;
    options.precision = precision;
    return equinet::Potential::load(file.path, options);
  } catch (const std::exception& e) {
    throw OpenMM::OpenMMException("EquinetForce: model '" + modelName +
                                  "': " + replaceAll(e.what(), file.path, modelName));
  }
}

}  // namespace EquinetPlugin
