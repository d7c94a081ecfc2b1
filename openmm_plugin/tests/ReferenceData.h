// Reads the mace-torch reference structures (<name>_ref.json, see
// ../shared/testdata/mace/README.md) used by the OpenMM plugin tests.
#pragma once

#include <array>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace EquinetTest {

struct Structure {
  std::string name;
  std::vector<int> numbers;
  std::vector<double> positions;  // n x 3, Å
  std::array<double, 9> cell{};   // rows are lattice vectors, Å
  bool periodic = false;
  double energy = 0.0;         // eV
  std::vector<double> forces;  // n x 3, eV/Å
  int size() const { return static_cast<int>(numbers.size()); }
};

inline std::vector<Structure> readReference(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  const nlohmann::json data = nlohmann::json::parse(in);
  std::vector<Structure> structures;
  for (const auto& entry : data) {
    Structure s;
    s.name = entry.at("name").get<std::string>();
    s.numbers = entry.at("numbers").get<std::vector<int>>();
    for (const auto& row : entry.at("positions"))
      for (double x : row) s.positions.push_back(x);
    for (int a = 0; a < 3; a++)
      for (int k = 0; k < 3; k++) s.cell[3 * a + k] = entry.at("cell")[a][k].get<double>();
    s.periodic = entry.at("pbc")[0].get<bool>();
    s.energy = entry.at("energy").get<double>();
    for (const auto& row : entry.at("forces"))
      for (double f : row) s.forces.push_back(f);
    structures.push_back(s);
  }
  return structures;
}

}  // namespace EquinetTest
