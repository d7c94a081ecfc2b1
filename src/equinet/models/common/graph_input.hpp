// The input side of GraphPotential, shared by every family: element ->
// species maps, validation of a caller's Graph, and its edges within the
// cutoff; and the output side: Results from node energies and edge forces.
// The one owner of cutoff filtering and of the overlap check for graphs
// (neighbor/ owns them for systems, with the same threshold).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "equinet/models/common/edge_graph.hpp"
#include "equinet/models/common/model_outputs.hpp"
#include "equinet/potential.hpp"

namespace equinet::models {

// "atom 3 (Z=14, Si)", or "atom ID 17 (Z=14, Si)" when the caller gave IDs.
std::string describe_atom(int64_t node, int atomic_number, const int64_t* atom_ids = nullptr);

// Model element index of each atom; an element outside the model is an
// equinet::Error naming the atom and listing the model's elements.
class SpeciesMap {
 public:
  SpeciesMap() = default;
  explicit SpeciesMap(const std::vector<int>& atomic_numbers);
  void map(int64_t n, const int* atomic_numbers, const int64_t* atom_ids,
           std::vector<int>& species) const;

 private:
  std::vector<int> model_numbers_, species_of_z_;
};

// Counts and pointers of a System or a Graph; equinet::Error if inconsistent.
void validate_system(const System& system);
void validate_graph(const Graph& graph);

// The per-structure inputs given (System/Graph::total_charge, total_spin)
// against those the model takes (ModelInfo::system_inputs): a missing one, a
// non-finite or non-integral value, or one the model does not take is an
// equinet::Error. Stores the values in `g`.
template <typename T>
void set_system_inputs(const std::vector<std::string>& model_inputs,
                       const std::optional<double>& total_charge,
                       const std::optional<double>& total_spin, EdgeGraph<T>& g);

// The caller's edges strictly within `cutoff`, in list order, as edge
// vectors; throws for a non-finite position, a neighbour index out of range,
// or atoms closer than neighbor::kOverlapDistance.
template <typename T>
void edges_from_graph(const Graph& graph, double cutoff, EdgeGraph<T>& edges);

// Energy, per-atom energies, forces and virials of one evaluation (`g`
// indexed by sender).
template <typename T>
void fill_results(const EdgeGraph<T>& g, const ModelOutputs<T>& out, const Request& request,
                  bool gradients, Results& results);

extern template void set_system_inputs<float>(const std::vector<std::string>&,
                                              const std::optional<double>&,
                                              const std::optional<double>&, EdgeGraph<float>&);
extern template void set_system_inputs<double>(const std::vector<std::string>&,
                                               const std::optional<double>&,
                                               const std::optional<double>&, EdgeGraph<double>&);
extern template void edges_from_graph<float>(const Graph&, double, EdgeGraph<float>&);
extern template void edges_from_graph<double>(const Graph&, double, EdgeGraph<double>&);
extern template void fill_results<float>(const EdgeGraph<float>&, const ModelOutputs<float>&,
                                         const Request&, bool, Results&);
extern template void fill_results<double>(const EdgeGraph<double>&, const ModelOutputs<double>&,
                                          const Request&, bool, Results&);

}  // namespace equinet::models
