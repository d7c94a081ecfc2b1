// The MACE family: inspect (libequinet) and make (compiled into every
// instruction-set variant, like the rest of models/mace).
#include "equinet/models/mace/mace_family.hpp"

#include <sstream>

#include "equinet/models/common/graph_potential.hpp"
#include "equinet/models/common/head_selection.hpp"
#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/mace_model.hpp"
#include "equinet/models/mace/mace_weights.hpp"

namespace equinet::mace {
namespace {

MaceWeights weights(const io::SafetensorsFile& file, const MaceConfig& config, int head) {
  MaceWeights w = read_mace_weights(file, config, head);
  w.num_parameters = count_parameters(file);
  return w;
}

// MaceModel with the interface GraphPotential expects.
template <typename T>
class MaceGraphModel {
 public:
  MaceGraphModel(const io::SafetensorsFile& file, const MaceConfig& config, int head,
                 const MaceOptions& options)
      : model_(weights(file, config, head), config, options) {}

  ModelInfo info() const {
    ModelInfo i = describe(model_.config(), model_.head());
    i.num_parameters = model_.num_parameters();
    return i;
  }
  int max_exchange_width() const { return model_.max_exchange_width(); }
  void evaluate(const models::EdgeGraph<T>& g, GhostExchange* exchange, bool gradients,
                models::ModelOutputs<T>& out) {
    model_.evaluate(g, exchange, gradients, out);
  }

 private:
  MaceModel<T> model_;
};

template <typename T>
std::string join(const std::vector<T>& v) {
  std::ostringstream s;
  for (size_t k = 0; k < v.size(); ++k) s << (k ? ", " : "") << v[k];
  return s.str();
}

bool same_all(const std::vector<std::string>& v) {
  for (const auto& x : v)
    if (x != v.front()) return false;
  return !v.empty();
}

bool same(const std::vector<int>& v) {
  for (int x : v)
    if (x != v.front()) return false;
  return !v.empty();
}

std::string text(double x) {
  std::ostringstream s;
  s.precision(17);
  s << x;
  return s.str();
}

ModelInfo inspect(const io::SafetensorsFile& file) {
  ModelInfo info = describe(parse_mace_config(file.metadata_value("equinet.config"), file.path()));
  info.num_parameters = count_parameters(file);
  return info;
}

std::unique_ptr<Potential> make(const io::SafetensorsFile& file, const LoadOptions& options) {
  const MaceConfig config = parse_mace_config(file.metadata_value("equinet.config"), file.path());
  const int head = models::select_head(config.heads, options.head, file.path());
  MaceOptions mopt;
  mopt.radial_table_intervals = options.radial_table_intervals;
  if (options.precision == Precision::Float32)
    return std::make_unique<models::GraphPotential<MaceGraphModel<float>, float>>(
        file, options, file, config, head, mopt);
  return std::make_unique<models::GraphPotential<MaceGraphModel<double>, double>>(
      file, options, file, config, head, mopt);
}

}  // namespace

models::ModelFamily family() { return {"mace", &inspect, &make}; }

ModelInfo describe(const MaceConfig& c, int head) {
  ModelInfo i;
  i.source = "mace";
  i.cutoff = c.r_max;
  i.atomic_numbers = c.atomic_numbers;
  i.num_layers = c.num_interactions;
  i.heads = c.heads;
  if (head < 0) {
    i.head = models::default_head(c.heads);
    for (size_t k = 0; k < c.heads.size(); ++k)
      if (c.heads[k] == i.head) head = int(k);
  } else {
    i.head = c.heads.at(size_t(head));
  }
  for (const auto& spec : c.embedding_specs) i.system_inputs.push_back(spec.name);
  // node features of every layer but the last cross ranks (and their adjoints)
  i.max_exchange_width = c.num_interactions > 1 ? c.hidden_irreps.dim() : 0;
  std::vector<std::string> kinds;
  for (InteractionKind k : c.interactions) kinds.push_back(interaction_class_name(k));
  i.hyperparameters = {
      {"model_class", c.model_class},
      {"interactions", same_all(kinds) ? kinds.front() : join(kinds)},
      {"hidden_irreps", c.hidden_irreps.str()},
      {"max_ell", std::to_string(c.max_ell)},
      {"correlation",
       same(c.correlation) ? std::to_string(c.correlation.front()) : join(c.correlation)},
      {"num_bessel", std::to_string(c.num_bessel)},
      {"num_polynomial_cutoff", std::to_string(c.num_polynomial_cutoff)},
      {"radial_mlp", "[" + join(c.radial_mlp) + "]"},
      {"mlp_irreps", c.mlp_irreps.str()},
      {"avg_num_neighbors", text(c.avg_num_neighbors)},
  };
  auto option = [&](const char* key, const std::string& value) {
    i.hyperparameters.push_back({key, value});
  };
  if (c.edge_irreps.size() > 0) option("edge_irreps", c.edge_irreps.str());
  if (c.use_edge_irreps_first) option("use_edge_irreps_first", "true");
  if (c.use_agnostic_product) option("use_agnostic_product", "true");
  if (!c.apply_cutoff) option("apply_cutoff", "false");
  if (c.pair_repulsion) option("pair_repulsion", "ZBL");
  if (c.distance_transform == DistanceTransform::Agnesi) option("distance_transform", "Agnesi");
  if (c.distance_transform == DistanceTransform::Soft) option("distance_transform", "Soft");
  if (c.use_last_readout_only) option("use_last_readout_only", "true");
  if (c.use_embedding_readout) option("use_embedding_readout", "true");
  if (head >= 0) {
    option("scale", text(c.scale[size_t(head)]));
    option("shift", text(c.shift[size_t(head)]));
    std::vector<std::string> e0;
    const auto& row = c.atomic_energies[size_t(head)];
    for (size_t k = 0; k < c.atomic_numbers.size() && k < row.size(); ++k)
      e0.push_back(element_symbol(c.atomic_numbers[k]) + " " + text(row[k]));
    if (!e0.empty()) option("atomic_energies", join(e0));
  }
  return i;
}

int64_t count_parameters(const io::SafetensorsFile& file) {
  // mace-torch's trainable tensors: the weights and biases of every Linear,
  // radial network, layer norm, embedding and skip connection ("*.weight",
  // "*.bias"), the density normalisation ("*.alpha", "*.beta") and the
  // symmetric contractions ("*.weights*" except the "_zeroed" flags); the
  // rest are buffers.
  auto ends_with = [](const std::string& key, const std::string& tail) {
    return key.size() > tail.size() &&
           key.compare(key.size() - tail.size(), tail.size(), tail) == 0;
  };
  int64_t n = 0;
  for (const auto& key : file.keys()) {
    const bool weight = ends_with(key, ".weight") || ends_with(key, ".bias") ||
                        ends_with(key, ".alpha") || ends_with(key, ".beta");
    const bool contraction = key.rfind("products.", 0) == 0 &&
                             key.find(".symmetric_contractions.") != std::string::npos &&
                             key.find(".weights") != std::string::npos &&
                             key.find("_zeroed") == std::string::npos;
    if (weight || contraction) n += file.tensor(key).numel();
  }
  return n;
}

}  // namespace equinet::mace
