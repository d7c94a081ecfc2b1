#include "pair_equinet.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>

#include "atom.h"
#include "comm.h"
#include "equinet/potential.hpp"
#include "error.h"
#include "force.h"
#include "memory.h"
#include "neigh_list.h"
#include "neigh_request.h"
#include "neighbor.h"
#include "update.h"
#include "utils.h"

using namespace LAMMPS_NS;

namespace {
// Adds a row-major 3x3 virial W = -dE/d(strain) in LAMMPS order xx, yy, zz,
// xy, xz, yz (the first six of the centroid form, which adds yx, zx, zy).
void add_lammps_virial(const double* w, double* v) {
  v[0] += w[0];
  v[1] += w[4];
  v[2] += w[8];
  v[3] += w[1];
  v[4] += w[2];
  v[5] += w[5];
}
}  // namespace

namespace {

// Copies one node row between the core's buffer (float or double) and a
// LAMMPS communication buffer (always double).
template <typename T>
void pack_row(const T* row, int width, double* buf) {
  for (int k = 0; k < width; ++k) buf[k] = static_cast<double>(row[k]);
}
template <typename T>
void unpack_row(const double* buf, int width, T* row, bool add) {
  if (add)
    for (int k = 0; k < width; ++k) row[k] += static_cast<T>(buf[k]);
  else
    for (int k = 0; k < width; ++k) row[k] = static_cast<T>(buf[k]);
}

std::string element_list(const std::vector<int>& numbers) {
  std::string s;
  for (int z : numbers) s += (s.empty() ? "" : " ") + equinet::element_symbol(z);
  return s;
}

}  // namespace

namespace LAMMPS_NS {

// The core calls this between layers; it routes the call through LAMMPS's
// pair communication (pack/unpack_*_comm below).
class EquinetLammpsExchange : public equinet::GhostExchange {
 public:
  explicit EquinetLammpsExchange(PairEquinet& pair) : pair(pair) {}
  void forward(double* data, int width) override { run(data, nullptr, width, true); }
  void reverse(double* data, int width) override { run(data, nullptr, width, false); }
  void forward(float* data, int width) override { run(nullptr, data, width, true); }
  void reverse(float* data, int width) override { run(nullptr, data, width, false); }

 private:
  PairEquinet& pair;

  void run(double* d, float* f, int width, bool forward) {
    // LAMMPS sized its buffers from the top-level pair style (hybrid or us).
    const Pair* top = pair.force->pair;
    const int limit = std::min(forward ? pair.comm_forward : pair.comm_reverse,
                               forward ? top->comm_forward : top->comm_reverse);
    if (width <= 0 || width > limit)
      throw equinet::Error("pair equinet: ghost exchange of width " + std::to_string(width) +
                           " exceeds the model's max_exchange_width " + std::to_string(limit));
    pair.xchg_double = d;
    pair.xchg_float = f;
    pair.xchg_width = width;
    if (forward)
      pair.forward_exchange();
    else
      pair.reverse_exchange();
    pair.xchg_double = nullptr;
    pair.xchg_float = nullptr;
    pair.xchg_width = 0;
  }
};

}  // namespace LAMMPS_NS

/* ---------------------------------------------------------------------- */

PairEquinet::PairEquinet(LAMMPS* lmp) : Pair(lmp), results(new equinet::Results) {
  single_enable = 0;
  restartinfo = 0;
  one_coeff = 1;
  manybody_flag = 1;
  // The core returns the exact virial (from edge forces); f.r over ghosts
  // would also work but is not needed.
  no_virial_fdotr_compute = 1;
  centroidstressflag = CENTROID_AVAIL;
  cutghost = nullptr;
  // Kokkos: with "-k on" LAMMPS initialises it; otherwise the core does when
  // the model is loaded.
}

PairEquinet::~PairEquinet() {
  if (copymode) return;
  if (saved_cutghostuser >= 0.0) comm->cutghostuser = saved_cutghostuser;
  if (allocated) {
    memory->destroy(setflag);
    memory->destroy(cutsq);
    memory->destroy(cutghost);
  }
}

void PairEquinet::allocate() {
  allocated = 1;
  const int n = atom->ntypes;
  memory->create(setflag, n + 1, n + 1, "pair:setflag");
  memory->create(cutsq, n + 1, n + 1, "pair:cutsq");
  memory->create(cutghost, n + 1, n + 1, "pair:cutghost");
  for (int i = 0; i <= n; ++i)
    for (int j = 0; j <= n; ++j) {
      setflag[i][j] = 0;
      cutghost[i][j] = 0.0;
    }
  type_atomic_number.assign(n + 1, 0);
}

/* ---------------------------------------------------------------------- */

void PairEquinet::settings(int narg, char** arg) {
  ghost_mode = GhostMode::Exchange;
  use_float32 = false;
  radial_table_intervals = 0;
  for (int iarg = 0; iarg < narg; iarg += 2) {
    const std::string key = arg[iarg];
    if (iarg + 1 >= narg) error->all(FLERR, "Illegal pair_style equinet: {} needs a value", key);
    const std::string value = arg[iarg + 1];
    if (key == "mode") {
      if (value == "exchange")
        ghost_mode = GhostMode::Exchange;
      else if (value == "recompute")
        ghost_mode = GhostMode::Recompute;
      else
        error->all(FLERR, "Illegal pair_style equinet mode '{}': use exchange or recompute", value);
    } else if (key == "precision") {
      if (value == "float64" || value == "double")
        use_float32 = false;
      else if (value == "float32" || value == "float")
        use_float32 = true;
      else
        error->all(FLERR, "Illegal pair_style equinet precision '{}': use float64 or float32",
                   value);
    } else if (key == "radial_table") {
      // opt-in tabulated radial functions (see equinet::LoadOptions); 0 = exact
      radial_table_intervals = utils::inumeric(FLERR, value.c_str(), false, lmp);
      if (radial_table_intervals < 0)
        error->all(FLERR, "Illegal pair_style equinet radial_table {}: must be >= 0", value);
    } else {
      error->all(
          FLERR,
          "Illegal pair_style equinet keyword '{}': expected mode, precision or radial_table", key);
    }
  }
  // A ghost neighbour list is needed only when ghosts compute features.
  ghostneigh = (ghost_mode == GhostMode::Recompute) ? 1 : 0;
}

void PairEquinet::coeff(int narg, char** arg) {
  if (!allocated) allocate();
  const int ntypes = atom->ntypes;
  if (narg != 3 + ntypes)
    error->all(FLERR,
               "Incorrect args for pair_coeff equinet: expected '* * model_file' and {} "
               "element names or NULL (one per atom type), got {} arguments",
               ntypes, narg);
  if (strcmp(arg[0], "*") != 0 || strcmp(arg[1], "*") != 0)
    error->all(FLERR, "pair_coeff equinet must be 'pair_coeff * * model_file elements...'");

  load_model(arg[2]);
  map_types(narg - 3, arg + 3);
}

// Every rank reads the model. A rank that fails reports its own message; if
// all fail (the usual case: missing or corrupt file) the error is collective.
void PairEquinet::load_model(const std::string& path) {
  std::string message;
  equinet::LoadOptions options;
  options.precision = use_float32 ? equinet::Precision::Float32 : equinet::Precision::Float64;
  options.radial_table_intervals = radial_table_intervals;
  try {
    potential = equinet::Potential::load(path, options);
  } catch (const std::exception& e) {
    message = e.what();
    potential.reset();
  }
  int failed = message.empty() ? 0 : 1, nfailed = 0;
  MPI_Allreduce(&failed, &nfailed, 1, MPI_INT, MPI_SUM, world);
  if (nfailed == comm->nprocs)
    error->all(FLERR, "pair_coeff equinet: cannot load model '{}': {}", path, message);
  if (failed)
    error->one(FLERR, "pair_coeff equinet: cannot load model '{}' on rank {}: {}", path, comm->me,
               message);
  if (nfailed) error->all(FLERR, "pair_coeff equinet: model '{}' failed to load", path);

  model_path = path;
  const equinet::ModelInfo& info = potential->info();
  cutoff = info.cutoff;
  num_layers = info.num_layers;
  if (!(cutoff > 0.0) || num_layers <= 0)
    error->all(FLERR, "pair_coeff equinet: model '{}' has cutoff {} and {} layers", path, cutoff,
               num_layers);
  exchange = std::make_unique<EquinetLammpsExchange>(*this);
  if (comm->me == 0)
    utils::logmesg(lmp,
                   "pair equinet: model {} (family {}, elements {}, cutoff {} A, {} layers, "
                   "{} parameters, {}, code {})\n",
                   path, info.source, element_list(info.atomic_numbers), cutoff, num_layers,
                   info.num_parameters, use_float32 ? "float32" : "float64", info.isa);
}

void PairEquinet::map_types(int nnames, char** names) {
  const std::vector<int>& model_numbers = potential->info().atomic_numbers;
  int nmapped = 0;
  for (int t = 1; t <= nnames; ++t) {
    const std::string name = names[t - 1];
    if (name == "NULL") {
      type_atomic_number[t] = 0;
      continue;
    }
    const int z = equinet::atomic_number_from_symbol(name);
    if (z == 0)
      error->all(FLERR, "pair_coeff equinet: unknown element '{}' for atom type {}", name, t);
    if (std::find(model_numbers.begin(), model_numbers.end(), z) == model_numbers.end())
      error->all(FLERR,
                 "pair_coeff equinet: element {} (atom type {}) is not in model '{}' "
                 "(its elements: {})",
                 name, t, model_path, element_list(model_numbers));
    type_atomic_number[t] = z;
    ++nmapped;
  }
  if (nmapped == 0) error->all(FLERR, "pair_coeff equinet: every atom type is NULL");

  const int n = atom->ntypes;
  for (int i = 1; i <= n; ++i)
    for (int j = 1; j <= n; ++j)
      setflag[i][j] = (type_atomic_number[i] > 0 && type_atomic_number[j] > 0) ? 1 : 0;
}

/* ---------------------------------------------------------------------- */

void PairEquinet::init_style() {
  if (strcmp(update->unit_style, "metal") != 0)
    error->all(FLERR,
               "pair_style equinet requires 'units metal' (Angstrom, eV); this input uses "
               "'units {}'",
               update->unit_style);
  if (force->newton_pair == 0)
    error->all(FLERR,
               "pair_style equinet requires 'newton on': forces on ghost atoms are sent back "
               "to their owners");
  if (!potential) error->all(FLERR, "pair_style equinet: pair_coeff has not loaded a model");
  // ghost atoms are matched to their owners by atom ID (atom->tag)
  if (atom->tag_enable == 0)
    error->all(FLERR, "pair_style equinet requires atom IDs ('atom_modify id yes')");

  const int irequest = neighbor->request(this, instance_me);
  neighbor->requests[irequest]->half = 0;
  neighbor->requests[irequest]->full = 1;
  neighbor->requests[irequest]->ghost = (ghost_mode == GhostMode::Recompute) ? 1 : 0;

  if (ghost_mode == GhostMode::Exchange) {
    // Comm sizes its buffers from these (Comm::init runs after Pair::init).
    comm_forward = comm_reverse = potential->info().max_exchange_width;
    // pair_style hybrid copies its sub-styles' sizes when it is created,
    // before pair_coeff has loaded the model: pass ours up.
    if (force->pair && force->pair != this) {
      force->pair->comm_forward = std::max(force->pair->comm_forward, comm_forward);
      force->pair->comm_reverse = std::max(force->pair->comm_reverse, comm_reverse);
    }
  } else {
    comm_forward = comm_reverse = 0;
    // Ghosts need their own features: the ghost shell must hold every atom
    // within layers x cutoff of an owned atom.
    const double needed = num_layers * cutoff + neighbor->skin;
    if (comm->cutghostuser < needed) {
      if (saved_cutghostuser < 0.0) saved_cutghostuser = comm->cutghostuser;
      comm->cutghostuser = needed;
      if (comm->me == 0)
        utils::logmesg(lmp,
                       "pair equinet: mode recompute sets the ghost cutoff to {} A "
                       "({} layers x {} A + skin)\n",
                       needed, num_layers, cutoff);
    }
  }
}

double PairEquinet::init_one(int i, int j) {
  // Neighbours of ghost atoms (mode recompute) within one model cutoff.
  if (cutghost) cutghost[i][j] = cutghost[j][i] = cutoff;
  return cutoff;
}

/* ---------------------------------------------------------------------- */

void PairEquinet::compute(int eflag, int vflag) {
  ev_init(eflag, vflag);
  const int nlocal = atom->nlocal;
  begin_graph(atom->x, atom->type, nlocal, nlocal + atom->nghost);
  const int ncenters = (ghost_mode == GhostMode::Exchange) ? list->inum : list->inum + list->gnum;
  build_graph_from_list(ncenters, list->ilist, list->numneigh, list->firstneigh);
  evaluate();
  apply_forces(atom->f);
}

void PairEquinet::begin_graph(const double* const* x, const int* type, int nlocal, int nall) {
  GraphBuffers& b = buffers;
  b.node_of_atom.assign(nall, -1);
  b.atom_of_node.clear();
  int64_t n_local = 0;
  for (int i = 0; i < nall; ++i) {
    if (i == nlocal) n_local = static_cast<int64_t>(b.atom_of_node.size());
    if (type_atomic_number[type[i]] == 0) continue;
    b.node_of_atom[i] = static_cast<int>(b.atom_of_node.size());
    b.atom_of_node.push_back(i);
  }
  const int64_t n_nodes = static_cast<int64_t>(b.atom_of_node.size());
  if (nall == nlocal) n_local = n_nodes;

  b.positions.resize(3 * n_nodes);
  b.atomic_numbers.resize(n_nodes);
  for (int64_t n = 0; n < n_nodes; ++n) {
    const int i = b.atom_of_node[n];
    for (int k = 0; k < 3; ++k) b.positions[3 * n + k] = x[i][k];
    b.atomic_numbers[n] = type_atomic_number[type[i]];
  }

  graph = GraphView();
  graph.n_local = n_local;
  graph.n_nodes = n_nodes;
  graph.n_centers = centers_for(n_local, n_nodes);
  graph.node_of_atom = b.node_of_atom.data();
  graph.atom_of_node = b.atom_of_node.data();
  graph.positions = b.positions.data();
  graph.atomic_numbers = b.atomic_numbers.data();
}

void PairEquinet::build_graph_from_list(int ncenters, const int* ilist, const int* numneigh,
                                        int* const* firstneigh) {
  GraphBuffers& b = buffers;
  const int64_t n_centers = graph.n_centers;
  // The list may visit atoms in any order; the graph wants centre rows in order.
  b.list_index_of_row.assign(n_centers, -1);
  for (int ii = 0; ii < ncenters; ++ii) {
    const int row = b.node_of_atom[ilist[ii]];
    if (row >= 0 && row < n_centers) b.list_index_of_row[row] = ii;
  }

  b.neighbors.clear();
  b.offsets.resize(n_centers + 1);
  b.offsets[0] = 0;
  for (int64_t row = 0; row < n_centers; ++row) {
    const int ii = b.list_index_of_row[row];
    if (ii >= 0) {
      const int i = ilist[ii];
      const int* jlist = firstneigh[i];
      for (int jj = 0; jj < numneigh[i]; ++jj) {
        const int col = b.node_of_atom[jlist[jj] & NEIGHMASK];
        if (col >= 0) b.neighbors.push_back(col);
      }
    }
    b.offsets[row + 1] = static_cast<int64_t>(b.neighbors.size());
  }
  graph.offsets = b.offsets.data();
  graph.neighbors = b.neighbors.data();
  set_atom_ids();
}

void PairEquinet::set_atom_ids() {
  buffers.atom_ids.resize(graph.n_nodes);
  for (int64_t n = 0; n < graph.n_nodes; ++n)
    buffers.atom_ids[n] = static_cast<int64_t>(atom->tag[graph.atom_of_node[n]]);
  graph.atom_ids = buffers.atom_ids.data();
}

void PairEquinet::abort_one(const std::string& message) {
  const std::string line = fmt::format("ERROR on proc {}: {}\n", comm->me, message);
  if (screen) {
    fputs(line.c_str(), screen);
    fflush(screen);
  }
  if (logfile) {
    fputs(line.c_str(), logfile);
    fflush(logfile);
  }
  error->one(FLERR, message);
}

void PairEquinet::evaluate() {
  const GraphView& g = graph;
  equinet::Graph in;
  in.n_local = g.n_local;
  in.n_nodes = g.n_nodes;
  in.n_centers = g.n_centers;
  in.positions = g.positions;
  in.atomic_numbers = g.atomic_numbers;
  in.neighbor_offsets = g.offsets;
  in.neighbors = g.neighbors;
  in.atom_ids = g.atom_ids;
  in.exchange = (ghost_mode == GhostMode::Exchange) ? exchange.get() : nullptr;

  equinet::Request request;
  request.forces = true;
  request.virial = vflag_global != 0;
  request.atom_energies = eflag_atom != 0;
  request.atom_virials = vflag_atom != 0 || cvflag_atom != 0;

  // A failure here may leave other ranks inside a ghost exchange: abort
  // (error->one) rather than wait for a collective error that never comes.
  try {
    potential->compute(in, request, *results);
  } catch (const std::exception& e) {
    abort_one(std::string("pair equinet: ") + e.what());
  }

  const equinet::Results& r = *results;
  if (r.forces.size() != static_cast<size_t>(3 * g.n_nodes) ||
      (request.atom_energies && r.atom_energies.size() < static_cast<size_t>(g.n_local)) ||
      (request.atom_virials && r.atom_virials.size() != static_cast<size_t>(9 * g.n_nodes)))
    abort_one("pair equinet: the core returned arrays of unexpected size");

  if (eflag_global) eng_vdwl += r.energy;
  if (vflag_global) {
    add_lammps_virial(r.virial, virial);
  }
  if (eflag_atom)
    for (int64_t n = 0; n < g.n_local; ++n) eatom[g.atom_of_node[n]] += r.atom_energies[n];
  if (vflag_atom)
    for (int64_t n = 0; n < g.n_nodes; ++n) {
      add_lammps_virial(&r.atom_virials[9 * n], vatom[g.atom_of_node[n]]);
    }
  if (cvflag_atom)
    for (int64_t n = 0; n < g.n_nodes; ++n) {
      // Centroid form: the full (unsymmetrised) per-atom tensor, LAMMPS order
      // xx, yy, zz, xy, xz, yz, yx, zx, zy.
      const double* w = &r.atom_virials[9 * n];
      double* v = cvatom[g.atom_of_node[n]];
      add_lammps_virial(w, v);
      v[6] += w[3];
      v[7] += w[6];
      v[8] += w[7];
    }
}

void PairEquinet::apply_forces(double* const* f) const {
  const std::vector<double>& force = results->forces;
  for (int64_t n = 0; n < graph.n_nodes; ++n) {
    double* fi = f[graph.atom_of_node[n]];
    for (int k = 0; k < 3; ++k) fi[k] += force[3 * n + k];
  }
}

/* ---------------------------------------------------------------------- */

void PairEquinet::forward_exchange() { comm->forward_comm_pair(this); }

void PairEquinet::reverse_exchange() { comm->reverse_comm_pair(this); }

// One atom's row of the core's buffer to/from a communication buffer;
// atoms outside the graph (NULL types) send zeros and receive nothing.
void PairEquinet::pack_atom(int i, double* buf) const {
  const int w = xchg_width;
  const int row = graph.node_of_atom[i];
  if (row < 0)
    std::fill(buf, buf + w, 0.0);
  else if (xchg_double)
    pack_row(xchg_double + static_cast<int64_t>(row) * w, w, buf);
  else
    pack_row(xchg_float + static_cast<int64_t>(row) * w, w, buf);
}

void PairEquinet::unpack_atom(int i, const double* buf, bool add) {
  const int w = xchg_width;
  const int row = graph.node_of_atom[i];
  if (row < 0) return;
  if (xchg_double)
    unpack_row(buf, w, xchg_double + static_cast<int64_t>(row) * w, add);
  else
    unpack_row(buf, w, xchg_float + static_cast<int64_t>(row) * w, add);
}

// Node features are invariant under periodic shifts: pbc is not needed.
int PairEquinet::pack_forward_comm(int n, int* list, double* buf, int /*pbc_flag*/, int* /*pbc*/) {
  for (int i = 0; i < n; ++i) pack_atom(list[i], buf + static_cast<int64_t>(i) * xchg_width);
  return n * xchg_width;
}

void PairEquinet::unpack_forward_comm(int n, int first, double* buf) {
  for (int i = 0; i < n; ++i)
    unpack_atom(first + i, buf + static_cast<int64_t>(i) * xchg_width, false);
}

int PairEquinet::pack_reverse_comm(int n, int first, double* buf) {
  for (int i = 0; i < n; ++i) pack_atom(first + i, buf + static_cast<int64_t>(i) * xchg_width);
  return n * xchg_width;
}

void PairEquinet::unpack_reverse_comm(int n, int* list, double* buf) {
  for (int i = 0; i < n; ++i)
    unpack_atom(list[i], buf + static_cast<int64_t>(i) * xchg_width, true);
}

double PairEquinet::memory_usage() {
  const GraphBuffers& g = buffers;
  double bytes = Pair::memory_usage();
  bytes += sizeof(int) * (g.node_of_atom.capacity() + g.atom_of_node.capacity() +
                          g.atomic_numbers.capacity() + g.neighbors.capacity());
  bytes += sizeof(double) * g.positions.capacity() + sizeof(int64_t) * g.offsets.capacity();
  bytes += sizeof(double) * (results->forces.capacity() + results->atom_energies.capacity() +
                             results->atom_virials.capacity());
  return bytes;
}
