// The facade: loads and validates a model file, then hands it to the model
// code (models/mace/mace_potential.hpp) of the chosen instruction-set variant
// (detail/isa_dispatch.hpp).
#include "equinet/potential.hpp"

#include <Kokkos_Core.hpp>
#include <cstdlib>

#include "equinet/detail/isa_dispatch.hpp"
#include "equinet/io/safetensors.hpp"
#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/mace_model.hpp"

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

std::unique_ptr<Potential> make_potential(const io::SafetensorsFile& file,
                                          const LoadOptions& options) {
  ensure_kokkos();
  const std::string& path = file.path();
  const auto& meta = file.metadata();
  auto source = meta.find("equinet.source");
  if (source == meta.end())
    throw Error(path +
                ": metadata key 'equinet.source' is missing (not an equinet model file; "
                "convert mace-torch models with tools/export_mace.py)");
  if (source->second != "mace")
    throw Error(path + ": metadata 'equinet.source' = '" + source->second +
                "' is not supported (mace)");
  const auto config = mace::parse_mace_config(file.metadata_value("equinet.config"), path);
  if (options.radial_table_intervals < 0)
    throw Error(path + ": radial_table_intervals must be >= 0");
  if (!(options.neighbor_skin >= 0)) throw Error(path + ": neighbor_skin must be >= 0 (Å)");
  mace::MaceOptions mopt;
  mopt.radial_table_intervals = options.radial_table_intervals;
  mopt.neighbor_skin = options.neighbor_skin;
  const detail::MaceFactory factory = detail::select_mace_factory(options.isa);
  return std::unique_ptr<Potential>(factory(file, config, mopt, options.precision));
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

}  // namespace equinet
