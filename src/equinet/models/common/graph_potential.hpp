// GraphPotential<Model, T>: the equinet::Potential of every family. It turns
// a System (through a Verlet list that fills the edge graph directly) or a
// caller's Graph into a models::EdgeGraph, validates the input, maps
// elements to species, runs the family's Model, and derives forces, virials
// and per-atom energies and virials from the model's edge forces.
//
// A family's Model provides
//   ModelInfo info() const;            // family, cutoff, elements, hyperparameters
//   int max_exchange_width() const;    // widest per-atom row given to GhostExchange
//   void evaluate(const EdgeGraph<T>&, GhostExchange*, bool gradients, ModelOutputs<T>&);
// where evaluate fills the energies of nodes [0, n_local) and, when
// `gradients`, the edge forces dE/dr_e.
#pragma once

#include <type_traits>
#include <utility>

#include "equinet/detail/profiler.hpp"
#include "equinet/io/model_format.hpp"
#include "equinet/models/common/graph_input.hpp"
#include "equinet/models/common/model_family.hpp"
#include "equinet/neighbor/verlet_list.hpp"

namespace equinet::models {

template <class Model, typename T>
class GraphPotential final : public Potential {
 public:
  // `file` is the model file (for what every family's file records);
  // model_args build the Model.
  template <class... Args>
  GraphPotential(const io::SafetensorsFile& file, const LoadOptions& options, Args&&... model_args)
      : model_(std::forward<Args>(model_args)...), neighbors_(options.neighbor_skin) {
    info_ = model_.info();
    info_.format_version = io::model_format_version(file);
    info_.max_exchange_width = model_.max_exchange_width();
    info_.isa = library_isa();
    species_ = SpeciesMap(info_.atomic_numbers);
  }

  const ModelInfo& info() const override { return info_; }
  Precision precision() const override {
    return std::is_same<T, float>::value ? Precision::Float32 : Precision::Float64;
  }
  const Model& model() const { return model_; }

  void compute(const System& s, const Request& req, Results& res) override {
    validate_system(s);
    graph_.n_nodes = graph_.n_centers = graph_.n_local = s.n_atoms;
    species_.map(s.n_atoms, s.atomic_numbers, nullptr, graph_.species);
    set_system_inputs(info_.system_inputs, s.total_charge, s.total_spin, graph_);
    const bool any_pbc = s.pbc[0] || s.pbc[1] || s.pbc[2];
    {
      detail::ScopedPhase phase("neighbour list");
      neighbors_.update(s.n_atoms, s.positions, any_pbc ? s.cell : nullptr, s.pbc, info_.cutoff,
                        graph_);
    }
    run(req, res, nullptr);
  }

  void compute(const Graph& in, const Request& req, Results& res) override {
    validate_graph(in);
    graph_.n_nodes = in.n_nodes;
    graph_.n_centers = in.n_centers;
    graph_.n_local = in.n_local;
    species_.map(in.n_nodes, in.atomic_numbers, in.atom_ids, graph_.species);
    set_system_inputs(info_.system_inputs, in.total_charge, in.total_spin, graph_);
    edges_from_graph(in, info_.cutoff, graph_);
    run(req, res, in.exchange);
  }

 private:
  void run(const Request& req, Results& res, GhostExchange* exchange) {
    graph_.index_by_sender();
    const bool grads = req.forces || req.virial || req.atom_virials;
    if (graph_.n_nodes > 0) model_.evaluate(graph_, exchange, grads, out_);
    fill_results(graph_, out_, req, grads, res);
  }

  Model model_;
  ModelInfo info_;
  SpeciesMap species_;
  EdgeGraph<T> graph_;
  ModelOutputs<T> out_;
  neighbor::VerletNeighborList neighbors_;
};

}  // namespace equinet::models
