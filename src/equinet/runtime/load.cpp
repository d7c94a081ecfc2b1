// Potential::load and inspect: read and validate a model file, check its
// format version, find its family and build it with the code of the chosen
// instruction-set variant.
#include <Kokkos_Core.hpp>
#include <cstdlib>

#include "equinet/io/model_format.hpp"
#include "equinet/models/families.hpp"
#include "equinet/potential.hpp"
#include "equinet/runtime/family_registry.hpp"
#include "equinet/runtime/isa_dispatch.hpp"

namespace equinet {
namespace {

void ensure_kokkos() {
  // LAMMPS (KOKKOS package) or the host program may already own Kokkos; we
  // initialise it at most once per process and finalise it at exit.
  static bool initialised_here = false;
  if (!Kokkos::is_initialized() && !initialised_here) {
    initialised_here = true;
    Kokkos::initialize();
    std::atexit([] {
      if (Kokkos::is_initialized()) Kokkos::finalize();
    });
  }
}

// The file's family in `table` (libequinet's for inspect, the chosen
// variant's for load); format version checked first.
const models::ModelFamily& family_of(const io::SafetensorsFile& file,
                                     const models::LibraryTable& table) {
  io::model_format_version(file);
  const auto& meta = file.metadata();
  auto source = meta.find("equinet.source");
  if (source == meta.end())
    throw Error(file.path() +
                ": metadata key 'equinet.source' is missing (not an equinet model file; "
                "docs/model-format.md lists the exporters that write one)");
  return runtime::find_family(table, source->second, file.path());
}

std::unique_ptr<Potential> make_potential(const io::SafetensorsFile& file,
                                          const LoadOptions& options) {
  const std::string& path = file.path();
  if (options.radial_table_intervals < 0)
    throw Error(path + ": radial_table_intervals must be >= 0");
  if (!(options.neighbor_skin >= 0)) throw Error(path + ": neighbor_skin must be >= 0 (Å)");
  family_of(file, models::library_table());  // file errors before choosing a variant
  const auto& family = family_of(file, runtime::select_library(options.isa, "LoadOptions::isa"));
  ensure_kokkos();
  return family.make(file, options);
}

ModelInfo inspect_file(const io::SafetensorsFile& file) {
  ModelInfo info = family_of(file, models::library_table()).inspect(file);
  info.format_version = io::model_format_version(file);
  info.isa.clear();
  return info;
}

}  // namespace

std::unique_ptr<Potential> Potential::load(const std::string& path, const LoadOptions& options) {
  return make_potential(io::SafetensorsFile::open(path), options);
}

std::unique_ptr<Potential> Potential::load_from_bytes(std::vector<uint8_t> bytes,
                                                      const std::string& label,
                                                      const LoadOptions& options) {
  return make_potential(io::SafetensorsFile::from_bytes(std::move(bytes), label), options);
}

ModelInfo inspect(const std::string& path) { return inspect_file(io::SafetensorsFile::open(path)); }

ModelInfo inspect_bytes(std::vector<uint8_t> bytes, const std::string& label) {
  return inspect_file(io::SafetensorsFile::from_bytes(std::move(bytes), label));
}

}  // namespace equinet
