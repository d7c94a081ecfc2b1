// Test data named by where it lives, as tests/lammps/run_case.py does:
// "repo:<path>" is part of this repository (always present: a test on it
// never skips), "shared:<path>" is in ../shared beside it (absent from a
// user's clone: tests on it skip).
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <stdexcept>
#include <string>

#include "support/reference_data.hpp"

namespace equinet::testing {

struct DataPath {
  std::string path;
  bool shared = false;  // under ../shared (may be absent)
};

inline DataPath resolve_data_path(const std::string& spec) {
  const auto colon = spec.find(':');
  const std::string root = spec.substr(0, colon == std::string::npos ? 0 : colon);
  const std::string rel = colon == std::string::npos ? "" : spec.substr(colon + 1);
  if (root == "repo") return {std::string(EQUINET_SOURCE_DIR) + "/" + rel, false};
  if (root == "shared") return {shared_dir() + "/" + rel, true};
  throw std::invalid_argument("test data path '" + spec + "' must start with repo: or shared:");
}

// A test name from a case's model path and structure ("si_sw_mace_test0_A").
template <typename Case>
std::string data_case_name(const ::testing::TestParamInfo<Case>& info) {
  std::string model = info.param.model;
  model = model.substr(model.find_last_of("/:") + 1);
  std::string n = model + "_" + info.param.structure;
  for (char& ch : n)
    if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return n;
}

}  // namespace equinet::testing

// Resolves `spec` into `var` (a DataPath); skips the test when it is a
// shared: path and ../shared is absent.
#define EQUINET_RESOLVE_DATA(var, spec)                         \
  const auto var = ::equinet::testing::resolve_data_path(spec); \
  if (var.shared && !::equinet::testing::shared_available())    \
  GTEST_SKIP() << "../shared reference data not available (" << (spec) << ")"
