// Neighbour lists against a plain brute-force search, on every enabled host
// execution space, for open, periodic, triclinic, mixed-pbc and tiny cells.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

#include "unit/neighbor_test_support.hpp"

namespace equinet::neighbor::testing {
namespace {

// Positions u . box with u uniform in [lo, hi)^3: lo < 0 or hi > 1 puts
// atoms outside the cell (not wrapped).
Structure random_structure(std::string name, int n, std::array<double, 9> box,
                           std::array<double, 9> cell, std::array<bool, 3> pbc, double cutoff,
                           double lo = 0.0, double hi = 1.0, unsigned seed = 7) {
  Structure s{std::move(name), {}, cell, pbc, cutoff};
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  for (int i = 0; i < n; ++i) {
    const double f[3] = {u(rng), u(rng), u(rng)};
    for (int d = 0; d < 3; ++d)
      s.positions.push_back(f[0] * box[d] + f[1] * box[3 + d] + f[2] * box[6 + d]);
  }
  return s;
}

constexpr std::array<double, 9> kZero{};
constexpr std::array<bool, 3> kOpen{false, false, false};
constexpr std::array<bool, 3> kFull{true, true, true};

std::array<double, 9> cube(double a) { return {a, 0, 0, 0, a, 0, 0, 0, a}; }

// Strongly skewed: perpendicular heights well below the vector lengths.
constexpr std::array<double, 9> kSkewed{7.0, 0.0, 0.0, 6.2, 2.6, 0.0, -5.1, 3.4, 3.9};

Structure silicon_primitive() {
  const double a = 5.43;
  Structure s{"si_primitive_2_atoms", {0.0, 0.0, 0.0, a / 4, a / 4, a / 4}, {}, kFull, 4.5};
  s.cell = {0, a / 2, a / 2, a / 2, 0, a / 2, a / 2, a / 2, 0};
  return s;
}

std::vector<Structure> cases() {
  std::vector<Structure> c;
  c.push_back(random_structure("open_cluster", 40, cube(9.0), kZero, kOpen, 3.5));
  // The cell must be ignored when nothing is periodic.
  c.push_back(random_structure("open_with_unused_cell", 40, cube(9.0), kSkewed, kOpen, 4.0));
  c.push_back(random_structure("cubic", 50, cube(10.0), cube(10.0), kFull, 4.0));
  c.push_back(random_structure("cubic_many_bins", 400, cube(20.0), cube(20.0), kFull, 5.0));
  c.push_back(random_structure("triclinic_skewed", 30, kSkewed, kSkewed, kFull, 4.5));
  c.push_back(random_structure("triclinic_unwrapped_positions", 20, kSkewed, kSkewed, kFull, 4.0,
                               -2.5, 3.5, 11));
  c.push_back(random_structure("cubic_negative_positions", 30, cube(8.0), cube(8.0), kFull, 3.9,
                               -1.7, -0.2, 5));
  // Slab T T F with a zero third vector, and with a skewed unused one.
  c.push_back(random_structure("slab_TTF_zero_c", 40, {8, 0, 0, 3, 7, 0, 0, 0, 12},
                               {8, 0, 0, 3, 7, 0, 0, 0, 0}, {true, true, false}, 4.0));
  c.push_back(random_structure("slab_TTF_skewed_c", 40, {8, 0, 0, 3, 7, 0, 0, 0, 12},
                               {8, 0, 0, 3, 7, 0, 4, 4, 1}, {true, true, false}, 4.0, -0.5, 1.5));
  c.push_back(random_structure("slab_FTT", 30, {10, 0, 0, 0, 6, 1, 0, -2, 5.5},
                               {0, 0, 0, 0, 6, 1, 0, -2, 5.5}, {false, true, true}, 4.0));
  // Wire along b, period 5 < 2 x cutoff: several images.
  c.push_back(random_structure("wire_FTF_short_period", 30, {10, 0, 0, 1, 5, 0, 0, 0, 10},
                               {0, 0, 0, 1, 5, 0, 0, 0, 0}, {false, true, false}, 4.0));
  // Non-periodic vector 0 parallel to periodic vector 1: must not matter.
  c.push_back(random_structure("periodic_with_parallel_open_vector", 30, cube(7.0),
                               {0, 7, 0, 0, 7, 0, 0, 0, 7}, {false, true, true}, 3.5));
  c.push_back(random_structure("cubic_smaller_than_cutoff", 10, cube(6.0), cube(6.0), kFull, 7.0));
  c.push_back(silicon_primitive());
  // Left-handed cell (negative determinant).
  c.push_back(random_structure("left_handed_cell", 30, {0, 7, 0, 7.5, 0, 0, 1, 1, 6.5},
                               {0, 7, 0, 7.5, 0, 0, 1, 1, 6.5}, kFull, 3.8, -0.3, 1.2));
  // Wire T F F along an oblique direction (period 5.8 < 2 x cutoff).
  c.push_back(random_structure("oblique_wire_TFF", 30, {2, -3, 4.5, 8, 0, 0, 0, 8, 1},
                               {2, -3, 4.5, 0, 0, 0, 0, 0, 0}, {true, false, false}, 4.0));
  c.push_back(random_structure("one_atom_small_skewed_cell", 1,
                               {3, 0, 0, 1.2, 2.8, 0, -0.9, 0.7, 2.6},
                               {3, 0, 0, 1.2, 2.8, 0, -0.9, 0.7, 2.6}, kFull, 6.5, -1.0, 2.0));
  // All atoms in one plane: zero extent in one open direction.
  Structure flat =
      random_structure("flat_open_cluster", 30, {8, 0, 0, 0, 8, 0, 0, 0, 0}, kZero, kOpen, 3.0);
  c.push_back(flat);
  // Two far-apart groups: the bin grid must stay small.
  Structure spread = random_structure("open_two_far_groups", 30, cube(5.0), kZero, kOpen, 2.5);
  for (int i = 0; i < 15; ++i) spread.positions[3 * i] += 1e5;
  c.push_back(spread);
  return c;
}

class NeighborBruteForce : public ::testing::TestWithParam<Structure> {};

void expect_same_edges(const std::vector<Edge>& expected, const std::vector<Edge>& actual) {
  ASSERT_EQ(expected.size(), actual.size()) << "edge count differs from brute force";
  for (std::size_t e = 0; e < expected.size(); ++e) {
    ASSERT_EQ(expected[e].key(), actual[e].key()) << "edge " << e << ": (i, j, n) differs";
    for (int d = 0; d < 3; ++d)
      ASSERT_NEAR(expected[e].r[d], actual[e].r[d], 1e-12) << "edge " << e << " component " << d;
  }
}

TEST_P(NeighborBruteForce, MatchesBruteForceOnEveryBackend) {
  const Structure& s = GetParam();
  const std::vector<Edge> expected = brute_force_edges(s);
  ASSERT_FALSE(expected.empty()) << "case has no edges: useless test";
  for (const Backend& backend : host_backends()) {
    SCOPED_TRACE(backend.name);
    NeighborList list;
    backend.build(s, list);
    EXPECT_EQ(list.n_atoms, s.n_atoms());
    ASSERT_EQ(list.offsets.size(), std::size_t(s.n_atoms()) + 1);
    EXPECT_EQ(list.offsets[0], 0);
    expect_same_edges(expected, list_edges(list, s));
  }
}

TEST_P(NeighborBruteForce, ShiftsAreImagesTimesCell) {
  const Structure& s = GetParam();
  NeighborList list;
  NeighborBuilder().build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff,
                          list);
  ASSERT_EQ(list.shifts.size(), 3 * std::size_t(list.n_edges()));
  ASSERT_EQ(list.shift_images.size(), 3 * std::size_t(list.n_edges()));
  for (int64_t e = 0; e < list.n_edges(); ++e) {
    const int* n = &list.shift_images[3 * e];
    for (int k = 0; k < 3; ++k)
      EXPECT_TRUE(s.pbc[k] || n[k] == 0)
          << "image in non-periodic direction " << k << ", edge " << e;
    for (int d = 0; d < 3; ++d) {
      double expected = 0.0;
      for (int k = 0; k < 3; ++k)
        if (s.pbc[k]) expected += n[k] * s.cell[3 * k + d];
      EXPECT_NEAR(list.shifts[3 * e + d], expected, 1e-12) << "edge " << e;
    }
  }
}

TEST_P(NeighborBruteForce, EdgeSetIsSymmetric) {
  const Structure& s = GetParam();
  NeighborList list;
  NeighborBuilder().build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff,
                          list);
  std::set<std::tuple<int, int, int, int, int>> keys;
  for (const Edge& e : list_edges(list, s)) keys.insert(e.key());
  EXPECT_EQ(keys.size(), std::size_t(list.n_edges())) << "duplicate edges";
  for (const Edge& e : list_edges(list, s))
    EXPECT_TRUE(keys.count(std::make_tuple(e.j, e.i, -e.n[0], -e.n[1], -e.n[2])))
        << "edge (" << e.i << ", " << e.j << ") has no reverse";
}

// Same edges in the same order and bitwise-equal shifts on every backend.
TEST_P(NeighborBruteForce, BackendsAgreeBitwise) {
  const Structure& s = GetParam();
  const auto backends = host_backends();
  if (backends.size() < 2)
    GTEST_SKIP() << "only one host backend (" << backends.front().name
                 << ") is enabled in this Kokkos build: nothing to compare it with";
  NeighborList first;
  backends.front().build(s, first);
  for (std::size_t b = 1; b < backends.size(); ++b) {
    SCOPED_TRACE(backends[b].name + " vs " + backends.front().name);
    NeighborList other;
    backends[b].build(s, other);
    EXPECT_EQ(first.offsets, other.offsets);
    EXPECT_EQ(first.senders, other.senders);
    EXPECT_EQ(first.shift_images, other.shift_images);
    EXPECT_EQ(first.shifts, other.shifts);
  }
}

INSTANTIATE_TEST_SUITE_P(Structures, NeighborBruteForce, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Structure>& info) {
                           return info.param.name;
                         });

// A builder reused on systems of different sizes gives what a fresh one gives.
TEST(NeighborBuilderReuse, ReusedBuilderMatchesFreshBuilder) {
  const auto all = cases();
  NeighborBuilder reused;
  for (const std::size_t index :
       {std::size_t(3), std::size_t(0), std::size_t(13), std::size_t(3)}) {
    const Structure& s = all.at(index);
    SCOPED_TRACE(s.name);
    NeighborList a, b;
    reused.build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff, a);
    NeighborBuilder().build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff,
                            b);
    EXPECT_EQ(a.offsets, b.offsets);
    EXPECT_EQ(a.senders, b.senders);
    EXPECT_EQ(a.shift_images, b.shift_images);
    EXPECT_EQ(a.shifts, b.shifts);
  }
}

// Moving single atoms by lattice vectors changes only the images:
// n' = n + t_i - t_j, with the same edge vectors.
TEST(NeighborLatticeTranslation, MovingAtomsByLatticeVectorsOnlyChangesImages) {
  Structure s = random_structure("triclinic", 20, kSkewed, kSkewed, kFull, 4.5);
  const std::vector<std::array<int, 3>> t = {{3, -5, 7}, {0, 0, 0}, {-1, 2, 0}, {40, 0, -40}};
  Structure moved = s;
  for (int i = 0; i < s.n_atoms(); ++i)
    for (int d = 0; d < 3; ++d)
      for (int k = 0; k < 3; ++k) moved.positions[3 * i + d] += t[i % 4][k] * s.cell[3 * k + d];
  NeighborList a, b;
  NeighborBuilder builder;
  builder.build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff, a);
  builder.build(moved.n_atoms(), moved.positions.data(), moved.cell.data(), moved.pbc.data(),
                moved.cutoff, b);
  ASSERT_GT(a.n_edges(), 0);
  std::vector<Edge> expected = list_edges(a, s);
  for (Edge& e : expected)
    for (int k = 0; k < 3; ++k) e.n[k] += t[e.i % 4][k] - t[e.j % 4][k];
  std::vector<Edge> actual = list_edges(b, moved);
  auto by_key = [](const Edge& x, const Edge& y) { return x.key() < y.key(); };
  std::sort(expected.begin(), expected.end(), by_key);
  std::sort(actual.begin(), actual.end(), by_key);
  ASSERT_EQ(expected.size(), actual.size());
  for (std::size_t e = 0; e < expected.size(); ++e) {
    ASSERT_EQ(expected[e].key(), actual[e].key());
    for (int d = 0; d < 3; ++d) EXPECT_NEAR(expected[e].r[d], actual[e].r[d], 1e-10);
  }
}

}  // namespace
}  // namespace equinet::neighbor::testing
