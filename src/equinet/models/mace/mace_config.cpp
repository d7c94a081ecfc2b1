#include "equinet/models/mace/mace_config.hpp"

#include <nlohmann/json.hpp>

#include "equinet/error.hpp"

namespace equinet::mace {
namespace {

using json = nlohmann::ordered_json;  // keeps embedding_specs in the file's order

class ConfigReader {
 public:
  ConfigReader(const json& j, std::string file) : j_(j), file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw Error(file_ + ": MACE config key '" + key + "' " + what);
  }
  const json& get(const std::string& key) const {
    if (!j_.contains(key)) fail(key, "is missing");
    return j_.at(key);
  }
  bool has_value(const std::string& key) const { return j_.contains(key) && !j_.at(key).is_null(); }
  double number(const std::string& key) const {
    const auto& v = get(key);
    if (!v.is_number()) fail(key, "must be a number, got " + v.dump());
    return v.get<double>();
  }
  int integer(const std::string& key) const {
    const auto& v = get(key);
    if (!v.is_number_integer()) fail(key, "must be an integer, got " + v.dump());
    return v.get<int>();
  }
  std::string string(const std::string& key) const {
    const auto& v = get(key);
    if (!v.is_string()) fail(key, "must be a string, got " + v.dump());
    return v.get<std::string>();
  }
  bool boolean(const std::string& key, bool fallback) const {
    if (!has_value(key)) return fallback;
    const auto& v = j_.at(key);
    if (!v.is_boolean()) fail(key, "must be true or false, got " + v.dump());
    return v.get<bool>();
  }
  template <typename T>
  std::vector<T> list(const std::string& key) const {
    const auto& v = get(key);
    if (!v.is_array()) fail(key, "must be a list, got " + v.dump());
    std::vector<T> out;
    for (const auto& x : v) {
      if (!x.is_number()) fail(key, "must be a list of numbers, got " + v.dump());
      out.push_back(x.get<T>());
    }
    return out;
  }
  so3::Irreps irreps(const std::string& key) const {
    const std::string s = string(key);
    try {
      return so3::Irreps::parse(s);
    } catch (const std::exception& e) {
      fail(key, "is not a valid irreps string: '" + s + "'");
    }
  }
  // Keys whose only supported value is "off" (null / false / a default).
  void require_off(const std::string& key) const {
    if (!j_.contains(key)) return;
    const auto& v = j_.at(key);
    if (v.is_null() || (v.is_boolean() && !v.get<bool>())) return;
    fail(key, "= " + v.dump() + " is not supported by equinet");
  }

 private:
  const json& j_;
  std::string file_;
};

InteractionKind interaction_kind(const ConfigReader& r, const std::string& key) {
  const std::string name = r.string(key);
  for (InteractionKind k :
       {InteractionKind::Plain, InteractionKind::Residual, InteractionKind::Density,
        InteractionKind::DensityResidual, InteractionKind::ResidualNonLinear})
    if (name == interaction_class_name(k)) return k;
  r.fail(key, "= '" + name + "' is not supported (RealAgnosticInteractionBlock, " +
                  "RealAgnosticResidualInteractionBlock, RealAgnosticDensityInteractionBlock, " +
                  "RealAgnosticDensityResidualInteractionBlock, " +
                  "RealAgnosticResidualNonLinearInteractionBlock)");
}

DistanceTransform distance_transform(const ConfigReader& r) {
  if (!r.has_value("distance_transform")) return DistanceTransform::None;
  const std::string name = r.string("distance_transform");
  if (name == "None") return DistanceTransform::None;
  if (name == "Agnesi") return DistanceTransform::Agnesi;
  if (name == "Soft") return DistanceTransform::Soft;
  r.fail("distance_transform", "= '" + name + "' is not supported (None, Agnesi, Soft)");
}

// mace's GenericJointEmbedding specs: categorical per-graph total_charge /
// total_spin only (what MACE-OMOL uses).
std::vector<EmbeddingSpec> embedding_specs(const ConfigReader& r) {
  std::vector<EmbeddingSpec> specs;
  if (!r.has_value("embedding_specs")) return specs;
  const auto& j = r.get("embedding_specs");
  if (!j.is_object()) r.fail("embedding_specs", "must be a dict of specs, got " + j.dump());
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string key = "embedding_specs." + it.key();
    const json& v = it.value();
    if (it.key() != "total_charge" && it.key() != "total_spin")
      r.fail(key, "is not supported (total_charge and total_spin are)");
    auto field = [&](const char* name) -> const json& {
      if (!v.is_object() || !v.contains(name)) r.fail(key, std::string("has no '") + name + "'");
      return v.at(name);
    };
    if (field("type") != "categorical")
      r.fail(key, "type = " + field("type").dump() + " is not supported (categorical)");
    if (field("per") != "graph")
      r.fail(key, "per = " + field("per").dump() + " is not supported (graph)");
    EmbeddingSpec s;
    s.name = it.key();
    for (auto [name, out] :
         {std::pair<const char*, int*>{"num_classes", &s.num_classes}, {"emb_dim", &s.emb_dim}}) {
      const json& x = field(name);
      if (!x.is_number_integer() || x.get<int>() < 1)
        r.fail(key, std::string(name) + " must be a positive integer, got " + x.dump());
      *out = x.get<int>();
    }
    if (v.contains("offset")) {
      if (!v.at("offset").is_number_integer())
        r.fail(key, "offset must be an integer, got " + v.at("offset").dump());
      s.offset = v.at("offset").get<int>();
    }
    specs.push_back(s);
  }
  return specs;
}

// A value per head: a number (one head) or a list of n_heads numbers.
std::vector<double> per_head_values(const ConfigReader& r, const std::string& key, size_t n_heads) {
  const auto& v = r.get(key);
  std::vector<double> out;
  if (v.is_number()) {
    out.assign(n_heads, v.get<double>());
    if (n_heads == 1) return out;
    r.fail(key, "has one value for " + std::to_string(n_heads) + " heads");
  }
  out = r.list<double>(key);
  if (out.size() != n_heads)
    r.fail(key, "has " + std::to_string(out.size()) + " values for " + std::to_string(n_heads) +
                    " heads");
  return out;
}

// A row of n values per head: a list (one head) or a list of n_heads lists.
std::vector<std::vector<double>> per_head_rows(const ConfigReader& r, const std::string& key,
                                               size_t n_heads, size_t n) {
  const auto& v = r.get(key);
  std::vector<std::vector<double>> rows;
  if (!v.is_array()) r.fail(key, "must be a list, got " + v.dump());
  const bool nested = !v.empty() && v[0].is_array();
  const json flat = nested ? v : json::array({v});
  if (flat.size() != n_heads)
    r.fail(key, "has " + std::to_string(flat.size()) + " rows for " + std::to_string(n_heads) +
                    " heads");
  for (const auto& row : flat) {
    if (!row.is_array() || row.size() != n) r.fail(key, "must have one energy per element");
    rows.emplace_back();
    for (const auto& x : row) {
      if (!x.is_number()) r.fail(key, "must be numbers, got " + row.dump());
      rows.back().push_back(x.get<double>());
    }
  }
  return rows;
}

}  // namespace

const char* interaction_class_name(InteractionKind kind) {
  switch (kind) {
    case InteractionKind::Plain:
      return "RealAgnosticInteractionBlock";
    case InteractionKind::Residual:
      return "RealAgnosticResidualInteractionBlock";
    case InteractionKind::Density:
      return "RealAgnosticDensityInteractionBlock";
    case InteractionKind::DensityResidual:
      return "RealAgnosticDensityResidualInteractionBlock";
    case InteractionKind::ResidualNonLinear:
      return "RealAgnosticResidualNonLinearInteractionBlock";
  }
  return "?";
}

bool is_residual(InteractionKind kind) {
  return kind != InteractionKind::Plain && kind != InteractionKind::Density;
}

MaceConfig parse_mace_config(const std::string& json_text, const std::string& file) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const std::exception& e) {
    throw Error(file + ": metadata 'equinet.config' is not valid JSON: " + e.what());
  }
  if (!j.is_object()) throw Error(file + ": metadata 'equinet.config' must be a JSON object");
  const ConfigReader r(j, file);
  MaceConfig c;

  c.model_class = r.string("model_class");
  if (c.model_class != "ScaleShiftMACE" && c.model_class != "MACE")
    r.fail("model_class", "= '" + c.model_class + "' is not supported (ScaleShiftMACE or MACE)");
  c.r_max = r.number("r_max");
  if (!(c.r_max > 0)) r.fail("r_max", "must be positive");
  c.num_bessel = r.integer("num_bessel");
  if (c.num_bessel < 1) r.fail("num_bessel", "must be at least 1");
  c.num_polynomial_cutoff = r.integer("num_polynomial_cutoff");
  if (c.num_polynomial_cutoff < 1) r.fail("num_polynomial_cutoff", "must be at least 1");
  c.max_ell = r.integer("max_ell");
  if (c.max_ell < 0 || c.max_ell > 3)
    r.fail("max_ell", "= " + std::to_string(c.max_ell) + " is not supported (0..3)");
  c.num_interactions = r.integer("num_interactions");
  if (c.num_interactions < 1) r.fail("num_interactions", "must be at least 1");

  const auto& corr = r.get("correlation");
  if (corr.is_number_integer()) {
    c.correlation.assign(c.num_interactions, corr.get<int>());
  } else {
    c.correlation = r.list<int>("correlation");
    if (int(c.correlation.size()) != c.num_interactions)
      r.fail("correlation", "must have one entry per interaction");
  }
  for (int v : c.correlation)
    if (v < 1 || v > 4)
      r.fail("correlation", "= " + std::to_string(v) + " is not supported (1..4)");

  c.atomic_numbers = r.list<int>("atomic_numbers");
  if (c.atomic_numbers.empty()) r.fail("atomic_numbers", "is empty");
  if (r.has_value("num_elements") && r.integer("num_elements") != int(c.atomic_numbers.size()))
    r.fail("num_elements", "does not match the length of atomic_numbers");
  for (int z : c.atomic_numbers)
    if (z < 1 || z > 118)
      r.fail("atomic_numbers", "contains an invalid atomic number " + std::to_string(z));

  c.avg_num_neighbors = r.number("avg_num_neighbors");
  if (!(c.avg_num_neighbors > 0)) r.fail("avg_num_neighbors", "must be positive");
  c.hidden_irreps = r.irreps("hidden_irreps");
  if (c.hidden_irreps.size() == 0 || c.hidden_irreps[0].ir != so3::Irrep{0, 1})
    r.fail("hidden_irreps", "must start with scalars (e.g. '32x0e+32x1o')");
  c.mlp_irreps = r.irreps("MLP_irreps");
  for (const auto& b : c.mlp_irreps.blocks())
    if (b.ir != so3::Irrep{0, 1}) r.fail("MLP_irreps", "must contain only 0e");
  c.radial_mlp = r.list<int>("radial_MLP");
  for (int w : c.radial_mlp)
    if (w < 1) r.fail("radial_MLP", "widths must be positive");

  c.interactions.assign(size_t(c.num_interactions), interaction_kind(r, "interaction_cls"));
  c.interactions[0] = interaction_kind(r, "interaction_cls_first");
  if (r.has_value("gate") && r.string("gate") != "silu")
    r.fail("gate", "= '" + r.string("gate") + "' is not supported (silu)");
  if (r.has_value("radial_type") && r.string("radial_type") != "bessel")
    r.fail("radial_type", "= '" + r.string("radial_type") + "' is not supported (bessel)");
  if (r.has_value("readout_cls") && r.string("readout_cls") != "NonLinearReadoutBlock")
    r.fail("readout_cls",
           "= '" + r.string("readout_cls") + "' is not supported (NonLinearReadoutBlock)");
  if (r.has_value("cueq_config"))
    r.fail("cueq_config",
           "is set: this is a cuEquivariance model; convert it back to e3nn first "
           "(mace's mace/cli/convert_cueq_e3nn.py) and export that");
  c.apply_cutoff = r.boolean("apply_cutoff", true);
  c.pair_repulsion = r.boolean("pair_repulsion", false);
  c.distance_transform = distance_transform(r);
  if (r.has_value("edge_irreps")) c.edge_irreps = r.irreps("edge_irreps");
  c.use_edge_irreps_first = r.boolean("use_edge_irreps_first", false);
  c.use_agnostic_product = r.boolean("use_agnostic_product", false);
  c.use_last_readout_only = r.boolean("use_last_readout_only", false);
  c.use_embedding_readout = r.boolean("use_embedding_readout", false);
  for (const char* key : {"use_reduced_cg", "use_so3", "keep_last_layer_irreps"})
    r.require_off(key);
  for (size_t l = 0; l < c.interactions.size(); ++l)
    if (c.interactions[l] == InteractionKind::ResidualNonLinear &&
        c.hidden_irreps.count(so3::Irrep{0, -1}) > 0)
      r.fail("hidden_irreps", "with pseudo-scalars (0o) and " +
                                  std::string(interaction_class_name(c.interactions[l])) +
                                  " is not supported");
  if (!c.apply_cutoff)
    for (InteractionKind k : c.interactions)
      if (k != InteractionKind::ResidualNonLinear)
        r.fail("apply_cutoff", std::string("= false with ") + interaction_class_name(k) +
                                   " is not supported (only with "
                                   "RealAgnosticResidualNonLinearInteractionBlock)");
  c.embedding_specs = embedding_specs(r);

  // heads: E0s [head][element], scale and shift per head
  if (r.has_value("heads")) {
    const auto& heads = r.get("heads");
    if (!heads.is_array() || heads.empty()) r.fail("heads", "must be a non-empty list of names");
    for (const auto& h : heads) {
      if (!h.is_string()) r.fail("heads", "must be a list of names, got " + heads.dump());
      c.heads.push_back(h.get<std::string>());
    }
  } else {
    c.heads = {"Default"};
  }
  const size_t n_heads = c.heads.size();
  c.atomic_energies = per_head_rows(r, "atomic_energies", n_heads, c.atomic_numbers.size());
  if (c.model_class == "ScaleShiftMACE") {
    c.scale = per_head_values(r, "atomic_inter_scale", n_heads);
    c.shift = per_head_values(r, "atomic_inter_shift", n_heads);
  } else {
    c.scale.assign(n_heads, 1.0);
    c.shift.assign(n_heads, 0.0);
  }
  return c;
}

}  // namespace equinet::mace
