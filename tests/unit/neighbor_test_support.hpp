// Shared by the test_neighbor_*.cpp tests: a plain O(N^2 x images) reference
// neighbour search, and the builders of every enabled host execution space.
#pragma once

#include <array>
#include <cmath>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "equinet/neighbor/neighbor_list.hpp"

namespace equinet::neighbor::testing {

struct Structure {
  std::string name;
  std::vector<double> positions;  // n x 3, Å
  std::array<double, 9> cell{};   // rows are lattice vectors
  std::array<bool, 3> pbc{};
  double cutoff = 0.0;

  int n_atoms() const { return int(positions.size() / 3); }
};

inline void PrintTo(const Structure& s, std::ostream* os) { *os << s.name; }

struct Edge {
  int i = 0, j = 0;
  std::array<int, 3> n{};
  std::array<double, 3> r{};  // r_ij = x_i - x_j - n . cell

  auto key() const { return std::make_tuple(i, j, n[0], n[1], n[2]); }
};

// Distance of periodic vector k from the span of the other periodic vectors:
// any lattice translation with n_k != 0 is at least |n_k| times this long.
inline double periodic_height(const Structure& s, int k) {
  auto vec = [&](int m) {
    return std::array<double, 3>{s.cell[3 * m], s.cell[3 * m + 1], s.cell[3 * m + 2]};
  };
  auto dot = [](const std::array<double, 3>& a, const std::array<double, 3>& b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  };
  auto cross = [](const std::array<double, 3>& a, const std::array<double, 3>& b) {
    return std::array<double, 3>{a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                                 a[0] * b[1] - a[1] * b[0]};
  };
  std::vector<std::array<double, 3>> others;
  for (int m = 0; m < 3; ++m)
    if (m != k && s.pbc[m]) others.push_back(vec(m));
  const auto a = vec(k);
  if (others.empty()) return std::sqrt(dot(a, a));
  if (others.size() == 1) {
    const auto& b = others[0];
    const double t = dot(a, b) / dot(b, b);
    const std::array<double, 3> perp{a[0] - t * b[0], a[1] - t * b[1], a[2] - t * b[2]};
    return std::sqrt(dot(perp, perp));
  }
  const auto nrm = cross(others[0], others[1]);
  return std::fabs(dot(a, nrm)) / std::sqrt(dot(nrm, nrm));
}

// Every (i, j, n) with |r_ij| < cutoff, by trying every pair and every image
// that could possibly be that close; sorted by (i, j, n).
inline std::vector<Edge> brute_force_edges(const Structure& s) {
  const int n = s.n_atoms();
  const double* x = s.positions.data();
  double diameter = 0.0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      double d2 = 0.0;
      for (int d = 0; d < 3; ++d)
        d2 += (x[3 * i + d] - x[3 * j + d]) * (x[3 * i + d] - x[3 * j + d]);
      diameter = std::max(diameter, std::sqrt(d2));
    }
  int range[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k)
    if (s.pbc[k]) range[k] = int(std::floor((diameter + s.cutoff) / periodic_height(s, k))) + 1;

  std::vector<Edge> edges;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int n0 = -range[0]; n0 <= range[0]; ++n0)
        for (int n1 = -range[1]; n1 <= range[1]; ++n1)
          for (int n2 = -range[2]; n2 <= range[2]; ++n2) {
            if (i == j && n0 == 0 && n1 == 0 && n2 == 0) continue;
            Edge e{i, j, {n0, n1, n2}, {}};
            double r2 = 0.0;
            for (int d = 0; d < 3; ++d) {
              const double shift =
                  double(n0) * s.cell[d] + double(n1) * s.cell[3 + d] + double(n2) * s.cell[6 + d];
              e.r[d] = (x[3 * i + d] - x[3 * j + d]) - shift;
              r2 += e.r[d] * e.r[d];
            }
            if (r2 < s.cutoff * s.cutoff) edges.push_back(e);
          }
  return edges;
}

// The list's edges in list order, with r_ij from compute_edge_vectors.
inline std::vector<Edge> list_edges(const NeighborList& list, const Structure& s) {
  std::vector<double> r(3 * std::size_t(list.n_edges()));
  compute_edge_vectors(list, s.positions.data(), r.data());
  std::vector<Edge> edges;
  for (int64_t i = 0; i < list.n_atoms; ++i)
    for (int64_t e = list.offsets[i]; e < list.offsets[i + 1]; ++e)
      edges.push_back(Edge{
          int(i),
          list.senders[e],
          {list.shift_images[3 * e], list.shift_images[3 * e + 1], list.shift_images[3 * e + 2]},
          {r[3 * e], r[3 * e + 1], r[3 * e + 2]}});
  return edges;
}

using BuildFunction = std::function<void(const Structure&, NeighborList&)>;

struct Backend {
  std::string name;
  BuildFunction build;
};

template <class ExecutionSpace>
BuildFunction make_build() {
  auto builder = std::make_shared<BasicNeighborBuilder<ExecutionSpace>>();
  return [builder](const Structure& s, NeighborList& out) {
    builder->build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff, out);
  };
}

// One builder per enabled host execution space (Serial, OpenMP, Threads).
inline std::vector<Backend> host_backends() {
  std::vector<Backend> backends;
#ifdef KOKKOS_ENABLE_SERIAL
  backends.push_back({"Serial", make_build<Kokkos::Serial>()});
#endif
#ifdef KOKKOS_ENABLE_OPENMP
  backends.push_back({"OpenMP", make_build<Kokkos::OpenMP>()});
#endif
#ifdef KOKKOS_ENABLE_THREADS
  backends.push_back({"Threads", make_build<Kokkos::Threads>()});
#endif
  return backends;
}

}  // namespace equinet::neighbor::testing
