// pair_style equinet: MACE (and later native equivariant) potentials
// evaluated by the equinet core.
//
//   pair_style equinet [mode exchange|recompute] [precision float64|float32]
//   pair_coeff * * model.safetensors Si NULL ...
//
// The pair style holds no physics: it turns LAMMPS's atoms and full
// neighbour list into an equinet::Graph, lets the core compute, and tallies
// forces, energies and virials. Between message-passing layers the core asks
// for ghost node features (forward communication) and, in its reverse pass,
// returns ghost feature adjoints to their owners (reverse communication), so
// the ghost shell is one cutoff wide ("mode exchange", the default). "mode
// recompute" instead widens the ghost shell to layers x cutoff and lets every
// rank recompute the features of its ghosts, with no communication inside
// the model.

#ifdef PAIR_CLASS
// clang-format off
PairStyle(equinet,PairEquinet);
// clang-format on
#else

#ifndef LMP_PAIR_EQUINET_H
#define LMP_PAIR_EQUINET_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pair.h"

namespace equinet {
class Potential;
struct Results;
class GhostExchange;
}  // namespace equinet

namespace LAMMPS_NS {

class PairEquinet : public Pair {
 public:
  explicit PairEquinet(class LAMMPS*);
  ~PairEquinet() override;

  void compute(int, int) override;
  void settings(int, char**) override;
  void coeff(int, char**) override;
  void init_style() override;
  double init_one(int, int) override;

  int pack_forward_comm(int, int*, double*, int, int*) override;
  void unpack_forward_comm(int, int, double*) override;
  int pack_reverse_comm(int, int, double*) override;
  void unpack_reverse_comm(int, int*, double*) override;

  double memory_usage() override;

 protected:
  enum class GhostMode { Exchange, Recompute };

  // The graph handed to the core, as pointers into buffers owned by the
  // variant that built it (host vectors here, Kokkos mirrors in equinet/kk).
  // Atoms of NULL-mapped types are left out, so graph rows and LAMMPS
  // indices differ in general: node_of_atom maps LAMMPS index -> graph row
  // (-1 if left out, size nall), atom_of_node the other way.
  struct GraphView {
    int64_t n_local = 0;
    int64_t n_nodes = 0;
    int64_t n_centers = 0;
    const int* node_of_atom = nullptr;
    const int* atom_of_node = nullptr;
    const double* positions = nullptr;
    const int* atomic_numbers = nullptr;
    const int64_t* offsets = nullptr;
    const int* neighbors = nullptr;
    const int64_t* atom_ids = nullptr;  // LAMMPS tags, for the core's messages
  };

  // Host buffers of the plain variant, rebuilt every step without
  // reallocating once large enough.
  struct GraphBuffers {
    std::vector<int> node_of_atom;
    std::vector<int> atom_of_node;
    std::vector<double> positions;
    std::vector<int> atomic_numbers;
    std::vector<int64_t> offsets;
    std::vector<int> neighbors;
    std::vector<int> list_index_of_row;  // centre row -> index in the LAMMPS list
    std::vector<int64_t> atom_ids;       // per node: atom->tag
  };

  // Settings and model.
  GhostMode ghost_mode = GhostMode::Exchange;
  bool use_float32 = false;
  int radial_table_intervals = 0;  // 0: exact radial MLPs
  std::string model_path;
  std::unique_ptr<equinet::Potential> potential;
  std::unique_ptr<equinet::Results> results;
  std::unique_ptr<equinet::GhostExchange> exchange;
  double cutoff = 0.0;
  int num_layers = 0;
  std::vector<int> type_atomic_number;  // per LAMMPS type; 0 = NULL
  double saved_cutghostuser = -1.0;     // restored when the style goes away

  GraphView graph;
  GraphBuffers buffers;

  // Ghost exchange state: the core's buffer and its row width during one
  // forward_comm/reverse_comm call (exactly one of the pointers is set).
  double* xchg_double = nullptr;
  float* xchg_float = nullptr;
  int xchg_width = 0;

  virtual void allocate();
  void load_model(const std::string& path);
  void map_types(int narg, char** arg);

  int64_t centers_for(int64_t n_local, int64_t n_nodes) const {
    return ghost_mode == GhostMode::Exchange ? n_local : n_nodes;
  }
  // Plain variant: index maps and positions for all LAMMPS atoms (local then
  // ghost), then CSR from a LAMMPS full list as it is (with skin: the core
  // keeps the neighbours within the cutoff and reports overlapping atoms);
  // `graph` points into `buffers` afterwards.
  void begin_graph(const double* const* x, const int* type, int nlocal, int nall);
  void build_graph_from_list(int ncenters, const int* ilist, const int* numneigh,
                             int* const* firstneigh);
  // Runs the core on `graph` and tallies energy, virial and per-atom
  // quantities (forces are applied by the caller: apply_forces()).
  void evaluate();
  void apply_forces(double* const* f) const;
  // buffers.atom_ids from graph.atom_of_node: the core names atoms by tag.
  void set_atom_ids();
  // error->one, with the message flushed first: with LAMMPS_EXCEPTIONS,
  // lmp calls MPI_Abort without flushing the screen and log buffers.
  [[noreturn]] void abort_one(const std::string& message);

  // Ghost communication as the core requests it; overridden by the KOKKOS
  // variant to use LAMMPS's host communication path.
  void pack_atom(int i, double* buf) const;
  void unpack_atom(int i, const double* buf, bool add);
  virtual void forward_exchange();
  virtual void reverse_exchange();

  friend class EquinetLammpsExchange;
};

}  // namespace LAMMPS_NS

#endif
#endif
