// Running the built `equinet` executable from tests: arguments are quoted
// for the shell, stdout and stderr captured through files.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace equinet::testing {

struct CliRun {
  int exit_code = -1;  // 128 + signal when the tool crashed
  std::string out, err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh directory for the current test.
inline std::filesystem::path test_work_dir() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "." + info->name();
  for (char& c : name)
    if (c == '/') c = '_';
  const auto dir = std::filesystem::path(EQUINET_CLI_WORK_DIR) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline CliRun run_cli(const std::vector<std::string>& args, const std::filesystem::path& dir) {
  std::string cmd = shell_quote(EQUINET_CLI_PATH);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  const auto out = dir / "cli.stdout", err = dir / "cli.stderr";
  cmd += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  const int status = std::system(cmd.c_str());
  CliRun r;
  if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) r.exit_code = 128 + WTERMSIG(status);
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

inline std::string example_si8() {
  return std::string(EQUINET_SOURCE_DIR) + "/examples/cli/si_diamond_8.extxyz";
}

}  // namespace equinet::testing
