// `equinet bench`: the JSON record (keys and values that do not depend on
// timing) and the structures it builds (--repeat, --rattle). No timing checks.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "cli/cli_test_support.hpp"
#include "equinet/io/extxyz.hpp"
#include "support/reference_data.hpp"

using namespace equinet;
using namespace equinet::testing;

namespace {

std::string periodic_model() { return shared_dir() + "/testdata/mace/periodic.safetensors"; }

nlohmann::json bench(const std::vector<std::string>& extra, const std::filesystem::path& work,
                     int steps = 2) {
  std::vector<std::string> args = {
      "bench", periodic_model(), example_si8(), "--steps", std::to_string(steps), "--warmup", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto run = run_cli(args, work);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return nlohmann::json::parse(run.out);  // exactly one JSON object on stdout
}

}  // namespace

TEST(CliBench, PrintsOneJsonRecordWithTheDocumentedKeys) {
  EQUINET_REQUIRE_SHARED();
  const auto j = bench({"--threads", "1", "--dtype", "float32", "--repeat", "2x1x1", "--rattle",
                        "0.05", "--seed", "3"},
                       test_work_dir());
  for (const char* key : {"model", "atoms", "edges", "dtype", "threads", "steps", "median_ms",
                          "us_per_atom_step", "peak_rss_mb", "environment"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j.at("model"), periodic_model());
  EXPECT_EQ(j.at("atoms"), 16);
  EXPECT_EQ(j.at("dtype"), "float32");
  EXPECT_EQ(j.at("radial_table_intervals"), 0);
  EXPECT_EQ(j.at("threads"), 1);
  EXPECT_EQ(j.at("steps"), 2);
  EXPECT_EQ(j.at("virial"), true);
  EXPECT_GT(j.at("edges").get<int64_t>(), 0);
  EXPECT_GT(j.at("median_ms").get<double>(), 0.0);
  EXPECT_NEAR(j.at("us_per_atom_step").get<double>(), j.at("median_ms").get<double>() * 1000 / 16,
              1e-9 * j.at("us_per_atom_step").get<double>());
  EXPECT_GT(j.at("peak_rss_mb").get<double>(), 0.0);
  const auto& env = j.at("environment");
  EXPECT_TRUE(env.at("execution_space").is_string());
  EXPECT_EQ(env.at("concurrency"), 1);
}

TEST(CliBench, ThreadsOptionSetsKokkosConcurrency) {
  EQUINET_REQUIRE_SHARED();
  const auto j = bench({"--threads", "2"}, test_work_dir());
  // Serial-only Kokkos builds run on one thread whatever is asked.
  const std::string space = j.at("environment").at("host_execution_space");
  EXPECT_EQ(j.at("threads"), space == "Serial" ? 1 : 2);
}

// Diamond Si (a = 5.431 Å): within r_max = 4.5 Å each atom has 4 + 12 = 16
// neighbours (shells at a√3/4 = 2.35 Å and a/√2 = 3.84 Å; the next, a√11/4 =
// 4.503 Å, is outside), whatever the supercell; the energy of an unrattled
// supercell is extensive.
TEST(CliBench, RepeatBuildsTheSupercell) {
  EQUINET_REQUIRE_SHARED();
  const auto work = test_work_dir();
  const auto one = bench({}, work);
  const auto big = bench({"--repeat", "2x2x2"}, work);
  EXPECT_EQ(one.at("atoms"), 8);
  EXPECT_EQ(big.at("atoms"), 64);
  EXPECT_EQ(one.at("edges"), 8 * 16);
  EXPECT_EQ(big.at("edges"), 64 * 16);
  const double e1 = one.at("energy"), e8 = big.at("energy");
  EXPECT_NEAR(e8, 8 * e1, 1e-10 * std::abs(e8));
}

TEST(CliBench, RattleDisplacesWithTheRequestedSpread) {
  EQUINET_REQUIRE_SHARED();
  const auto work = test_work_dir();
  const auto saved = work / "rattled.extxyz";
  const auto plain = work / "plain.extxyz";
  bench({"--repeat", "4x4x4", "--save-structure", plain.string()}, work, 1);
  bench(
      {"--repeat", "4x4x4", "--rattle", "0.05", "--seed", "7", "--save-structure", saved.string()},
      work, 1);
  const auto a = io::read_extxyz(plain.string()).at(0);
  const auto b = io::read_extxyz(saved.string()).at(0);
  ASSERT_EQ(a.size(), 512);
  ASSERT_EQ(b.size(), 512);
  for (int k = 0; k < 9; ++k) EXPECT_DOUBLE_EQ(b.cell[k], k % 4 == 0 ? 4 * 5.431 : 0.0);
  double sum = 0, sum2 = 0;
  for (size_t k = 0; k < a.positions.size(); ++k) {
    const double d = b.positions[k] - a.positions[k];
    sum += d;
    sum2 += d * d;
  }
  const double n = double(a.positions.size());
  // 1536 samples: the sample mean is within 4 sigma/sqrt(n) = 0.005, the
  // standard deviation within ~10 % of 0.05.
  EXPECT_NEAR(sum / n, 0.0, 0.005);
  EXPECT_NEAR(std::sqrt(sum2 / n), 0.05, 0.005);
  // Same seed, same structure.
  const auto again = work / "again.extxyz";
  bench(
      {"--repeat", "4x4x4", "--rattle", "0.05", "--seed", "7", "--save-structure", again.string()},
      work, 1);
  EXPECT_EQ(io::read_extxyz(again.string()).at(0).positions, b.positions);
}
