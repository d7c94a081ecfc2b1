#include "equinet/models/mace/mace_config.hpp"

#include <nlohmann/json.hpp>

#include "equinet/error.hpp"

namespace equinet::mace {
namespace {

using nlohmann::json;

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

}  // namespace

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

  // atomic_energies: a list (one head) or a list of one list.
  const auto& e0 = r.get("atomic_energies");
  const json& e0_list = (e0.is_array() && !e0.empty() && e0[0].is_array()) ? e0[0] : e0;
  if ((e0.is_array() && !e0.empty() && e0[0].is_array() && e0.size() != 1))
    r.fail("atomic_energies", "has several heads; multi-head models are not supported");
  if (!e0_list.is_array() || e0_list.size() != c.atomic_numbers.size())
    r.fail("atomic_energies", "must have one energy per element");
  for (const auto& x : e0_list) c.atomic_energies.push_back(x.get<double>());

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

  if (r.string("interaction_cls") != "RealAgnosticResidualInteractionBlock")
    r.fail("interaction_cls", "= '" + r.string("interaction_cls") +
                                  "' is not supported (RealAgnosticResidualInteractionBlock)");
  const std::string first = r.string("interaction_cls_first");
  if (first == "RealAgnosticResidualInteractionBlock")
    c.first_layer_residual = true;
  else if (first == "RealAgnosticInteractionBlock")
    c.first_layer_residual = false;
  else
    r.fail("interaction_cls_first", "= '" + first + "' is not supported");
  if (r.has_value("gate") && r.string("gate") != "silu")
    r.fail("gate", "= '" + r.string("gate") + "' is not supported (silu)");
  if (r.has_value("radial_type") && r.string("radial_type") != "bessel")
    r.fail("radial_type", "= '" + r.string("radial_type") + "' is not supported (bessel)");
  if (r.has_value("readout_cls") && r.string("readout_cls") != "NonLinearReadoutBlock")
    r.fail("readout_cls",
           "= '" + r.string("readout_cls") + "' is not supported (NonLinearReadoutBlock)");
  c.apply_cutoff = r.boolean("apply_cutoff", true);
  if (!c.apply_cutoff) r.fail("apply_cutoff", "= false is not supported by equinet");
  if (r.has_value("heads")) {
    const auto& heads = r.get("heads");
    if (!heads.is_array() || heads.size() != 1)
      r.fail("heads", "= " + heads.dump() + ": multi-head models are not supported");
  }
  for (const char* key : {"pair_repulsion", "distance_transform", "use_reduced_cg", "use_so3",
                          "use_edge_irreps_first", "use_agnostic_product", "use_last_readout_only",
                          "use_embedding_readout", "embedding_specs", "edge_irreps", "cueq_config"})
    r.require_off(key);

  if (c.model_class == "ScaleShiftMACE") {
    auto scalar = [&](const char* key) {
      const auto& v = r.get(key);
      if (v.is_array()) {
        if (v.size() != 1) r.fail(key, "has several heads; multi-head models are not supported");
        return v[0].get<double>();
      }
      return r.number(key);
    };
    c.scale = scalar("atomic_inter_scale");
    c.shift = scalar("atomic_inter_shift");
  }
  return c;
}

}  // namespace equinet::mace
