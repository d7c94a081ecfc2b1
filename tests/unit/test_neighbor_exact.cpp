// Neighbour lists with counts known by hand: strict cutoff, crystal shells,
// self-images, empty systems, and inputs at the edges of the wrapping.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "unit/neighbor_test_support.hpp"

namespace equinet::neighbor::testing {
namespace {

NeighborList build(const Structure& s) {
  NeighborList list;
  NeighborBuilder().build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff,
                          list);
  return list;
}

Structure simple_cubic(double cutoff) {
  return {
      "simple_cubic", {0.3, -0.2, 0.1}, {2, 0, 0, 0, 2, 0, 0, 0, 2}, {true, true, true}, cutoff};
}

// Neighbours exactly at the cutoff are excluded (|r| < cutoff, strictly).
TEST(NeighborExact, CutoffIsStrict) {
  EXPECT_EQ(build(simple_cubic(2.0)).n_edges(), 0);
  const NeighborList six = build(simple_cubic(std::nextafter(2.0, 3.0)));
  ASSERT_EQ(six.n_edges(), 6);
  const std::vector<Edge> edges = list_edges(six, simple_cubic(2.0));
  // Sorted by image: (-1,0,0), (0,-1,0), (0,0,-1), (0,0,1), (0,1,0), (1,0,0).
  const int expected[6][3] = {{-1, 0, 0}, {0, -1, 0}, {0, 0, -1}, {0, 0, 1}, {0, 1, 0}, {1, 0, 0}};
  for (int e = 0; e < 6; ++e) {
    EXPECT_EQ(edges[e].j, 0);
    for (int k = 0; k < 3; ++k) {
      EXPECT_EQ(edges[e].n[k], expected[e][k]);
      // r = x - (x + S) = -S: exactly -2 n.
      EXPECT_EQ(edges[e].r[k], -2.0 * expected[e][k]);
    }
  }
  EXPECT_EQ(build(simple_cubic(2.0 * std::sqrt(2.0) + 1e-9)).n_edges(), 18);
}

// A lone atom sees only its own images: |n| < 6.5 / 3 for n != 0 gives
// |n|^2 in {1, 2, 3, 4}: 6 + 12 + 8 + 6 = 32.
TEST(NeighborExact, LoneAtomSeesOnlySelfImages) {
  const Structure s{"lone", {-4.0, 7.5, 1.0}, {3, 0, 0, 0, 3, 0, 0, 0, 3}, {true, true, true}, 6.5};
  const NeighborList list = build(s);
  EXPECT_EQ(list.n_edges(), 32);
  for (int sender : list.senders) EXPECT_EQ(sender, 0);
}

// Diamond Si, 2-atom primitive cell (smaller than 2 x cutoff): shells at
// a sqrt(3)/4 (4), a / sqrt(2) (12); the third at a sqrt(11)/4 = 4.503 > 4.5.
TEST(NeighborExact, SiliconPrimitiveCellShells) {
  const double a = 5.43;
  const Structure s{"si",
                    {0.0, 0.0, 0.0, a / 4, a / 4, a / 4},
                    {0, a / 2, a / 2, a / 2, 0, a / 2, a / 2, a / 2, 0},
                    {true, true, true},
                    4.5};
  const NeighborList list = build(s);
  ASSERT_EQ(list.n_edges(), 32);
  EXPECT_EQ(list.offsets[1], 16);
  int nearest = 0;
  for (const Edge& e : list_edges(list, s)) {
    const double r = std::sqrt(e.r[0] * e.r[0] + e.r[1] * e.r[1] + e.r[2] * e.r[2]);
    if (r < 2.5) {
      ++nearest;
      EXPECT_NE(e.i, e.j);
      EXPECT_NEAR(r, a * std::sqrt(3.0) / 4, 1e-12);
    } else {
      EXPECT_NEAR(r, a / std::sqrt(2.0), 1e-12);
    }
  }
  EXPECT_EQ(nearest, 8);
}

TEST(NeighborExact, EmptySystemGivesEmptyList) {
  NeighborBuilder builder;
  NeighborList list;
  const Structure periodic = simple_cubic(2.5);
  builder.build(periodic.n_atoms(), periodic.positions.data(), periodic.cell.data(),
                periodic.pbc.data(), 2.5, list);
  ASSERT_GT(list.n_edges(), 0);
  // Reusing the builder and the list: the old edges must be gone.
  builder.build(0, nullptr, periodic.cell.data(), periodic.pbc.data(), 2.5, list);
  EXPECT_EQ(list.n_atoms, 0);
  EXPECT_EQ(list.offsets, std::vector<int64_t>{0});
  EXPECT_EQ(list.n_edges(), 0);
  EXPECT_TRUE(list.senders.empty());
  EXPECT_TRUE(list.shifts.empty());
  EXPECT_TRUE(list.shift_images.empty());
  builder.build(0, nullptr, nullptr, nullptr, 2.5, list);
  EXPECT_EQ(list.n_edges(), 0);
}

// Rows of non-periodic directions are never read, even when they are NaN.
TEST(NeighborExact, NonPeriodicCellRowsAreIgnored) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Structure zero{"slab",
                 {0.1, 0.2, 0.0, 1.5, 0.3, 1.0, 2.9, 2.5, -1.2, 0.4, 2.2, 0.8},
                 {3, 0, 0, 0.5, 3, 0, 0, 0, 0},
                 {true, true, false},
                 3.2};
  Structure with_nan = zero;
  with_nan.cell[6] = nan;
  with_nan.cell[8] = nan;
  const NeighborList a = build(zero), b = build(with_nan);
  ASSERT_GT(a.n_edges(), 0);
  EXPECT_EQ(a.senders, b.senders);
  EXPECT_EQ(a.shift_images, b.shift_images);
  EXPECT_EQ(a.shifts, b.shifts);
  const std::vector<Edge> expected = brute_force_edges(zero);
  ASSERT_EQ(std::size_t(a.n_edges()), expected.size());
}

// Fractional coordinates just below 0 or 1 wrap to exactly 1.0 in floating
// point; the search must still place them in a valid bin and find all edges.
TEST(NeighborExact, AtomsOnCellFacesAndJustOutside) {
  const Structure s{"faces",
                    {-1e-17, 1.0, 1.0, 2.5, 2.0, 2.0, std::nextafter(5.0, 0.0), 3.0, 4.0, 5.0,
                     -1e-300, 2.5, 0.0, 5.0, -5e-16},
                    {5, 0, 0, 0, 5, 0, 0, 0, 5},
                    {true, true, true},
                    2.6};
  const std::vector<Edge> expected = brute_force_edges(s);
  const std::vector<Edge> actual = list_edges(build(s), s);
  ASSERT_EQ(expected.size(), actual.size());
  for (std::size_t e = 0; e < expected.size(); ++e) EXPECT_EQ(expected[e].key(), actual[e].key());
}

TEST(NeighborExact, FloatEdgeVectorsAreRoundedDoubleVectors) {
  const Structure s = simple_cubic(3.5);
  const NeighborList list = build(s);
  std::vector<double> r64(3 * list.n_edges());
  std::vector<float> r32(3 * list.n_edges());
  compute_edge_vectors(list, s.positions.data(), r64.data());
  compute_edge_vectors(list, s.positions.data(), r32.data());
  for (std::size_t k = 0; k < r64.size(); ++k) EXPECT_EQ(r32[k], float(r64[k]));
}

// Kokkos allocations of the neighbour workspace, counted by label prefix.
int g_allocations = 0;
void count_allocation(const Kokkos_Profiling_SpaceHandle, const char* label, const void*,
                      const uint64_t) {
  if (std::string(label).rfind("eq.", 0) == 0) ++g_allocations;  // our short labels
}

// Rebuilding for the same or a smaller system reuses the workspace.
TEST(NeighborWorkspace, RebuildDoesNotReallocateWhenSizesDoNotGrow) {
  const Structure big{"big", {}, {9, 0, 0, 0, 9, 0, 0, 0, 9}, {true, true, true}, 4.0};
  Structure s = big;
  for (int i = 0; i < 64; ++i)
    for (int d = 0; d < 3; ++d) s.positions.push_back(9.0 * ((i * (d + 3) * 7) % 64) / 64.0 + d);
  Structure smaller = s;
  smaller.positions.resize(3 * 40);
  NeighborBuilder builder;
  NeighborList list;
  Kokkos::Tools::Experimental::set_allocate_data_callback(count_allocation);
  g_allocations = 0;
  builder.build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff, list);
  const int first = g_allocations;
  builder.build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff, list);
  builder.build(smaller.n_atoms(), smaller.positions.data(), smaller.cell.data(),
                smaller.pbc.data(), smaller.cutoff, list);
  const int again = g_allocations - first;
  Kokkos::Tools::Experimental::set_allocate_data_callback(nullptr);
  EXPECT_GT(first, 0) << "allocation callback never fired: the test would prove nothing";
  EXPECT_EQ(again, 0);
  EXPECT_EQ(std::size_t(list.n_edges()), brute_force_edges(smaller).size());
}

}  // namespace
}  // namespace equinet::neighbor::testing
