// The reused (Verlet) neighbour list must equal a fresh build edge for edge
// while atoms move within skin/2, rebuild when they move further or the
// cell changes, and report bad input like the builder does.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "equinet/neighbor/verlet_list.hpp"
#include "equinet/potential.hpp"
#include "unit/neighbor_test_support.hpp"

namespace equinet::neighbor {
namespace {

using testing::Structure;

// A rattled 3x3x3 simple-cubic-like box of 54 atoms (two per cell).
Structure rattled_box(unsigned seed) {
  Structure s{"box", {}, {8.1, 0, 0, 0.4, 8.1, 0, -0.3, 0.2, 8.1}, {true, true, true}, 4.5};
  std::mt19937 rng(seed);
  std::normal_distribution<double> g(0.0, 0.1);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 3; ++k)
        for (int b = 0; b < 2; ++b) {
          s.positions.push_back(2.7 * i + 1.35 * b + g(rng));
          s.positions.push_back(2.7 * j + 1.35 * b + g(rng));
          s.positions.push_back(2.7 * k + 1.35 * b + g(rng));
        }
  return s;
}

void expect_same_list(const NeighborList& a, const NeighborList& b, const std::string& what) {
  ASSERT_EQ(a.n_atoms, b.n_atoms) << what;
  ASSERT_EQ(a.offsets, b.offsets) << what;
  ASSERT_EQ(a.senders, b.senders) << what;
  ASSERT_EQ(a.shift_images, b.shift_images) << what;
  ASSERT_EQ(a.shifts, b.shifts) << what;
}

void build_fresh(const Structure& s, NeighborList& out) {
  NeighborBuilder builder;
  builder.build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff, out);
}

void update(VerletNeighborList& v, const Structure& s, NeighborList& out) {
  v.update(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff, out);
}

TEST(NeighborVerlet, SmallMovesReuseAndEqualFreshBuilds) {
  Structure s = rattled_box(3);
  VerletNeighborList verlet(1.0);
  std::mt19937 rng(11);
  std::normal_distribution<double> step(0.0, 0.03);
  NeighborList reused, fresh;
  for (int k = 0; k < 40; ++k) {
    update(verlet, s, reused);
    build_fresh(s, fresh);
    expect_same_list(reused, fresh, "step " + std::to_string(k));
    for (double& x : s.positions) x += step(rng);
  }
  // 40 steps of 0.03 Å per coordinate: some atom passes 0.5 Å, so the list
  // was rebuilt, but far less often than every step.
  EXPECT_GT(verlet.builds(), 1);
  EXPECT_LT(verlet.builds(), 20);
}

TEST(NeighborVerlet, MovesBeyondHalfTheSkinRebuild) {
  Structure s = rattled_box(4);
  VerletNeighborList verlet(1.0);
  NeighborList out, fresh;
  update(verlet, s, out);
  s.positions[3 * 7 + 1] += 0.49;
  update(verlet, s, out);
  EXPECT_EQ(verlet.builds(), 1);
  s.positions[3 * 7 + 1] += 0.02;  // now 0.51 Å from where it was
  update(verlet, s, out);
  EXPECT_EQ(verlet.builds(), 2);
  build_fresh(s, fresh);
  expect_same_list(out, fresh, "after the rebuild");
}

TEST(NeighborVerlet, CellPeriodicityCutoffOrSizeChangesRebuild) {
  Structure s = rattled_box(5);
  VerletNeighborList verlet(1.0);
  NeighborList out, fresh;
  update(verlet, s, out);
  Structure strained = s;
  strained.cell[0] += 1e-9;
  update(verlet, strained, out);
  EXPECT_EQ(verlet.builds(), 2);
  Structure open = strained;
  open.pbc[2] = false;
  update(verlet, open, out);
  EXPECT_EQ(verlet.builds(), 3);
  build_fresh(open, fresh);
  expect_same_list(out, fresh, "slab");
  Structure longer = open;
  longer.cutoff = 5.0;
  update(verlet, longer, out);
  EXPECT_EQ(verlet.builds(), 4);
  Structure fewer = longer;
  fewer.positions.resize(fewer.positions.size() - 3);
  update(verlet, fewer, out);
  EXPECT_EQ(verlet.builds(), 5);
  build_fresh(fewer, fresh);
  expect_same_list(out, fresh, "one atom fewer");
}

TEST(NeighborVerlet, ZeroSkinBuildsEveryTime) {
  const Structure s = rattled_box(6);
  VerletNeighborList verlet(0.0);
  NeighborList out, fresh;
  update(verlet, s, out);
  update(verlet, s, out);
  build_fresh(s, fresh);
  expect_same_list(out, fresh, "skin 0");
  EXPECT_THROW(VerletNeighborList(-1.0), Error);
}

TEST(NeighborVerlet, BadInputOnTheReusePathIsReported) {
  Structure s = rattled_box(7);
  const double offset[3] = {0.5, 0.3, 0.2};  // atom 1 starts 0.62 Å from atom 0
  for (int d = 0; d < 3; ++d) s.positions[3 + d] = s.positions[d] + offset[d];
  VerletNeighborList verlet(1.0);
  NeighborList out;
  update(verlet, s, out);
  // an atom moved onto its neighbour by less than skin/2: the list could be
  // reused, but the coincidence is still an error naming both atoms
  Structure near = s;
  const double gap[3] = {s.positions[3] - s.positions[0], s.positions[4] - s.positions[1],
                         s.positions[5] - s.positions[2]};
  // move atoms 0 and 1 onto their midpoint (each by 0.31 Å < skin/2)
  for (int d = 0; d < 3; ++d) {
    near.positions[d] += gap[d] / 2;
    near.positions[3 + d] -= gap[d] / 2;
  }
  try {
    update(verlet, near, out);
    FAIL() << "coincident atoms were accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("atoms 0 and 1"), std::string::npos) << e.what();
  }
  Structure nan = s;
  nan.positions[3 * 5 + 2] = std::nan("");
  EXPECT_THROW(update(verlet, nan, out), Error);
  // and a good structure afterwards works again
  NeighborList fresh;
  update(verlet, s, out);
  build_fresh(s, fresh);
  expect_same_list(out, fresh, "recovered");
}

}  // namespace
}  // namespace equinet::neighbor
