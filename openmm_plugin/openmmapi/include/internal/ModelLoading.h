// Loads an equinet Potential from model bytes held in memory (the bytes an
// EquinetForce embeds), turning equinet errors into OpenMMExceptions.
#pragma once

#include <equinet/potential.hpp>
#include <memory>
#include <string>

namespace EquinetPlugin {

// Reads a whole file; throws OpenMMException naming it when it cannot.
std::string readModelFile(const std::string& path);

// modelName is used in error messages only.
std::unique_ptr<equinet::Potential> loadPotential(const std::string& modelBytes,
                                                  const std::string& modelName,
                                                  equinet::Precision precision);

// The model's metadata (elements, cutoff) without building it.
equinet::ModelInfo inspectModel(const std::string& modelBytes, const std::string& modelName);

}  // namespace EquinetPlugin
