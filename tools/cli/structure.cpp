#include "structure.hpp"

#include <cmath>
#include <random>
#include <string>

namespace equinet::cli {

System system_of(const io::Frame& frame) {
  System s;
  s.n_atoms = frame.size();
  s.positions = frame.positions.data();
  s.atomic_numbers = frame.numbers.data();
  for (int k = 0; k < 9; ++k) s.cell[k] = frame.has_cell ? frame.cell[k] : 0.0;
  for (int k = 0; k < 3; ++k) s.pbc[k] = frame.has_cell && frame.pbc[k];
  return s;
}

bool fully_periodic(const io::Frame& frame) {
  return frame.has_cell && frame.pbc[0] && frame.pbc[1] && frame.pbc[2];
}

bool any_periodic(const io::Frame& frame) {
  return frame.has_cell && (frame.pbc[0] || frame.pbc[1] || frame.pbc[2]);
}

double cell_volume(const double c[9]) {
  return std::abs(c[0] * (c[4] * c[8] - c[5] * c[7]) - c[1] * (c[3] * c[8] - c[5] * c[6]) +
                  c[2] * (c[3] * c[7] - c[4] * c[6]));
}

io::Frame replicate(const io::Frame& frame, const std::array<int, 3>& n) {
  for (int k = 0; k < 3; ++k)
    if (n[k] > 1 && !(frame.has_cell && frame.pbc[k]))
      throw Error("cannot repeat the structure along lattice vector " + std::to_string(k + 1) +
                  ": it is not periodic in that direction");
  const int64_t atoms = frame.size();
  const int64_t copies = int64_t(n[0]) * n[1] * n[2];
  io::Frame out;
  out.has_cell = frame.has_cell;
  for (int k = 0; k < 3; ++k) out.pbc[k] = frame.pbc[k];
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 3; ++b) out.cell[3 * a + b] = frame.cell[3 * a + b] * n[a];
  out.positions.reserve(size_t(atoms * copies * 3));
  for (const auto& [name, array] : frame.arrays) {
    io::PerAtomArray& dst = out.arrays[name];
    dst.type = array.type;
    dst.ncols = array.ncols;
  }
  for (int i = 0; i < n[0]; ++i)
    for (int j = 0; j < n[1]; ++j)
      for (int k = 0; k < n[2]; ++k) {
        double shift[3];
        for (int d = 0; d < 3; ++d)
          shift[d] = i * frame.cell[d] + j * frame.cell[3 + d] + k * frame.cell[6 + d];
        for (int64_t a = 0; a < atoms; ++a)
          for (int d = 0; d < 3; ++d)
            out.positions.push_back(frame.positions[3 * a + d] + shift[d]);
        out.numbers.insert(out.numbers.end(), frame.numbers.begin(), frame.numbers.end());
        out.symbols.insert(out.symbols.end(), frame.symbols.begin(), frame.symbols.end());
        for (const auto& [name, array] : frame.arrays) {
          io::PerAtomArray& dst = out.arrays[name];
          dst.values.insert(dst.values.end(), array.values.begin(), array.values.end());
          dst.strings.insert(dst.strings.end(), array.strings.begin(), array.strings.end());
        }
      }
  return out;
}

void rattle(io::Frame& frame, double sigma, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, sigma);
  for (double& x : frame.positions) x += normal(rng);
}

}  // namespace equinet::cli
