// The MACE family: inspect (libequinet) and make (compiled into every
// instruction-set variant, like the rest of models/mace).
#include "equinet/models/mace/mace_family.hpp"

#include <sstream>

#include "equinet/models/common/graph_potential.hpp"
#include "equinet/models/mace/mace_config.hpp"
#include "equinet/models/mace/mace_model.hpp"
#include "equinet/models/mace/mace_weights.hpp"

namespace equinet::mace {
namespace {

// MaceModel with the interface GraphPotential expects.
template <typename T>
class MaceGraphModel {
 public:
  MaceGraphModel(const io::SafetensorsFile& file, const MaceConfig& config,
                 const MaceOptions& options)
      : model_(read_mace_weights(file, config), config, options) {}

  ModelInfo info() const {
    ModelInfo i = describe(model_.config());
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
  MaceOptions mopt;
  mopt.radial_table_intervals = options.radial_table_intervals;
  if (options.precision == Precision::Float32)
    return std::make_unique<models::GraphPotential<MaceGraphModel<float>, float>>(
        file, options, file, config, mopt);
  return std::make_unique<models::GraphPotential<MaceGraphModel<double>, double>>(
      file, options, file, config, mopt);
}

}  // namespace

models::ModelFamily family() { return {"mace", &inspect, &make}; }

ModelInfo describe(const MaceConfig& c) {
  ModelInfo i;
  i.source = "mace";
  i.cutoff = c.r_max;
  i.atomic_numbers = c.atomic_numbers;
  i.num_layers = c.num_interactions;
  // node features of every layer but the last cross ranks (and their adjoints)
  i.max_exchange_width = c.num_interactions > 1 ? c.hidden_irreps.dim() : 0;
  std::vector<std::string> e0;
  for (size_t k = 0; k < c.atomic_numbers.size() && k < c.atomic_energies.size(); ++k)
    e0.push_back(element_symbol(c.atomic_numbers[k]) + " " + text(c.atomic_energies[k]));
  i.hyperparameters = {
      {"model_class", c.model_class},
      {"hidden_irreps", c.hidden_irreps.str()},
      {"max_ell", std::to_string(c.max_ell)},
      {"correlation",
       same(c.correlation) ? std::to_string(c.correlation.front()) : join(c.correlation)},
      {"num_bessel", std::to_string(c.num_bessel)},
      {"num_polynomial_cutoff", std::to_string(c.num_polynomial_cutoff)},
      {"radial_mlp", "[" + join(c.radial_mlp) + "]"},
      {"mlp_irreps", c.mlp_irreps.str()},
      {"avg_num_neighbors", text(c.avg_num_neighbors)},
      {"scale", text(c.scale)},
      {"shift", text(c.shift)},
  };
  if (!e0.empty()) i.hyperparameters.push_back({"atomic_energies", join(e0)});
  return i;
}

int64_t count_parameters(const io::SafetensorsFile& file) {
  // mace-torch's trainable tensors: the weights of every Linear, radial MLP
  // and skip connection ("*.weight") and of the symmetric contractions
  // ("*.weights*" except the "_zeroed" flags); the rest are buffers.
  int64_t n = 0;
  for (const auto& key : file.keys()) {
    const bool weight = key.size() > 7 && key.compare(key.size() - 7, 7, ".weight") == 0;
    const bool contraction = key.rfind("products.", 0) == 0 &&
                             key.find(".symmetric_contractions.") != std::string::npos &&
                             key.find(".weights") != std::string::npos &&
                             key.find("_zeroed") == std::string::npos;
    if (weight || contraction) n += file.tensor(key).numel();
  }
  return n;
}

}  // namespace equinet::mace
