// `equinet info`: text and JSON descriptions of the reference models, checked
// against their config files (../shared/testdata/mace/*.config.json).
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/cli_test_support.hpp"
#include "equinet/io/safetensors.hpp"
#include "support/reference_data.hpp"

using namespace equinet;
using namespace equinet::testing;

class CliInfo : public ::testing::TestWithParam<std::string> {};

TEST_P(CliInfo, JsonMatchesConfigFile) {
  EQUINET_REQUIRE_SHARED();
  const std::string base = shared_dir() + "/testdata/mace/" + GetParam();
  const auto config = read_json(base + ".config.json");
  const auto run = run_cli({"info", base + ".safetensors", "--json"}, test_work_dir());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto j = nlohmann::json::parse(run.out);
  std::vector<int> numbers;
  for (const auto& e : j.at("elements")) {
    numbers.push_back(e.at("Z").get<int>());
    EXPECT_EQ(e.at("symbol").get<std::string>(), element_symbol(e.at("Z").get<int>()));
  }
  EXPECT_EQ(numbers, config.at("atomic_numbers").get<std::vector<int>>());
  EXPECT_EQ(j.at("cutoff").get<double>(), config.at("r_max").get<double>());
  EXPECT_EQ(j.at("num_layers"), config.at("num_interactions"));
  EXPECT_EQ(j.at("source"), "mace");
  EXPECT_EQ(j.at("format_version"), 1);
  const auto& hp = j.at("hyperparameters");
  EXPECT_EQ(hp.at("hidden_irreps"), config.at("hidden_irreps"));
  EXPECT_EQ(hp.at("max_ell"), std::to_string(config.at("max_ell").get<int>()));
  EXPECT_EQ(hp.at("correlation"), std::to_string(config.at("correlation").get<int>()));
  EXPECT_EQ(hp.at("model_class"), config.at("model_class"));
  EXPECT_GT(j.at("num_parameters").get<int64_t>(), 0);
  // the metadata says what loading the model says
  const auto loaded = Potential::load(base + ".safetensors");
  EXPECT_EQ(j.at("num_parameters").get<int64_t>(), loaded->info().num_parameters);
  EXPECT_EQ(j.at("max_exchange_width").get<int>(), loaded->info().max_exchange_width);
  EXPECT_EQ(j.at("isa_available").get<std::vector<std::string>>(), available_isas());
  EXPECT_EQ(j.at("mace_version").get<std::string>().rfind("0.3.15", 0), 0u);
  EXPECT_EQ(j.at("e3nn_version").get<std::string>().rfind("0.4.4", 0), 0u);
  EXPECT_TRUE(j.at("torch_version").is_string());
}

INSTANTIATE_TEST_SUITE_P(Models, CliInfo, ::testing::Values("small", "periodic"));

TEST(CliInfoText, NamesElementsAndCutoff) {
  EQUINET_REQUIRE_SHARED();
  const auto run =
      run_cli({"info", shared_dir() + "/testdata/mace/small.safetensors"}, test_work_dir());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("H (1), O (8)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("cutoff                4 Å"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("family                mace (format version 1)"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("8x0e+8x1o"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("ScaleShiftMACE"), std::string::npos) << run.out;
}

// The parameter count is the number of trainable values: every floating-point
// state_dict tensor except buffers (output masks, U matrices, w3j blocks,
// E0s, radial constants, scale/shift). Counted here independently from the file.
TEST(CliInfoText, ParameterCountIsTrainableTensors) {
  EQUINET_REQUIRE_SHARED();
  const std::string path = shared_dir() + "/testdata/mace/small.safetensors";
  const auto file = io::SafetensorsFile::open(path);
  int64_t count = 0;
  for (const auto& key : file.keys()) {
    const auto is = [&](const char* s) { return key.find(s) != std::string::npos; };
    if (is("output_mask") || is("U_matrix") || is("_w3j") || is("_zeroed") ||
        is("atomic_energies") || is("bessel_fn") || is("cutoff_fn") || is("scale_shift") ||
        key == "atomic_numbers" || key == "r_max" || key == "num_interactions")
      continue;
    count += file.tensor(key).numel();
  }
  const auto run = run_cli({"info", path, "--json"}, test_work_dir());
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(nlohmann::json::parse(run.out).at("num_parameters").get<int64_t>(), count);
}
