// `equinet info MODEL [--json]`: what a model file holds, from its metadata
// and tensor shapes (equinet::inspect: validated, but not built).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "equinet/io/safetensors.hpp"
#include "equinet/potential.hpp"

namespace equinet::cli {
namespace {

// A metadata value, or null when the file does not record it.
nlohmann::ordered_json metadata_or_null(const io::SafetensorsFile& file, const std::string& key) {
  const auto& meta = file.metadata();
  auto it = meta.find(key);
  return it == meta.end() ? nlohmann::ordered_json() : nlohmann::ordered_json(it->second);
}

nlohmann::ordered_json describe(const std::string& path, const ModelInfo& info,
                                const io::SafetensorsFile& file) {
  nlohmann::ordered_json j;
  j["model"] = path;
  j["source"] = info.source;
  j["format_version"] = info.format_version;
  nlohmann::ordered_json elements = nlohmann::ordered_json::array();
  for (int z : info.atomic_numbers) elements.push_back({{"symbol", element_symbol(z)}, {"Z", z}});
  j["elements"] = elements;
  j["cutoff"] = info.cutoff;
  j["num_layers"] = info.num_layers;
  j["num_parameters"] = info.num_parameters;
  j["max_exchange_width"] = info.max_exchange_width;
  nlohmann::ordered_json hyper = nlohmann::ordered_json::object();
  for (const auto& kv : info.hyperparameters) hyper[kv.first] = kv.second;
  j["hyperparameters"] = hyper;
  j["isa_available"] = available_isas();
  j["mace_version"] = metadata_or_null(file, "equinet.mace_version");
  j["e3nn_version"] = metadata_or_null(file, "equinet.e3nn_version");
  j["torch_version"] = metadata_or_null(file, "equinet.torch_version");
  return j;
}

std::string text_or_dash(const nlohmann::ordered_json& v) {
  return v.is_string() ? v.get<std::string>() : std::string("-");
}

// "name" padded to the value column.
std::string label(const std::string& name) {
  constexpr size_t kColumn = 22;
  return name + std::string(name.size() < kColumn ? kColumn - name.size() : 1, ' ');
}

void print_text(const nlohmann::ordered_json& j) {
  std::ostringstream elements, isas;
  for (const auto& e : j["elements"])
    elements << (elements.tellp() > 0 ? ", " : "") << e["symbol"].get<std::string>() << " ("
             << e["Z"].get<int>() << ")";
  for (const auto& name : j["isa_available"])
    isas << (isas.tellp() > 0 ? ", " : "") << name.get<std::string>();
  std::cout << label("model") << j["model"].get<std::string>() << "\n"
            << label("family") << j["source"].get<std::string>() << " (format version "
            << j["format_version"].get<int>() << ")\n"
            << label("elements") << elements.str() << "\n"
            << label("cutoff") << j["cutoff"].get<double>() << " Å\n"
            << label("layers") << j["num_layers"].get<int>() << "\n"
            << label("parameters") << j["num_parameters"].get<int64_t>() << "\n";
  for (const auto& kv : j["hyperparameters"].items())
    std::cout << label(kv.key()) << kv.value().get<std::string>() << "\n";
  std::cout << label("code paths") << isas.str() << "\n"
            << label("mace version") << text_or_dash(j["mace_version"]) << "\n"
            << label("e3nn version") << text_or_dash(j["e3nn_version"]) << "\n"
            << label("torch version") << text_or_dash(j["torch_version"]) << "\n";
}

}  // namespace

int run_info(const ParsedArgs& args) {
  const std::string& path = args.positional[0];
  // Metadata only: the model is not built (no Kokkos, no weights).
  const auto file = io::SafetensorsFile::open(path);
  const nlohmann::ordered_json j = describe(path, inspect_bytes(file.bytes(), path), file);
  if (args.has("--json"))
    std::cout << j.dump(2) << "\n";
  else
    print_text(j);
  return 0;
}

}  // namespace equinet::cli
