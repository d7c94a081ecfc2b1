// Failures of the `equinet` tool: bad files and inputs exit 1 with one
// "equinet: error: ..." line naming the file or atom; misuse exits 2 with a
// usage line. Never a crash (exit codes >= 128) or a stack trace.
#include <gtest/gtest.h>

#include <fstream>

#include "cli/cli_test_support.hpp"
#include "support/reference_data.hpp"

using namespace equinet::testing;

namespace {

std::string small_model() { return shared_dir() + "/testdata/mace/small.safetensors"; }

void write_file(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text;
}

// Exit code 1, a single error line that names every expected fragment.
void expect_error(const CliRun& run, const std::vector<std::string>& fragments) {
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err.rfind("equinet: error: ", 0), 0u) << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
  for (const auto& f : fragments) EXPECT_NE(run.err.find(f), std::string::npos) << run.err;
}

void expect_usage(const CliRun& run, const std::string& fragment) {
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("usage: equinet"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(fragment), std::string::npos) << run.err;
}

const char* kWaterWithCarbon =
    "3\n"
    "Properties=species:S:1:pos:R:3 pbc=\"F F F\"\n"
    "O 0.0 0.0 0.0\n"
    "H 0.96 0.0 0.0\n"
    "C 0.0 1.5 0.0\n";

}  // namespace

TEST(CliErrors, MissingModelFile) {
  const auto work = test_work_dir();
  const std::string model = (work / "no_such_model.safetensors").string();
  expect_error(run_cli({"info", model}, work), {model});
  expect_error(run_cli({"eval", model, example_si8(), "-o", (work / "o.xyz").string()}, work),
               {model});
  expect_error(run_cli({"bench", model, example_si8(), "--steps", "1"}, work), {model});
}

TEST(CliErrors, ModelFileThatIsNotAModel) {
  const auto work = test_work_dir();
  expect_error(run_cli({"info", example_si8()}, work), {example_si8()});
}

TEST(CliErrors, MissingInputFile) {
  EQUINET_REQUIRE_SHARED();
  const auto work = test_work_dir();
  const std::string in = (work / "missing.extxyz").string();
  const auto out = work / "out.extxyz";
  expect_error(run_cli({"eval", small_model(), in, "-o", out.string()}, work), {in});
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CliErrors, UnknownElementNamesAtomAndFrame) {
  EQUINET_REQUIRE_SHARED();
  const auto work = test_work_dir();
  const auto in = work / "water_with_carbon.extxyz";
  write_file(in, std::string(kWaterWithCarbon));
  const auto out = work / "out.extxyz";
  const auto run = run_cli({"eval", small_model(), in.string(), "-o", out.string()}, work);
  expect_error(run, {in.string(), "frame 0", "atom 2", "C", "not in the model", "H O"});
  EXPECT_FALSE(std::filesystem::exists(out));  // nothing written on failure
  expect_error(run_cli({"bench", small_model(), in.string(), "--steps", "1"}, work), {"atom 2"});
}

TEST(CliErrors, MalformedExtxyzNamesFileAndLine) {
  EQUINET_REQUIRE_SHARED();
  const auto work = test_work_dir();
  const auto in = work / "bad.extxyz";
  write_file(in, "2\nProperties=species:S:1:pos:R:3\nH 0 0 0\nH 0 0 zero\n");
  expect_error(run_cli({"eval", small_model(), in.string(), "-o", (work / "o").string()}, work),
               {in.string() + ":4", "zero"});
}

TEST(CliErrors, UnwritableOutput) {
  EQUINET_REQUIRE_SHARED();
  const auto work = test_work_dir();
  const std::string out = (work / "no_dir" / "out.extxyz").string();
  const std::string in = shared_dir() + "/testdata/mace/small_ref.extxyz";
  expect_error(run_cli({"eval", small_model(), in, "-o", out}, work), {out});
}

TEST(CliErrors, BenchFrameOutOfRangeAndRepeatOfNonPeriodic) {
  EQUINET_REQUIRE_SHARED();
  const auto work = test_work_dir();
  const std::string in = shared_dir() + "/testdata/mace/small_ref.extxyz";
  expect_error(run_cli({"bench", small_model(), in, "--frame", "7"}, work), {in, "--frame 7"});
  expect_error(run_cli({"bench", small_model(), in, "--repeat", "2x1x1"}, work), {"not periodic"});
}

TEST(CliUsage, MisuseExitsTwoWithUsage) {
  const auto work = test_work_dir();
  const auto none = run_cli({}, work);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("usage: equinet <command>"), std::string::npos);
  EXPECT_EQ(run_cli({"frobnicate"}, work).exit_code, 2);
  expect_usage(run_cli({"info"}, work), "missing arguments");
  expect_usage(run_cli({"info", "a", "b"}, work), "unexpected argument 'b'");
  expect_usage(run_cli({"info", "m", "--colour"}, work), "unknown option --colour");
  expect_usage(run_cli({"eval", "m", "in"}, work), "missing -o");
  expect_usage(run_cli({"eval", "m", "in", "-o"}, work), "-o needs a value");
  expect_usage(run_cli({"eval", "m", "in", "-o", "x", "--dtype", "float16"}, work), "float16");
  expect_usage(run_cli({"bench", "m", "in", "--threads", "0"}, work), "--threads");
  expect_usage(run_cli({"bench", "m", "in", "--steps", "ten"}, work), "--steps");
  expect_usage(run_cli({"bench", "m", "in", "--repeat", "2x2"}, work), "--repeat");
  expect_usage(run_cli({"bench", "m", "in", "--rattle", "-0.1"}, work), "--rattle");
}

TEST(CliUsage, HelpExitsZero) {
  const auto work = test_work_dir();
  const auto run = run_cli({"--help"}, work);
  EXPECT_EQ(run.exit_code, 0);
  for (const char* c : {"info", "eval", "bench"}) EXPECT_NE(run.out.find(c), std::string::npos);
  const auto eval = run_cli({"eval", "--help"}, work);
  EXPECT_EQ(eval.exit_code, 0);
  EXPECT_NE(eval.out.find("usage: equinet eval MODEL IN.extxyz -o OUT.extxyz"), std::string::npos);
}
