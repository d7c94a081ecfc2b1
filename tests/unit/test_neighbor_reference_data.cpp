// Edge counts of the MACE reference structures (n_edges, as mace-torch's
// own neighbour list found them) and the full edge sets against brute force.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "unit/neighbor_test_support.hpp"

namespace equinet::neighbor::testing {
namespace {

struct ReferenceFile {
  std::string file;  // under testdata/mace/
  double cutoff;     // the model's r_max
};

class NeighborReferenceData : public ::testing::TestWithParam<ReferenceFile> {};

TEST_P(NeighborReferenceData, EdgeCountsMatchMace) {
  const std::filesystem::path path =
      std::filesystem::path(EQUINET_SHARED_DIR) / "testdata" / "mace" / GetParam().file;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " absent (no shared/ data)";
  std::ifstream in(path);
  const nlohmann::json structures = nlohmann::json::parse(in);
  ASSERT_FALSE(structures.empty());
  NeighborBuilder builder;  // reused across structures on purpose
  for (const auto& entry : structures) {
    const std::string name = entry.at("name").get<std::string>();
    SCOPED_TRACE(name);
    Structure s{name, {}, {}, {}, GetParam().cutoff};
    for (const auto& row : entry.at("positions"))
      for (int d = 0; d < 3; ++d) s.positions.push_back(row.at(d).get<double>());
    for (int k = 0; k < 3; ++k) {
      for (int d = 0; d < 3; ++d) s.cell[3 * k + d] = entry.at("cell").at(k).at(d).get<double>();
      s.pbc[k] = entry.at("pbc").at(k).get<bool>();
    }
    NeighborList list;
    builder.build(s.n_atoms(), s.positions.data(), s.cell.data(), s.pbc.data(), s.cutoff, list);
    EXPECT_EQ(list.n_edges(), entry.at("n_edges").get<int64_t>());

    const std::vector<Edge> expected = brute_force_edges(s);
    const std::vector<Edge> actual = list_edges(list, s);
    ASSERT_EQ(expected.size(), actual.size());
    for (std::size_t e = 0; e < expected.size(); ++e) {
      ASSERT_EQ(expected[e].key(), actual[e].key()) << "edge " << e;
      for (int d = 0; d < 3; ++d) EXPECT_NEAR(expected[e].r[d], actual[e].r[d], 1e-12);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Mace, NeighborReferenceData,
                         ::testing::Values(ReferenceFile{"small_ref.json", 4.0},
                                           ReferenceFile{"periodic_ref.json", 4.5}),
                         [](const ::testing::TestParamInfo<ReferenceFile>& info) {
                           return info.param.file.substr(0, info.param.file.find('_'));
                         });

}  // namespace
}  // namespace equinet::neighbor::testing
