// Bad input to the neighbour builder: an equinet::Error whose message names
// the culprit (atom, cell vectors, cutoff), never a crash or a silent list.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <optional>
#include <ostream>

#include "equinet/potential.hpp"
#include "unit/neighbor_test_support.hpp"

namespace equinet::neighbor::testing {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct ErrorCase {
  std::string name;
  Structure structure;
  std::vector<std::string> message_parts;         // each must appear in what()
  std::optional<int64_t> n_atoms = std::nullopt;  // overrides structure.n_atoms()
  bool null_positions = false;
  bool null_cell = false;
};

ErrorCase make_case(std::string name, Structure structure, std::vector<std::string> parts) {
  ErrorCase c;
  c.name = std::move(name);
  c.structure = std::move(structure);
  c.message_parts = std::move(parts);
  return c;
}

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

Structure valid_periodic() {
  // 6 atoms, well separated, in a 6 Å cube.
  return {
      "valid",
      {0.5, 0.5, 0.5, 3.1, 0.7, 0.4, 0.6, 3.3, 0.9, 0.2, 0.8, 3.5, 3.4, 3.2, 0.6, 3.0, 3.6, 3.3},
      {6, 0, 0, 0, 6, 0, 0, 0, 6},
      {true, true, true},
      3.0};
}

ErrorCase with_position(std::string name, int atom, int d, double value,
                        std::vector<std::string> parts) {
  ErrorCase c = make_case(std::move(name), valid_periodic(), std::move(parts));
  c.structure.positions[3 * atom + d] = value;
  return c;
}

ErrorCase with_cutoff(std::string name, double cutoff) {
  ErrorCase c = make_case(std::move(name), valid_periodic(), {"cutoff"});
  c.structure.cutoff = cutoff;
  return c;
}

ErrorCase with_cell(std::string name, std::array<double, 9> cell, std::array<bool, 3> pbc,
                    std::vector<std::string> parts) {
  ErrorCase c = make_case(std::move(name), valid_periodic(), std::move(parts));
  c.structure.cell = cell;
  c.structure.pbc = pbc;
  return c;
}

std::vector<ErrorCase> error_cases() {
  std::vector<ErrorCase> c;
  c.push_back(with_position("nan_position", 3, 1, kNaN, {"atom 3", "non-finite"}));
  c.push_back(with_position("inf_position", 5, 2, -kInf, {"atom 5", "non-finite"}));
  c.push_back(with_cutoff("zero_cutoff", 0.0));
  c.push_back(with_cutoff("negative_cutoff", -1.0));
  c.push_back(with_cutoff("nan_cutoff", kNaN));
  c.push_back(with_cutoff("infinite_cutoff", kInf));
  c.push_back(with_cell("zero_periodic_vector", {6, 0, 0, 0, 0, 0, 0, 0, 6}, {true, true, true},
                        {"cell vector 1", "zero length"}));
  c.push_back(with_cell("parallel_periodic_vectors", {3, 0, 0, 0, 6, 0, 6, 0, 0},
                        {true, true, true}, {"vectors 0", "and 2", "linearly dependent"}));
  c.push_back(with_cell("coplanar_cell", {6, 0, 0, 0, 6, 0, 6, 6, 0}, {true, true, true},
                        {"coplanar", "zero volume"}));
  c.push_back(with_cell("slab_parallel_vectors", {6, 0, 0, -3, 0, 0, 0, 0, 6}, {true, true, false},
                        {"vectors 0", "and 1", "linearly dependent"}));
  c.push_back(with_cell("nan_periodic_vector", {6, 0, 0, 0, 6, kNaN, 0, 0, 6}, {false, true, true},
                        {"cell vector 1", "non-finite"}));
  ErrorCase null_cell =
      make_case("periodic_with_null_cell", valid_periodic(), {"cell pointer is null"});
  null_cell.null_cell = true;
  c.push_back(null_cell);
  c.push_back(with_position("coincident_atoms", 4, 0, 0.0, {}));
  for (int d = 0; d < 3; ++d)  // atom 4 onto atom 2
    c.back().structure.positions[3 * 4 + d] = c.back().structure.positions[3 * 2 + d];
  c.back().message_parts = {"atoms 2 and 4", "coincident"};
  // Atom 5 onto atom 1 translated by -a0 + 2 a2 (a non-trivial image).
  c.push_back(with_position("atom_on_image_of_another", 5, 0, 0.0, {"atoms 1 and 5"}));
  {
    auto& x = c.back().structure.positions;
    x[15] = x[3] - 6.0;
    x[16] = x[4];
    x[17] = x[5] + 12.0;
  }
  c.push_back(with_position("coincident_in_open_system", 1, 0, 0.5, {"atoms 0 and 1"}));
  {
    auto& s = c.back().structure;
    s.positions[4] = 0.5;
    s.positions[5] = 0.5 + 1e-9;  // 1e-9 Å apart: below the 1e-8 Å limit
    s.pbc = {false, false, false};
  }
  c.push_back(with_cell("cutoff_far_larger_than_cell", {0.02, 0, 0, 0, 0.02, 0, 0, 0, 0.02},
                        {true, true, true}, {"too large"}));
  c.back().structure.positions.resize(3);
  ErrorCase null_positions =
      make_case("null_positions", valid_periodic(), {"positions pointer is null"});
  null_positions.null_positions = true;
  c.push_back(null_positions);
  ErrorCase negative =
      make_case("negative_atom_count", valid_periodic(), {"negative number of atoms"});
  negative.n_atoms = -2;
  c.push_back(negative);
  ErrorCase far =
      make_case("atom_absurdly_far_outside_cell", valid_periodic(), {"atom 2", "cell lengths"});
  far.structure.positions[7] = 6.0 * 1e12;
  c.push_back(far);
  return c;
}

template <class ExecutionSpace>
void expect_error(const ErrorCase& c) {
  const Structure& s = c.structure;
  BasicNeighborBuilder<ExecutionSpace> builder;
  NeighborList list;
  try {
    builder.build(c.n_atoms.value_or(s.n_atoms()), c.null_positions ? nullptr : s.positions.data(),
                  c.null_cell ? nullptr : s.cell.data(), s.pbc.data(), s.cutoff, list);
    ADD_FAILURE() << "no equinet::Error thrown";
  } catch (const equinet::Error& e) {
    const std::string what = e.what();
    for (const std::string& part : c.message_parts)
      EXPECT_NE(what.find(part), std::string::npos) << "'" << part << "' missing in: " << what;
  }
}

class NeighborErrors : public ::testing::TestWithParam<ErrorCase> {};

// Some errors are found inside kernels (coincident atoms): check every space.
TEST_P(NeighborErrors, ThrowsNamingTheCulprit){
#ifdef KOKKOS_ENABLE_SERIAL
    {SCOPED_TRACE("Serial");
expect_error<Kokkos::Serial>(GetParam());
}
#endif
#ifdef KOKKOS_ENABLE_OPENMP
{
  SCOPED_TRACE("OpenMP");
  expect_error<Kokkos::OpenMP>(GetParam());
}
#endif
}  // namespace equinet::neighbor::testing

INSTANTIATE_TEST_SUITE_P(BadInput, NeighborErrors, ::testing::ValuesIn(error_cases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) {
                           return info.param.name;
                         });

// The builder stays usable after an error.
TEST(NeighborErrorsRecovery, BuilderWorksAfterAnError) {
  NeighborBuilder builder;
  NeighborList list;
  Structure bad = valid_periodic();
  bad.positions[0] = kNaN;
  EXPECT_THROW(builder.build(bad.n_atoms(), bad.positions.data(), bad.cell.data(), bad.pbc.data(),
                             bad.cutoff, list),
               equinet::Error);
  const Structure good = valid_periodic();
  builder.build(good.n_atoms(), good.positions.data(), good.cell.data(), good.pbc.data(),
                good.cutoff, list);
  EXPECT_EQ(std::size_t(list.n_edges()), brute_force_edges(good).size());
}

}  // namespace
}  // namespace equinet::neighbor::testing
