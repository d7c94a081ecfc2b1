#include "equinet/models/common/graph_input.hpp"

#include <algorithm>
#include <cmath>

#include "equinet/detail/profiler.hpp"
#include "equinet/io/elements.hpp"
#include "equinet/models/common/edge_forces.hpp"
#include "equinet/neighbor/edge_list.hpp"

namespace equinet::models {

std::string describe_atom(int64_t node, int z, const int64_t* atom_ids) {
  const std::string sym = element_symbol(z);
  const std::string who =
      atom_ids ? "atom ID " + std::to_string(atom_ids[node]) : "atom " + std::to_string(node);
  return who + " (Z=" + std::to_string(z) + (sym.empty() ? "" : ", " + sym) + ")";
}

SpeciesMap::SpeciesMap(const std::vector<int>& atomic_numbers) : model_numbers_(atomic_numbers) {
  for (size_t k = 0; k < atomic_numbers.size(); ++k) {
    const int z = atomic_numbers[k];
    if (z >= int(species_of_z_.size())) species_of_z_.resize(size_t(z) + 1, -1);
    species_of_z_[size_t(z)] = int(k);
  }
}

void SpeciesMap::map(int64_t n, const int* numbers, const int64_t* ids,
                     std::vector<int>& species) const {
  species.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    const int z = numbers[i];
    const int s = (z >= 0 && z < int(species_of_z_.size())) ? species_of_z_[size_t(z)] : -1;
    if (s < 0) {
      std::string known;
      for (int m : model_numbers_) known += (known.empty() ? "" : " ") + element_symbol(m);
      throw Error("element of " + describe_atom(i, z, ids) +
                  " is not in the model (model elements: " + known + ")");
    }
    species[size_t(i)] = s;
  }
}

void validate_system(const System& s) {
  if (s.n_atoms < 0) throw Error("system: negative number of atoms");
  if (s.n_atoms > 0 && (!s.positions || !s.atomic_numbers))
    throw Error("system: positions or atomic numbers missing");
}

void validate_graph(const Graph& in) {
  if (in.n_local < 0 || in.n_nodes < in.n_local || in.n_centers < 0 || in.n_centers > in.n_nodes)
    throw Error("graph: inconsistent atom counts (n_local, n_centers, n_nodes)");
  if (in.exchange && in.n_centers != in.n_local)
    throw Error("graph: with a ghost exchange, neighbour lists must be given for local atoms only");
  if (in.n_nodes > 0 && (!in.positions || !in.atomic_numbers))
    throw Error("graph: positions or atomic numbers missing");
  if (in.n_centers > 0 && (!in.neighbor_offsets || !in.neighbors))
    throw Error("graph: neighbour list missing");
}

namespace {
double system_input(const std::vector<std::string>& model_inputs, const std::string& name,
                    const std::optional<double>& value, const char* what) {
  const bool takes =
      std::find(model_inputs.begin(), model_inputs.end(), name) != model_inputs.end();
  if (!takes) {
    if (value)
      throw Error("this model takes no " + name + " (" + what +
                  "): remove it; only models with per-structure inputs (e.g. MACE-OMOL) use it");
    return 0;
  }
  if (!value)
    throw Error("this model needs the system's " + name + " (" + what + "), and none was given");
  if (!std::isfinite(*value) || *value != std::floor(*value))
    throw Error(name + " must be an integer, got " + std::to_string(*value));
  return *value;
}
}  // namespace

template <typename T>
void set_system_inputs(const std::vector<std::string>& model_inputs,
                       const std::optional<double>& total_charge,
                       const std::optional<double>& total_spin, EdgeGraph<T>& g) {
  g.total_charge = system_input(model_inputs, "total_charge", total_charge, "total charge in e");
  g.total_spin =
      system_input(model_inputs, "total_spin", total_spin, "spin multiplicity 2S+1, 1 = singlet");
}

template <typename T>
void edges_from_graph(const Graph& in, double cutoff, EdgeGraph<T>& g) {
  for (int64_t i = 0; i < in.n_nodes; ++i)
    for (int k = 0; k < 3; ++k)
      if (!std::isfinite(in.positions[3 * i + k]))
        throw Error("non-finite position for " +
                    describe_atom(i, in.atomic_numbers[i], in.atom_ids));
  const double rc2 = cutoff * cutoff;
  const double overlap2 = neighbor::kOverlapDistance * neighbor::kOverlapDistance;
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
      if (r2 < overlap2)
        throw Error("overlapping atoms: " + describe_atom(i, in.atomic_numbers[i], in.atom_ids) +
                    " and " + describe_atom(j, in.atomic_numbers[j], in.atom_ids) +
                    " are closer than 1e-8 Å (distance " + std::to_string(std::sqrt(r2)) + " Å)");
      g.senders.push_back(j);
      g.receivers.push_back(int(i));
      for (double x : d) g.vectors.push_back(T(x));
    }
    g.recv_offsets[size_t(i) + 1] = int64_t(g.senders.size());
  }
}

template <typename T>
void fill_results(const EdgeGraph<T>& g, const ModelOutputs<T>& out, const Request& req, bool grads,
                  Results& res) {
  res.n_edges = g.n_edges();
  res.energy = 0;
  if (g.n_nodes > 0)
    for (int64_t i = 0; i < g.n_local; ++i) res.energy += out.node_energies[size_t(i)];
  if (req.atom_energies)
    res.atom_energies.assign(out.node_energies.begin(), out.node_energies.begin() + g.n_local);
  if (req.forces) res.forces.assign(size_t(g.n_nodes) * 3, 0.0);
  if (req.atom_virials) res.atom_virials.assign(size_t(g.n_nodes) * 9, 0.0);
  for (double& w : res.virial) w = 0;
  detail::ScopedPhase phase("forces and virials from edge forces");
  if (grads && g.n_nodes > 0)
    derive_from_edge_forces<T>(g, out.edge_forces.data(), req.forces ? res.forces.data() : nullptr,
                               req.virial ? res.virial : nullptr,
                               req.atom_virials ? res.atom_virials.data() : nullptr);
}

template void set_system_inputs<float>(const std::vector<std::string>&,
                                       const std::optional<double>&, const std::optional<double>&,
                                       EdgeGraph<float>&);
template void set_system_inputs<double>(const std::vector<std::string>&,
                                        const std::optional<double>&, const std::optional<double>&,
                                        EdgeGraph<double>&);
template void edges_from_graph<float>(const Graph&, double, EdgeGraph<float>&);
template void edges_from_graph<double>(const Graph&, double, EdgeGraph<double>&);
template void fill_results<float>(const EdgeGraph<float>&, const ModelOutputs<float>&,
                                  const Request&, bool, Results&);
template void fill_results<double>(const EdgeGraph<double>&, const ModelOutputs<double>&,
                                   const Request&, bool, Results&);

}  // namespace equinet::models
