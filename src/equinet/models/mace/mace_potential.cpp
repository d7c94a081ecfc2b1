// MacePotential<T>: the MACE facade (see mace_potential.hpp). Compiled into
// libequinet (portable) and into each instruction-set variant library, where
// EQUINET_ISA_NAME names the variant.
#include "equinet/models/mace/mace_potential.hpp"

#include <Kokkos_Core.hpp>
#include <cmath>
#include <type_traits>

#include "equinet/models/common/edge_forces.hpp"
#include "equinet/detail/parallel.hpp"
#include "equinet/detail/profiler.hpp"
#include "equinet/io/safetensors.hpp"
#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/mace_model.hpp"
#include "equinet/neighbor/neighbor_list.hpp"
#include "equinet/neighbor/verlet_list.hpp"

#ifndef EQUINET_ISA_NAME
#define EQUINET_ISA_NAME "generic"
#endif

namespace equinet::mace {
namespace {

std::string describe_atom(int64_t i, int z) {
  const std::string sym = element_symbol(z);
  return "atom " + std::to_string(i) + " (Z=" + std::to_string(z) +
         (sym.empty() ? "" : ", " + sym) + ")";
}

template <typename T>
class MacePotential final : public Potential {
 public:
  MacePotential(const io::SafetensorsFile& file, const mace::MaceConfig& config,
                const mace::MaceOptions& options)
      : model_(read_mace_weights(file, config), config, options), neighbors_(options.neighbor_skin) {
    const auto& c = model_.config();
    info_.source = "mace";
    info_.isa = EQUINET_ISA_NAME;
    info_.model_class = c.model_class;
    info_.cutoff = c.r_max;
    info_.atomic_numbers = c.atomic_numbers;
    info_.num_layers = c.num_interactions;
    info_.hidden_irreps = c.hidden_irreps.str();
    info_.max_ell = c.max_ell;
    info_.correlation = c.correlation.empty() ? 0 : c.correlation.front();
    info_.num_parameters = model_.num_parameters();
    info_.max_exchange_width = model_.max_exchange_width();
    for (size_t k = 0; k < c.atomic_numbers.size(); ++k) {
      const int z = c.atomic_numbers[k];
      if (z >= int(species_of_z_.size())) species_of_z_.resize(z + 1, -1);
      species_of_z_[z] = int(k);
    }
  }

  const ModelInfo& info() const override { return info_; }
  Precision precision() const override {
    return std::is_same<T, float>::value ? Precision::Float32 : Precision::Float64;
  }

  void compute(const System& s, const Request& req, Results& res) override {
    if (s.n_atoms < 0) throw Error("system: negative number of atoms");
    if (s.n_atoms > 0 && (!s.positions || !s.atomic_numbers))
      throw Error("system: positions or atomic numbers missing");
    auto& g = graph_;
    g.n_nodes = g.n_centers = g.n_local = s.n_atoms;
    fill_species(s.n_atoms, s.atomic_numbers);
    const bool any_pbc = s.pbc[0] || s.pbc[1] || s.pbc[2];
    detail::phase("neighbour list", [&] {
      neighbors_.update(s.n_atoms, s.positions, any_pbc ? s.cell : nullptr, s.pbc, info_.cutoff,
                        list_);
    });
    const int64_t E = list_.n_edges();
    g.recv_offsets.assign(list_.offsets.begin(), list_.offsets.end());
    if (g.recv_offsets.empty()) g.recv_offsets.assign(1, 0);
    g.senders.assign(list_.senders.begin(), list_.senders.end());
    g.receivers.resize(E);
    for (int64_t i = 0; i < s.n_atoms; ++i)
      for (int64_t e = g.recv_offsets[i]; e < g.recv_offsets[i + 1]; ++e) g.receivers[e] = int(i);
    g.vectors.resize(size_t(E) * 3);
    neighbor::compute_edge_vectors<T>(list_, s.positions, g.vectors.data());
    run(req, res);
  }

  void compute(const Graph& in, const Request& req, Results& res) override {
    if (in.n_local < 0 || in.n_nodes < in.n_local || in.n_centers < 0 || in.n_centers > in.n_nodes)
      throw Error("graph: inconsistent atom counts (n_local, n_centers, n_nodes)");
    if (in.exchange && in.n_centers != in.n_local)
      throw Error(
          "graph: with a ghost exchange, neighbour lists must be given for local atoms only");
    auto& g = graph_;
    g.n_nodes = in.n_nodes;
    g.n_centers = in.n_centers;
    g.n_local = in.n_local;
    fill_species(in.n_nodes, in.atomic_numbers);
    for (int64_t i = 0; i < in.n_nodes; ++i)
      for (int k = 0; k < 3; ++k)
        if (!std::isfinite(in.positions[3 * i + k]))
          throw Error("non-finite position for " + describe_atom(i, in.atomic_numbers[i]));
    // keep neighbours strictly within the cutoff (callers pass lists with skin)
    const double rc2 = info_.cutoff * info_.cutoff;
    g.recv_offsets.assign(size_t(in.n_centers) + 1, 0);
    g.senders.clear();
    g.receivers.clear();
    g.vectors.clear();
    for (int64_t i = 0; i < in.n_centers; ++i) {
      const double* ri = in.positions + 3 * i;
      for (int64_t k = in.neighbor_offsets[i]; k < in.neighbor_offsets[i + 1]; ++k) {
        const int j = in.neighbors[k];
        if (j < 0 || j >= in.n_nodes)
          throw Error("graph: neighbour index " + std::to_string(j) + " of atom " +
                      std::to_string(i) + " out of range");
        const double* rj = in.positions + 3 * size_t(j);
        const double d[3] = {ri[0] - rj[0], ri[1] - rj[1], ri[2] - rj[2]};
        const double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
        if (r2 >= rc2) continue;
        if (r2 < 1e-16)
          throw Error("overlapping atoms: " + describe_atom(i, in.atomic_numbers[i]) + " and " +
                      describe_atom(j, in.atomic_numbers[j]) + " are closer than 1e-8 Å");
        g.senders.push_back(j);
        g.receivers.push_back(int(i));
        for (double x : d) g.vectors.push_back(T(x));
      }
      g.recv_offsets[i + 1] = int64_t(g.senders.size());
    }
    run(req, res, in.exchange);
  }

 private:
  void fill_species(int64_t n, const int* numbers) {
    graph_.species.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i) {
      const int z = numbers[i];
      const int s = (z >= 0 && z < int(species_of_z_.size())) ? species_of_z_[z] : -1;
      if (s < 0) {
        std::string known;
        for (int m : info_.atomic_numbers) known += (known.empty() ? "" : " ") + element_symbol(m);
        throw Error("element of " + describe_atom(i, z) +
                    " is not in the model (model elements: " + known + ")");
      }
      graph_.species[i] = s;
    }
  }

  void run(const Request& req, Results& res, GhostExchange* exchange = nullptr) {
    auto& g = graph_;
    g.index_by_sender();
    const bool grads = req.forces || req.virial || req.atom_virials;
    if (g.n_nodes > 0) model_.evaluate(g, exchange, grads, out_);
    res.n_edges = g.n_edges();
    res.energy = 0;
    for (int64_t i = 0; i < g.n_local; ++i) res.energy += out_.node_energies[i];
    if (req.atom_energies)
      res.atom_energies.assign(out_.node_energies.begin(), out_.node_energies.begin() + g.n_local);
    if (req.forces) res.forces.assign(size_t(g.n_nodes) * 3, 0.0);
    if (req.atom_virials) res.atom_virials.assign(size_t(g.n_nodes) * 9, 0.0);
    for (double& w : res.virial) w = 0;
    detail::ScopedPhase p_derive("forces and virials from edge forces");
    if (grads && g.n_nodes > 0)
      models::derive_from_edge_forces<T>(g, out_.edge_forces.data(),
                                         req.forces ? res.forces.data() : nullptr,
                                         req.virial ? res.virial : nullptr,
                                         req.atom_virials ? res.atom_virials.data() : nullptr);
  }

  mace::MaceModel<T> model_;
  ModelInfo info_;
  std::vector<int> species_of_z_;
  models::EdgeGraph<T> graph_;
  mace::MaceOutputs<T> out_;
  neighbor::VerletNeighborList neighbors_;
  neighbor::NeighborList list_;
};

}  // namespace

std::unique_ptr<Potential> make_mace_potential(const io::SafetensorsFile& file,
                                               const MaceConfig& config, const MaceOptions& options,
                                               Precision precision) {
  if (precision == Precision::Float32)
    return std::make_unique<MacePotential<float>>(file, config, options);
  return std::make_unique<MacePotential<double>>(file, config, options);
}

}  // namespace equinet::mace
