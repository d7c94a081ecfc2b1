// Bad input gets an equinet::Error that names the file, key or atom: model
// files with defects, unsupported configurations, and bad structures.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>

#include "equinet/io/safetensors.hpp"
#include "support/reference_data.hpp"

using namespace equinet;

namespace {

std::string small_model() {
  return equinet::testing::shared_dir() + "/testdata/mace/small.safetensors";
}

// The small model's tensors and metadata, to be altered by a case.
struct ModelParts {
  std::map<std::string, io::TensorData> tensors;
  std::map<std::string, std::string> metadata;
};

ModelParts load_parts() {
  const auto f = io::SafetensorsFile::open(small_model());
  ModelParts p;
  p.metadata = f.metadata();
  for (const auto& key : f.keys()) {
    const auto& t = f.tensor(key);
    io::TensorData d;
    d.dtype = t.dtype;
    d.shape = t.shape;
    d.bytes.assign(t.data, t.data + t.nbytes);
    p.tensors[key] = d;
  }
  return p;
}

std::string write_temp(const ModelParts& p, const std::string& name) {
  const auto path =
      std::filesystem::temp_directory_path() / ("equinet_test_" + name + ".safetensors");
  io::write_safetensors(path.string(), p.tensors, p.metadata);
  return path.string();
}

void set_config(ModelParts& p, const std::string& key, const nlohmann::json& value) {
  auto cfg = nlohmann::json::parse(p.metadata.at("equinet.config"));
  cfg[key] = value;
  p.metadata["equinet.config"] = cfg.dump();
}

struct BadModel {
  const char* name;
  std::function<void(ModelParts&)> mutate;
  std::vector<std::string> message_parts;  // all must appear in the error
};

class BadModelFiles : public ::testing::TestWithParam<BadModel> {};

}  // namespace

TEST_P(BadModelFiles, AreRefusedWithAClearError) {
  EQUINET_REQUIRE_SHARED();
  const auto& c = GetParam();
  auto parts = load_parts();
  c.mutate(parts);
  const std::string path = write_temp(parts, c.name);
  try {
    Potential::load(path);
    FAIL() << "no error for " << c.name;
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    for (const auto& part : c.message_parts) EXPECT_NE(msg.find(part), std::string::npos) << msg;
  }
  std::filesystem::remove(path);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadModelFiles,
    ::testing::Values(
        BadModel{"missing_tensor",
                 [](ModelParts& p) { p.tensors.erase("interactions.1.linear_up.weight"); },
                 {"interactions.1.linear_up.weight"}},
        BadModel{"misshaped_tensor",
                 [](ModelParts& p) {
                   auto& t = p.tensors.at("interactions.0.conv_tp_weights.layer1.weight");
                   t.shape = {8, 32};
                   t.bytes.resize(8 * 32 * 8);
                 },
                 {"interactions.0.conv_tp_weights.layer1.weight"}},
        BadModel{"wrong_weight_count",
                 [](ModelParts& p) {
                   auto& t = p.tensors.at("products.0.linear.weight");
                   t.shape = {100};
                   t.bytes.resize(800);
                 },
                 {"products.0.linear.weight"}},
        BadModel{"misshaped_u_matrix",
                 [](ModelParts& p) {
                   auto& t =
                       p.tensors.at("products.0.symmetric_contractions.contractions.1.U_matrix_2");
                   t.shape = {3, 9, 4, 9};
                 },
                 {"products.0.symmetric_contractions.contractions.1.U_matrix_2", "[3, 9, 4, 9]"}},
        BadModel{
            "integer_contraction_weights",
            [](ModelParts& p) {
              p.tensors.at("products.1.symmetric_contractions.contractions.0.weights_max").dtype =
                  io::DType::I64;
            },
            {"products.1.symmetric_contractions.contractions.0.weights_max", "I64"}},
        BadModel{"atomic_energies_count",
                 [](ModelParts& p) {
                   auto& t = p.tensors.at("atomic_energies_fn.atomic_energies");
                   t.shape = {3};
                   t.bytes.resize(3 * 8);
                 },
                 {"atomic_energies_fn.atomic_energies", "heads x elements"}},
        BadModel{"no_source",
                 [](ModelParts& p) { p.metadata.erase("equinet.source"); },
                 {"equinet.source"}},
        BadModel{"foreign_source",
                 [](ModelParts& p) { p.metadata["equinet.source"] = "nequip"; },
                 {"'nequip' is not a known model family", "known: mace"}},
        BadModel{"newer_format",
                 [](ModelParts& p) { p.metadata["equinet.format_version"] = "2"; },
                 {"model format version 2 is newer than this equinet reads (up to 1)"}},
        BadModel{"bad_format_version",
                 [](ModelParts& p) { p.metadata["equinet.format_version"] = "one"; },
                 {"equinet.format_version", "'one' is not a positive integer"}},
        BadModel{"no_config",
                 [](ModelParts& p) { p.metadata.erase("equinet.config"); },
                 {"equinet.config"}},
        BadModel{"config_not_json",
                 [](ModelParts& p) { p.metadata["equinet.config"] = "{r_max: 4"; },
                 {"equinet.config"}},
        BadModel{"interaction_cls",
                 [](ModelParts& p) {
                   set_config(p, "interaction_cls", "RealAgnosticAttResidualInteractionBlock");
                 },
                 {"interaction_cls", "RealAgnosticAttResidualInteractionBlock", "not supported"}},
        // supported options whose tensors the file lacks: the missing tensor is named
        BadModel{"density_block_without_density_fn",
                 [](ModelParts& p) {
                   set_config(p, "interaction_cls", "RealAgnosticDensityResidualInteractionBlock");
                 },
                 {"interactions.1.density_fn.layer0.weight", "not found"}},
        BadModel{"pair_repulsion",
                 [](ModelParts& p) { set_config(p, "pair_repulsion", true); },
                 {"pair_repulsion"}},
        BadModel{"distance_transform",
                 [](ModelParts& p) { set_config(p, "distance_transform", "Agnesi"); },
                 {"radial_embedding.distance_transform.q", "not found"}},
        BadModel{"unknown_distance_transform",
                 [](ModelParts& p) { set_config(p, "distance_transform", "Tanh"); },
                 {"distance_transform", "'Tanh'", "not supported"}},
        BadModel{"reduced_cg",
                 [](ModelParts& p) { set_config(p, "use_reduced_cg", true); },
                 {"use_reduced_cg", "not supported"}},
        BadModel{"cueq_model",
                 [](ModelParts& p) {
                   set_config(p, "cueq_config", {{"enabled", true}});
                 },
                 {"cueq_config", "convert_cueq_e3nn"}},
        BadModel{"apply_cutoff_false_residual",
                 [](ModelParts& p) { set_config(p, "apply_cutoff", false); },
                 {"apply_cutoff", "= false with RealAgnosticInteractionBlock", "not supported"}},
        BadModel{"continuous_embedding",
                 [](ModelParts& p) {
                   set_config(p, "embedding_specs",
                              {{"total_charge", {{"type", "continuous"}, {"per", "graph"}}}});
                 },
                 {"embedding_specs.total_charge", "continuous", "not supported"}},
        BadModel{"multi_head",
                 [](ModelParts& p) {
                   set_config(p, "heads", {"a", "b"});
                 },
                 {"heads"}},
        BadModel{"correlation_5",
                 [](ModelParts& p) { set_config(p, "correlation", 5); },
                 {"correlation", "5"}},
        BadModel{"radial_type",
                 [](ModelParts& p) { set_config(p, "radial_type", "gaussian"); },
                 {"radial_type", "gaussian"}},
        BadModel{"model_class",
                 [](ModelParts& p) { set_config(p, "model_class", "AtomicDipolesMACE"); },
                 {"model_class", "AtomicDipolesMACE"}},
        BadModel{"missing_r_max",
                 [](ModelParts& p) {
                   auto cfg = nlohmann::json::parse(p.metadata.at("equinet.config"));
                   cfg.erase("r_max");
                   p.metadata["equinet.config"] = cfg.dump();
                 },
                 {"r_max", "missing"}}),
    [](const ::testing::TestParamInfo<BadModel>& i) { return std::string(i.param.name); });

TEST(BadModelFiles, MissingAndTruncatedFiles) {
  EXPECT_THROW(
      {
        try {
          Potential::load("/nonexistent/model.safetensors");
        } catch (const Error& e) {
          EXPECT_NE(std::string(e.what()).find("/nonexistent/model.safetensors"),
                    std::string::npos);
          throw;
        }
      },
      Error);
  EQUINET_REQUIRE_SHARED();
  const auto f = io::SafetensorsFile::open(small_model());
  std::vector<uint8_t> bytes = f.bytes();
  for (size_t cut : {size_t(4), size_t(100), bytes.size() / 2, bytes.size() - 1}) {
    std::vector<uint8_t> part(bytes.begin(), bytes.begin() + cut);
    EXPECT_THROW(Potential::load_from_bytes(part, "truncated.safetensors"), Error) << cut;
  }
}

class BadStructures : public ::testing::Test {
 protected:
  void SetUp() override {
    EQUINET_REQUIRE_SHARED();
    pot_ = Potential::load(small_model());
    ref_ = equinet::testing::load_reference(
        equinet::testing::shared_dir() + "/testdata/mace/small_ref.json", "water_dimer");
  }
  std::string error_for(System s) {
    Results r;
    try {
      pot_->compute(s, Request{}, r);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  std::unique_ptr<Potential> pot_;
  equinet::testing::ReferenceStructure ref_;
};

TEST_F(BadStructures, UnknownElementNamesTheAtom) {
  auto numbers = ref_.numbers;
  numbers[3] = 14;
  System s = ref_.system();
  s.atomic_numbers = numbers.data();
  const auto msg = error_for(s);
  EXPECT_NE(msg.find("atom 3"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Si"), std::string::npos) << msg;
}

TEST_F(BadStructures, CoincidentAtomsNameBoth) {
  auto pos = ref_.positions;
  for (int k = 0; k < 3; ++k) pos[3 * 4 + k] = pos[3 * 1 + k];
  System s = ref_.system();
  s.positions = pos.data();
  const auto msg = error_for(s);
  EXPECT_NE(msg.find("1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("4"), std::string::npos) << msg;
}

TEST_F(BadStructures, NanPositionNamesTheAtom) {
  auto pos = ref_.positions;
  pos[3 * 2 + 1] = std::numeric_limits<double>::quiet_NaN();
  System s = ref_.system();
  s.positions = pos.data();
  const auto msg = error_for(s);
  EXPECT_NE(msg.find("2"), std::string::npos) << msg;
  EXPECT_FALSE(msg.empty());
}

TEST_F(BadStructures, DegenerateCellIsRefused) {
  System s = ref_.system();
  s.pbc[0] = s.pbc[1] = s.pbc[2] = true;
  const double flat[9] = {10, 0, 0, 0, 10, 0, 10, 10, 0};
  std::copy(flat, flat + 9, s.cell);
  EXPECT_FALSE(error_for(s).empty());
}

TEST_F(BadStructures, EmptySystemHasZeroEnergy) {
  System s;
  Request req;
  req.forces = req.virial = true;
  Results r;
  pot_->compute(s, req, r);
  EXPECT_EQ(r.energy, 0.0);
  EXPECT_TRUE(r.forces.empty());
  EXPECT_EQ(r.n_edges, 0);
}

TEST_F(BadStructures, IsolatedAtomHasFiniteEnergyAndNoForce) {
  // no edges: messages vanish and the force is exactly zero
  System s;
  const double pos[3] = {0, 0, 0};
  const int z[1] = {8};
  s.n_atoms = 1;
  s.positions = pos;
  s.atomic_numbers = z;
  Request req;
  Results r;
  pot_->compute(s, req, r);
  EXPECT_TRUE(std::isfinite(r.energy));
  EXPECT_NEAR(r.forces[0], 0.0, 1e-14);
}
