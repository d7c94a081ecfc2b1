// The core alone on the structure of the LAMMPS benchmark: time of one
// Potential::compute(System) with forces and virial (what one MD step needs),
// to compare with LAMMPS's time per step (pair-style overhead).
//
//   equinet_core_step_time MODEL DATA_FILE [REPEATS]
//
// DATA_FILE is the LAMMPS data file of the benchmark (orthogonal box,
// atom_style atomic, one atom type: the model's first element), written by
// lammps_benchmark.py. Prints one JSON line.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "equinet/potential.hpp"

namespace {

struct Structure {
  double box[3] = {0, 0, 0};
  std::vector<double> positions;
};

// Reads the subset of the LAMMPS data format that lammps_benchmark.py writes.
Structure read_data(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw equinet::Error("cannot open " + path);
  Structure s;
  std::string line;
  long n_atoms = -1;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    double lo, hi;
    std::string a, b;
    if (line.find(" atoms") != std::string::npos && n_atoms < 0) {
      ls >> n_atoms;
    } else if (line.find("xlo xhi") != std::string::npos) {
      ls >> lo >> hi;
      s.box[0] = hi - lo;
    } else if (line.find("ylo yhi") != std::string::npos) {
      ls >> lo >> hi;
      s.box[1] = hi - lo;
    } else if (line.find("zlo zhi") != std::string::npos) {
      ls >> lo >> hi;
      s.box[2] = hi - lo;
    } else if (line.rfind("Atoms", 0) == 0) {
      std::getline(in, line);  // blank
      for (long i = 0; i < n_atoms && std::getline(in, line); ++i) {
        std::istringstream as(line);
        long id, type;
        double x[3];
        as >> id >> type >> x[0] >> x[1] >> x[2];
        for (double v : x) s.positions.push_back(v);
      }
    }
  }
  if (n_atoms <= 0 || long(s.positions.size()) != 3 * n_atoms)
    throw equinet::Error(path + ": could not read " + std::to_string(n_atoms) + " atoms");
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: " << argv[0] << " MODEL DATA_FILE [REPEATS]\n";
    return 2;
  }
  try {
    const int repeats = argc > 3 ? std::stoi(argv[3]) : 10;
    auto potential = equinet::Potential::load(argv[1]);
    const Structure s = read_data(argv[2]);
    const int64_t n = int64_t(s.positions.size() / 3);
    std::vector<int> numbers(n, potential->info().atomic_numbers.at(0));
    equinet::System system;
    system.n_atoms = n;
    system.positions = s.positions.data();
    system.atomic_numbers = numbers.data();
    system.cell[0] = s.box[0];
    system.cell[4] = s.box[1];
    system.cell[8] = s.box[2];
    system.pbc[0] = system.pbc[1] = system.pbc[2] = true;
    equinet::Request request;
    request.forces = true;
    request.virial = true;
    equinet::Results results;
    potential->compute(system, request, results);  // warm-up: workspace allocation
    std::vector<double> times;
    for (int r = 0; r < repeats; ++r) {
      const auto t0 = std::chrono::steady_clock::now();
      potential->compute(system, request, results);
      times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    double mean = 0, best = times.front();
    for (double t : times) {
      mean += t / times.size();
      best = std::min(best, t);
    }
    std::printf(
        "{\"atoms\": %lld, \"repeats\": %d, \"seconds_mean\": %.6g, \"seconds_min\": %.6g, "
        "\"energy\": %.12g, \"n_edges\": %lld}\n",
        (long long)n, repeats, mean, best, results.energy, (long long)results.n_edges);
  } catch (const std::exception& e) {
    std::cerr << "equinet_core_step_time: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
