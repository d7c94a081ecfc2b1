// Loading mace-torch reference structures (../shared/testdata) for tests.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "equinet/potential.hpp"

namespace equinet::testing {

inline std::string shared_dir() { return EQUINET_SHARED_DIR; }
inline bool shared_available() {
  std::ifstream f(shared_dir() + "/testdata/mace/README.md");
  return f.good();
}
#define EQUINET_REQUIRE_SHARED()               \
  if (!::equinet::testing::shared_available()) \
  GTEST_SKIP() << "../shared reference data not available"

struct ReferenceStructure {
  std::string name;
  std::vector<int> numbers;
  std::vector<double> positions, forces, node_energy;
  double cell[9] = {0};
  bool pbc[3] = {false, false, false};
  double energy = 0;
  double virial[9] = {0};
  bool has_stress = false;
  double stress[9] = {0};
  int64_t n_edges = 0;
  // foundation-model records: the head and the per-structure inputs mace got
  std::string head;
  std::optional<double> total_charge, total_spin;

  System system() const {
    System s;
    s.n_atoms = int64_t(numbers.size());
    s.positions = positions.data();
    s.atomic_numbers = numbers.data();
    for (int k = 0; k < 9; ++k) s.cell[k] = cell[k];
    for (int k = 0; k < 3; ++k) s.pbc[k] = pbc[k];
    s.total_charge = total_charge;
    s.total_spin = total_spin;
    return s;
  }
};

inline nlohmann::json read_json(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(f);
}

inline std::vector<ReferenceStructure> load_references(const std::string& path) {
  std::vector<ReferenceStructure> out;
  for (const auto& s : read_json(path)) {
    ReferenceStructure r;
    r.name = s.at("name").get<std::string>();
    r.numbers = s.at("numbers").get<std::vector<int>>();
    for (const auto& p : s.at("positions"))
      for (double x : p) r.positions.push_back(x);
    for (const auto& p : s.at("forces"))
      for (double x : p) r.forces.push_back(x);
    r.node_energy = s.at("node_energy").get<std::vector<double>>();
    for (int a = 0; a < 3; ++a)
      for (int b = 0; b < 3; ++b) {
        r.cell[3 * a + b] = s.at("cell")[a][b].get<double>();
        r.virial[3 * a + b] = s.at("virial")[a][b].get<double>();
      }
    for (int k = 0; k < 3; ++k) r.pbc[k] = s.at("pbc")[k].get<bool>();
    r.energy = s.at("energy").get<double>();
    if (!s.at("stress").is_null()) {
      r.has_stress = true;
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b) r.stress[3 * a + b] = s.at("stress")[a][b].get<double>();
    }
    r.n_edges = s.at("n_edges").get<int64_t>();
    if (s.contains("head")) r.head = s.at("head").get<std::string>();
    if (s.contains("total_charge")) r.total_charge = s.at("total_charge").get<double>();
    if (s.contains("total_spin")) r.total_spin = s.at("total_spin").get<double>();
    out.push_back(std::move(r));
  }
  return out;
}

inline ReferenceStructure load_reference(const std::string& path, const std::string& name) {
  for (auto& r : load_references(path))
    if (r.name == name) return r;
  throw std::runtime_error("structure " + name + " not in " + path);
}

inline double cell_volume(const double* c) {
  return std::abs(c[0] * (c[4] * c[8] - c[5] * c[7]) - c[1] * (c[3] * c[8] - c[5] * c[6]) +
                  c[2] * (c[3] * c[7] - c[4] * c[6]));
}

}  // namespace equinet::testing
