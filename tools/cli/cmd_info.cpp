// `equinet info MODEL [--json]`: what a model file holds, from the loaded
// model (validated like any load) and the file's metadata (versions).
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.hpp"
#include "equinet/io/safetensors.hpp"
#include "equinet/potential.hpp"
#include "kokkos_session.hpp"

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
  j["model_class"] = info.model_class;
  nlohmann::ordered_json elements = nlohmann::ordered_json::array();
  for (int z : info.atomic_numbers) elements.push_back({{"symbol", element_symbol(z)}, {"Z", z}});
  j["elements"] = elements;
  j["cutoff"] = info.cutoff;
  j["num_layers"] = info.num_layers;
  j["hidden_irreps"] = info.hidden_irreps;
  j["max_ell"] = info.max_ell;
  j["correlation"] = info.correlation;
  j["num_parameters"] = info.num_parameters;
  j["isa"] = info.isa;
  j["mace_version"] = metadata_or_null(file, "equinet.mace_version");
  j["e3nn_version"] = metadata_or_null(file, "equinet.e3nn_version");
  j["torch_version"] = metadata_or_null(file, "equinet.torch_version");
  return j;
}

std::string text_or_dash(const nlohmann::ordered_json& v) {
  return v.is_string() ? v.get<std::string>() : std::string("-");
}

void print_text(const nlohmann::ordered_json& j) {
  std::ostringstream elements;
  for (const auto& e : j["elements"])
    elements << (elements.tellp() > 0 ? ", " : "") << e["symbol"].get<std::string>() << " ("
             << e["Z"].get<int>() << ")";
  std::cout << "model          " << j["model"].get<std::string>() << "\n"
            << "class          " << j["model_class"].get<std::string>() << " (source "
            << j["source"].get<std::string>() << ")\n"
            << "elements       " << elements.str() << "\n"
            << "cutoff         " << j["cutoff"].get<double>() << " Å\n"
            << "layers         " << j["num_layers"].get<int>() << "\n"
            << "hidden irreps  " << j["hidden_irreps"].get<std::string>() << "\n"
            << "max_ell        " << j["max_ell"].get<int>() << "\n"
            << "correlation    " << j["correlation"].get<int>() << "\n"
            << "parameters     " << j["num_parameters"].get<int64_t>() << "\n"
            << "isa            " << j["isa"].get<std::string>() << "\n"
            << "mace version   " << text_or_dash(j["mace_version"]) << "\n"
            << "e3nn version   " << text_or_dash(j["e3nn_version"]) << "\n"
            << "torch version  " << text_or_dash(j["torch_version"]) << "\n";
}

}  // namespace

int run_info(const ParsedArgs& args) {
  const std::string& path = args.positional[0];
  KokkosSession kokkos(1);  // loading only: no parallel work worth threads
  const auto potential = Potential::load(path);
  const auto file = io::SafetensorsFile::open(path);
  const nlohmann::ordered_json j = describe(path, potential->info(), file);
  if (args.has("--json"))
    std::cout << j.dump(2) << "\n";
  else
    print_text(j);
  return 0;
}

}  // namespace equinet::cli
