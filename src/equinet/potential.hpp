// equinet facade: the only header the front ends (CLI, LAMMPS, OpenMM) include.
// It is the interface layer: declarations only. The model families implement
// Potential (models/), and runtime/ defines load, inspect and available_isas
// (docs/architecture.md).
//
// Units: positions Å, energies eV, forces eV/Å, virial eV (W = -dE/dε, see
// docs/model-format.md). Atom-major arrays: positions[3*i + k], virial[3*a + b].
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "equinet/error.hpp"
#include "equinet/io/elements.hpp"

namespace equinet {

enum class Precision { Float32, Float64 };

struct LoadOptions {
  Precision precision = Precision::Float64;
  // Opt-in speed-up: 0 (default) evaluates radial functions exactly; N > 0
  // tabulates each layer's radial weights w(r) on N cubic Hermite intervals
  // of [0, cutoff] (families that have radial MLPs). Accuracy per family in
  // docs/model-format.md; error ~ N^-3.
  int radial_table_intervals = 0;
  // compute(System) reuses its neighbour list between calls (a Verlet list):
  // candidates within cutoff + skin (Å) are kept, and rebuilt only when an
  // atom has moved more than skin/2, or the atom count, cell or periodicity
  // changed. Results are those of a fresh list, edge for edge. 0 rebuilds
  // on every call (less work for unrelated structures, e.g. a data set).
  double neighbor_skin = 1.0;
  // Instruction-set variant of the model code: empty (default) picks the
  // best one this CPU supports (or the EQUINET_ISA environment variable's
  // choice, if set); "generic", "x86-64-v3" or "x86-64-v4" force one, and a
  // variant that is unknown, not built or unsupported by this CPU throws
  // equinet::Error. See available_isas().
  std::string isa;
  // The output head of a multi-head model (ModelInfo::heads), by name. Empty
  // (default): the head named "Default"/"default" (any case) if there is one,
  // else the only head; a model with several heads and none of them default
  // throws equinet::Error listing its heads. A name the model lacks throws too.
  std::string head;
};

// What compute() should produce. Energy is always computed.
struct Request {
  bool forces = true;
  bool virial = false;
  bool atom_energies = false;
  bool atom_virials = false;
};

// A whole system; the core builds the neighbour list.
struct System {
  int64_t n_atoms = 0;
  const double* positions = nullptr;             // n_atoms x 3
  const int* atomic_numbers = nullptr;           // n_atoms
  double cell[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};  // rows are lattice vectors
  bool pbc[3] = {false, false, false};
  // Per-structure inputs of models that take them (ModelInfo::system_inputs):
  // the total charge (e) and the spin multiplicity 2S+1 (1 for a singlet).
  // Required by such models, refused by the others.
  std::optional<double> total_charge, total_spin;
};

// Called between message-passing layers when the caller owns ghost atoms
// (LAMMPS). `forward` copies each ghost's row from its owner; `reverse` adds
// each ghost's row into its owner's row (and may leave ghosts untouched).
// data is n_nodes x width, row-major.
class GhostExchange {
 public:
  virtual ~GhostExchange() = default;
  virtual void forward(double* data, int width) = 0;
  virtual void reverse(double* data, int width) = 0;
  virtual void forward(float* data, int width) = 0;
  virtual void reverse(float* data, int width) = 0;
};

// A graph supplied by the caller: local atoms [0, n_local) first, then ghost
// atoms [n_local, n_nodes). Neighbour lists are full (both directions) and
// given for the first n_centers atoms: the receivers. Edge vector for
// receiver i and neighbour (sender) j is positions[i] - positions[j].
// Lists may carry skin: the core keeps the neighbours strictly within the
// model's cutoff, and is the one place that checks positions (finite) and
// overlaps (atoms closer than neighbor::kOverlapDistance, 1e-8 Å, are an
// error naming both).
//
// Two ways to handle ghosts:
//  * exchange != nullptr: n_centers == n_local. After each layer, ghost node
//    features are filled by exchange->forward, and in the reverse pass ghost
//    adjoints are sent back with exchange->reverse. Ghost shell: one cutoff.
//  * exchange == nullptr: every atom whose features matter has its own list
//    (n_centers may exceed n_local); only energies of local atoms count.
//    Ghost shell: layers x cutoff.
struct Graph {
  int64_t n_local = 0;
  int64_t n_nodes = 0;
  int64_t n_centers = 0;
  const double* positions = nullptr;          // n_nodes x 3
  const int* atomic_numbers = nullptr;        // n_nodes
  const int64_t* neighbor_offsets = nullptr;  // n_centers + 1 (CSR)
  const int* neighbors = nullptr;             // neighbor_offsets[n_centers]
  GhostExchange* exchange = nullptr;
  // Optional: the engine's IDs of the nodes (LAMMPS atom tags), n_nodes;
  // error messages then name atoms by ID instead of node index.
  const int64_t* atom_ids = nullptr;
  // As in System.
  std::optional<double> total_charge, total_spin;
};

struct Results {
  double energy = 0.0;                             // eV, sum over local atoms
  std::vector<double> forces;                      // n x 3 (graph: n_nodes, ghosts included)
  double virial[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};  // eV, W = -dE/dε
  std::vector<double> atom_energies;               // n_local (system: n_atoms)
  std::vector<double> atom_virials;                // n x 9 (graph: n_nodes), half of each edge's
                                                   // virial to each end; sums to virial
  int64_t n_edges = 0;                             // directed edges within the cutoff
};

// What a model file holds, the same for every family. `equinet info` prints
// it without knowing the family.
struct ModelInfo {
  std::string source;               // the model family: the file's equinet.source
  int format_version = 1;           // equinet.format_version of the file (1 when absent)
  double cutoff = 0.0;              // Å
  std::vector<int> atomic_numbers;  // in the model's element order
  int num_layers = 0;               // message-passing layers
  int64_t num_parameters = 0;       // trainable parameters
  int max_exchange_width = 0;       // largest per-atom width passed to GhostExchange
  std::string isa;                  // code path in use ("" from inspect: nothing loaded)
  std::vector<std::string> heads;   // output heads in the model's order (one for most models)
  std::string head;                 // the head in use (from inspect: the default one, or "")
  // Per-structure inputs the model needs: "total_charge", "total_spin" (System).
  std::vector<std::string> system_inputs;
  // The family's hyperparameters in its own order, as text, e.g.
  // ("hidden_irreps", "16x0e+16x1o").
  std::vector<std::pair<std::string, std::string>> hyperparameters;

  // The value of a hyperparameter, or "" when the family has none of that name.
  std::string hyperparameter(const std::string& key) const {
    for (const auto& kv : hyperparameters)
      if (kv.first == key) return kv.second;
    return "";
  }
};

class Potential {
 public:
  // Reads and validates a model file; throws equinet::Error naming the file
  // and key on any defect.
  static std::unique_ptr<Potential> load(const std::string& path, const LoadOptions& options = {});
  // The same from the bytes of a model file (e.g. embedded in a serialized
  // OpenMM System); `label` names it in error messages.
  static std::unique_ptr<Potential> load_from_bytes(std::vector<uint8_t> bytes,
                                                    const std::string& label,
                                                    const LoadOptions& options = {});
  virtual ~Potential() = default;

  virtual const ModelInfo& info() const = 0;
  virtual Precision precision() const = 0;

  virtual void compute(const System& system, const Request& request, Results& results) = 0;
  virtual void compute(const Graph& graph, const Request& request, Results& results) = 0;
};

// A model file's ModelInfo (isa left empty) from its metadata and tensor
// shapes, without building the model: no Kokkos, no instruction-set
// variant. Throws equinet::Error like load() for a defective file or an
// unknown family.
ModelInfo inspect(const std::string& path);
ModelInfo inspect_bytes(std::vector<uint8_t> bytes, const std::string& label);

// The instruction-set variants of the model code usable here: "generic"
// first, then each variant that was built and that this CPU supports, from
// least to most capable (the automatic choice is the last).
std::vector<std::string> available_isas();

}  // namespace equinet
