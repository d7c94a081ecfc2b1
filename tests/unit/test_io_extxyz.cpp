// Tests of the extended XYZ reader/writer: the MACE reference structures
// against their JSON twins, exact round trips, ASE syntax variants, errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "equinet/io/extxyz.hpp"
#include "equinet/potential.hpp"
#include "support/error_of.hpp"

namespace {

using equinet::Error;
using equinet::io::ColumnType;
using equinet::io::Frame;
using equinet::io::InfoValue;
using equinet::io::PerAtomArray;

namespace fs = std::filesystem;

std::vector<Frame> read_string(const std::string& text, const std::string& label = "mem.xyz") {
  std::istringstream in(text);
  return equinet::io::read_extxyz(in, label);
}

using equinet::testing::error_of;

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof(double)) == 0; }

// ---------------------------------------------------------------- reference data

// The extxyz files hold the JSON values rounded to 8 decimals.
void compare_with_json(const std::string& name) {
  const std::string dir = std::string(EQUINET_SHARED_DIR) + "/testdata/mace/";
  const std::string xyz = dir + name + "_ref.extxyz";
  const std::string js = dir + name + "_ref.json";
  if (!fs::exists(xyz) || !fs::exists(js)) GTEST_SKIP() << xyz << " not present";
  const auto frames = equinet::io::read_extxyz(xyz);
  std::ifstream in(js);
  const auto ref = nlohmann::json::parse(in);
  ASSERT_EQ(frames.size(), ref.size());
  const double tol = 1e-8;
  for (std::size_t f = 0; f < frames.size(); ++f) {
    const Frame& fr = frames[f];
    const auto& r = ref[f];
    SCOPED_TRACE(r["name"].get<std::string>());
    EXPECT_EQ(fr.info.at("name").text, r["name"].get<std::string>());
    EXPECT_EQ(fr.numbers, r["numbers"].get<std::vector<int>>());
    const int64_t n = fr.size();
    ASSERT_EQ(n, static_cast<int64_t>(r["numbers"].size()));
    for (int64_t a = 0; a < n; ++a) {
      EXPECT_EQ(fr.symbols[a], equinet::element_symbol(fr.numbers[a]));
      for (int k = 0; k < 3; ++k) {
        EXPECT_NEAR(fr.positions[3 * a + k], r["positions"][a][k].get<double>(), tol);
        EXPECT_NEAR(fr.arrays.at("forces").values[3 * a + k], r["forces"][a][k].get<double>(), tol);
      }
      EXPECT_NEAR(fr.arrays.at("node_energy").values[a], r["node_energy"][a].get<double>(), tol);
    }
    const bool periodic = r["pbc"][0].get<bool>();
    EXPECT_EQ(fr.has_cell, periodic);
    for (int k = 0; k < 3; ++k) {
      EXPECT_EQ(fr.pbc[k], r["pbc"][k].get<bool>());
      for (int l = 0; l < 3; ++l)
        EXPECT_NEAR(fr.cell[3 * k + l], r["cell"][k][l].get<double>(), tol);  // rows = vectors
    }
    EXPECT_EQ(fr.info.at("energy").kind, InfoValue::Kind::Real);
    EXPECT_NEAR(fr.info.at("energy").as_real(), r["energy"].get<double>(), tol);
    EXPECT_EQ(fr.info.at("n_edges").kind, InfoValue::Kind::Int);
    EXPECT_EQ(fr.info.at("n_edges").as_real(), r["n_edges"].get<double>());
    const auto& virial = fr.info.at("virial");
    EXPECT_EQ(virial.kind, InfoValue::Kind::RealArray);
    ASSERT_EQ(virial.values.size(), 9u);
    for (int k = 0; k < 3; ++k)
      for (int l = 0; l < 3; ++l)  // ASE writes 3x3 column-major
        EXPECT_NEAR(virial.values[3 * l + k], r["virial"][k][l].get<double>(), tol);
    if (periodic) {
      const auto& stress = fr.info.at("stress").values;
      for (int k = 0; k < 9; ++k)
        EXPECT_NEAR(stress[k], r["stress"][k % 3][k / 3].get<double>(), tol);
    }
  }
}

TEST(IoExtxyz, SmallReferenceMatchesJson) { compare_with_json("small"); }
TEST(IoExtxyz, PeriodicReferenceMatchesJson) { compare_with_json("periodic"); }

// The training sets: frame counts and contents as their READMEs describe.
TEST(IoExtxyz, ReadsDatasets) {
  const std::string dir = std::string(EQUINET_SHARED_DIR) + "/datasets/";
  if (!fs::exists(dir + "si-sw-mace/train.extxyz")) GTEST_SKIP() << dir << " not present";
  const std::pair<const char*, std::size_t> counts[] = {
      {"si-sw-mace/train", 480},      {"si-sw-mace/valid", 60},
      {"si-sw-mace/test", 60},        {"ethanol-xtb-mace/train", 640},
      {"ethanol-xtb-mace/valid", 80}, {"ethanol-xtb-mace/test", 80}};
  for (const auto& [name, count] : counts) {
    SCOPED_TRACE(name);
    const auto frames = equinet::io::read_extxyz(dir + name + ".extxyz");
    ASSERT_EQ(frames.size(), count);
    const bool si = std::string(name).rfind("si-", 0) == 0;
    for (const Frame& f : frames) {
      EXPECT_EQ(f.info.at("energy").kind, InfoValue::Kind::Real);
      EXPECT_EQ(f.arrays.at("forces").values.size(), 3 * std::size_t(f.size()));
      if (si) {  // 64 Si in a periodic cell, with a 3x3 stress
        EXPECT_EQ(f.numbers, std::vector<int>(64, 14));
        EXPECT_TRUE(f.has_cell && f.pbc[0] && f.pbc[1] && f.pbc[2]);
        EXPECT_EQ(f.info.at("stress").values.size(), 9u);
        EXPECT_EQ(f.info.count("applied_strain"), f.info.at("config_type").text == "strained");
      } else {  // ethanol, atom order C C O H H H H H H, not periodic
        EXPECT_EQ(f.numbers, (std::vector<int>{6, 6, 8, 1, 1, 1, 1, 1, 1}));
        EXPECT_FALSE(f.has_cell || f.pbc[0]);
      }
    }
  }
}

// ---------------------------------------------------------------- round trip

std::vector<Frame> random_frames() {
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> u(-20.0, 20.0);
  std::vector<Frame> frames;
  for (int f = 0; f < 3; ++f) {
    Frame fr;
    const int n = 5 + 4 * f;
    for (int a = 0; a < n; ++a) {
      fr.numbers.push_back(1 + static_cast<int>(rng() % 118));
      for (int k = 0; k < 3; ++k) fr.positions.push_back(u(rng));
    }
    // Values that stress the formatting: signed zero, subnormal, huge,
    // integral reals (must stay reals), one-ulp neighbours.
    fr.positions[0] = -0.0;
    fr.positions[1] = 4.9e-324;
    fr.positions[2] = std::nextafter(0.1, 1.0);
    fr.positions[3] = 2.0;
    fr.positions[4] = -1.7976931348623157e308;
    fr.has_cell = f != 0;
    if (fr.has_cell)
      for (double& c : fr.cell) c = u(rng);
    fr.pbc[0] = fr.has_cell;
    fr.pbc[2] = fr.has_cell && f == 2;
    PerAtomArray forces, charge, fixed, tag;
    forces.ncols = 3;
    charge.type = ColumnType::Int;
    fixed.type = ColumnType::Bool;
    fixed.ncols = 2;
    tag.type = ColumnType::String;
    for (int a = 0; a < n; ++a) {
      for (int k = 0; k < 3; ++k) forces.values.push_back(u(rng) * 1e-7);
      charge.values.push_back(static_cast<double>(static_cast<int>(rng() % 7) - 3));
      fixed.values.push_back(rng() % 2);
      fixed.values.push_back(rng() % 2);
      tag.strings.push_back("t" + std::to_string(a));
    }
    fr.arrays["forces"] = forces;
    fr.arrays["charge"] = charge;
    fr.arrays["fixed"] = fixed;
    fr.arrays["tag"] = tag;
    fr.info["energy"] = InfoValue::real(u(rng) * 1e3);
    fr.info["whole"] = InfoValue::real(-3.0);
    fr.info["step"] = InfoValue::integer(-123456789012345);
    fr.info["converged"] = InfoValue::boolean(f % 2 == 0);
    fr.info["name"] = InfoValue::string("a \"quoted\" name with spaces and \\ backslash");
    fr.info["empty"] = InfoValue::string("");
    fr.info["virial"] = InfoValue::real_array({1, 2.5, 3, 4, 5, 6, 7, 8, 0.1});
    fr.info["dims"] = InfoValue::int_array({1, 2, 3});
    fr.info["mask"] = InfoValue::bool_array({true, false, true});
    frames.push_back(fr);
  }
  return frames;
}

void expect_same(const Frame& a, const Frame& b) {
  ASSERT_EQ(a.positions.size(), b.positions.size());
  for (std::size_t i = 0; i < a.positions.size(); ++i)
    EXPECT_TRUE(same_bits(a.positions[i], b.positions[i]))
        << i << ": " << a.positions[i] << " vs " << b.positions[i];
  EXPECT_EQ(a.numbers, b.numbers);
  EXPECT_EQ(a.has_cell, b.has_cell);
  for (int k = 0; k < 9; ++k) EXPECT_TRUE(same_bits(a.cell[k], b.cell[k]));
  for (int k = 0; k < 3; ++k) EXPECT_EQ(a.pbc[k], b.pbc[k]);
  ASSERT_EQ(a.info.size(), b.info.size());
  for (const auto& [key, v] : a.info) {
    SCOPED_TRACE(key);
    const InfoValue& w = b.info.at(key);
    EXPECT_EQ(v.kind, w.kind);
    EXPECT_EQ(v.text, w.text);
    ASSERT_EQ(v.values.size(), w.values.size());
    for (std::size_t i = 0; i < v.values.size(); ++i)
      EXPECT_TRUE(same_bits(v.values[i], w.values[i]));
  }
  ASSERT_EQ(a.arrays.size(), b.arrays.size());
  for (const auto& [name, arr] : a.arrays) {
    SCOPED_TRACE(name);
    const PerAtomArray& other = b.arrays.at(name);
    EXPECT_EQ(arr.type, other.type);
    EXPECT_EQ(arr.ncols, other.ncols);
    EXPECT_EQ(arr.strings, other.strings);
    ASSERT_EQ(arr.values.size(), other.values.size());
    for (std::size_t i = 0; i < arr.values.size(); ++i)
      EXPECT_TRUE(same_bits(arr.values[i], other.values[i]));
  }
}

TEST(IoExtxyz, RoundTripIsExact) {
  const auto frames = random_frames();
  std::ostringstream out;
  equinet::io::write_extxyz(out, frames);
  const auto back = read_string(out.str());
  ASSERT_EQ(back.size(), frames.size());
  for (std::size_t f = 0; f < frames.size(); ++f) {
    SCOPED_TRACE(f);
    expect_same(frames[f], back[f]);
    for (int64_t a = 0; a < back[f].size(); ++a)
      EXPECT_EQ(back[f].symbols[a], equinet::element_symbol(frames[f].numbers[a]));
  }
  // Writing what was read gives the same text.
  std::ostringstream again;
  equinet::io::write_extxyz(again, back);
  EXPECT_EQ(again.str(), out.str());
}

TEST(IoExtxyz, RoundTripThroughFile) {
  const auto frames = random_frames();
  const fs::path path =
      fs::temp_directory_path() / ("equinet_test_io_extxyz_" + std::to_string(getpid()) + ".xyz");
  equinet::io::write_extxyz(path.string(), frames);
  const auto back = equinet::io::read_extxyz(path.string());
  fs::remove(path);
  ASSERT_EQ(back.size(), frames.size());
  for (std::size_t f = 0; f < frames.size(); ++f) expect_same(frames[f], back[f]);
}

// ---------------------------------------------------------------- ASE syntax

TEST(IoExtxyz, AseSyntaxVariants) {
  const std::string text =
      "2\r\n"
      "Lattice=\"4 0 0 0 5 0 0 0 6\" Properties=species:S:1:pos:R:3:Z:I:1 flag "
      "list={1, 2, 3} mixed=\"1 a\" quoted_num=\"7\" spaced = 3.5 b=F\r\n"
      "si 0 0 0 14\r\n"
      "O 1e-1 +2 -3.5 8\r\n"
      "\n"
      "1\n"
      "\n"
      "H 1.5 2.5 3.5\n"
      "1\n"
      "Properties=pos:R:3:Z:I:1 pbc=F\n"
      "0.0 0.0 0.0 26\n";
  const auto frames = read_string(text);
  ASSERT_EQ(frames.size(), 3u);
  const Frame& a = frames[0];
  EXPECT_EQ(a.symbols, (std::vector<std::string>{"Si", "O"}));  // capitalised as ASE
  EXPECT_EQ(a.numbers, (std::vector<int>{14, 8}));
  EXPECT_EQ(a.positions, (std::vector<double>{0, 0, 0, 0.1, 2, -3.5}));
  EXPECT_TRUE(a.has_cell);
  EXPECT_EQ(a.cell[4], 5.0);
  EXPECT_TRUE(a.pbc[0] && a.pbc[1] && a.pbc[2]);  // default with a Lattice
  EXPECT_EQ(a.arrays.count("Z"), 0u);
  EXPECT_EQ(a.info.at("flag").kind, InfoValue::Kind::Bool);
  EXPECT_EQ(a.info.at("flag").as_real(), 1.0);
  EXPECT_EQ(a.info.at("b").kind, InfoValue::Kind::Bool);
  EXPECT_EQ(a.info.at("b").as_real(), 0.0);
  EXPECT_EQ(a.info.at("list").kind, InfoValue::Kind::IntArray);
  EXPECT_EQ(a.info.at("list").values, (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(a.info.at("mixed").kind, InfoValue::Kind::String);
  EXPECT_EQ(a.info.at("mixed").text, "1 a");
  EXPECT_EQ(a.info.at("quoted_num").kind, InfoValue::Kind::Int);  // as ASE
  EXPECT_EQ(a.info.at("spaced").as_real(), 3.5);
  // Plain XYZ: empty comment line.
  EXPECT_EQ(frames[1].symbols, (std::vector<std::string>{"H"}));
  EXPECT_FALSE(frames[1].has_cell);
  EXPECT_FALSE(frames[1].pbc[0]);
  EXPECT_TRUE(frames[1].info.empty());
  // Species from Z alone.
  EXPECT_EQ(frames[2].numbers, (std::vector<int>{26}));
  EXPECT_EQ(frames[2].symbols, (std::vector<std::string>{"Fe"}));
}

// ---------------------------------------------------------------- errors

struct BadInput {
  std::string name;
  std::string text;
  int line;           // line the message must name
  std::string token;  // offending token the message must quote
};

std::ostream& operator<<(std::ostream& os, const BadInput& b) { return os << b.name; }

const std::string kHeader = "Properties=species:S:1:pos:R:3:forces:R:3\n";

std::vector<BadInput> bad_inputs() {
  return {
      {"count_not_integer", "two\n\nH 0 0 0\n", 1, "two"},
      {"count_negative", "-1\n\n", 1, "-1"},
      {"too_few_atoms", "3\n" + kHeader + "H 0 0 0 0 0 0\nH 1 0 0 0 0 0\n", 4, "3 atoms"},
      {"too_many_atoms", "1\n" + kHeader + "H 0 0 0 0 0 0\nH 1 0 0 0 0 0\n", 4, "H 1 0 0 0 0 0"},
      {"bad_real", "2\n" + kHeader + "H 0 0 0 0 0 0\nH 1 0 0 0 0.3.4 0\n", 4, "0.3.4"},
      {"bad_int", "1\nProperties=species:S:1:pos:R:3:q:I:1\nH 0 0 0 1.5\n", 3, "1.5"},
      {"bad_logical", "1\nProperties=species:S:1:pos:R:3:m:L:1\nH 0 0 0 yes\n", 3, "yes"},
      {"too_few_columns", "1\n" + kHeader + "H 0 0 0 0 0\n", 3, "H 0 0 0 0 0"},
      {"too_many_columns", "1\n" + kHeader + "H 0 0 0 0 0 0 7\n", 3, "H 0 0 0 0 0 0 7"},
      {"properties_not_triples", "1\nProperties=species:S:1:pos:R\nH 0 0 0\n", 2, "5 fields"},
      {"properties_bad_type", "1\nProperties=species:S:1:pos:X:3\nH 0 0 0\n", 2, "'X'"},
      {"properties_bad_ncols", "1\nProperties=species:S:1:pos:R:3:f:R:0\nH 0 0 0\n", 2, "'0'"},
      {"properties_no_pos", "1\nProperties=species:S:1:x:R:3\nH 0 0 0\n", 2, "no pos:R:3"},
      {"properties_pos_2_cols", "1\nProperties=species:S:1:pos:R:2\nH 0 0\n", 2, "pos:R:3"},
      {"properties_no_species", "1\nProperties=pos:R:3\n0 0 0\n", 2, "species:S:1"},
      {"properties_duplicate", "1\nProperties=species:S:1:pos:R:3:pos:R:3\nH 0 0 0 0 0 0\n", 2,
       "'pos'"},
      {"unknown_element", "2\n\nH 0 0 0\nXx 1 1 1\n", 4, "'Xx'"},
      {"unknown_z", "1\nProperties=Z:I:1:pos:R:3\n0 0 0 0\n", 3, "'0'"},
      {"species_z_disagree", "1\nProperties=species:S:1:pos:R:3:Z:I:1\nH 0 0 0 8\n", 3, "'H'"},
      {"unterminated_quote", "1\nname=\"abc pbc=T\nH 0 0 0\n", 2, "\"abc pbc=T"},
      {"lattice_8_numbers", "1\nLattice=\"1 0 0 0 1 0 0 0\"\nH 0 0 0\n", 2, "1 0 0 0 1 0 0 0"},
      {"lattice_bad_number", "1\nLattice=\"1 0 0 0 1 0 0 0 z\"\nH 0 0 0\n", 2, "'z'"},
      {"pbc_bad", "1\nLattice=\"1 0 0 0 1 0 0 0 1\" pbc=\"T Q T\"\nH 0 0 0\n", 2, "'Q'"},
      {"pbc_without_lattice", "1\npbc=\"T T T\"\nH 0 0 0\n", 2, "without a Lattice: pbc 'T T T'"},
      {"duplicate_info_key", "1\na=1 a=2\nH 0 0 0\n", 2, "'a'"},
      {"duplicate_lattice",
       "1\nLattice=\"1 0 0 0 1 0 0 0 1\" Lattice=\"2 0 0 0 2 0 0 0 2\"\nH 0 0 0\n", 2,
       "duplicate key 'Lattice'"},
      {"missing_comment_line", "1\n", 1, "comment line"},
  };
}

class IoExtxyzBad : public ::testing::TestWithParam<BadInput> {};

TEST_P(IoExtxyzBad, ErrorNamesFileLineAndToken) {
  const BadInput& b = GetParam();
  const std::string msg = error_of([&] { read_string(b.text, "bad.xyz"); });
  ASSERT_FALSE(msg.empty()) << "no error for " << b.name;
  EXPECT_EQ(msg.rfind("bad.xyz:" + std::to_string(b.line) + ": ", 0), 0u) << msg;
  EXPECT_NE(msg.find(b.token), std::string::npos) << msg;
  RecordProperty("message", msg);
}

INSTANTIATE_TEST_SUITE_P(AllDefects, IoExtxyzBad, ::testing::ValuesIn(bad_inputs()),
                         [](const auto& info) { return info.param.name; });

TEST(IoExtxyz, MissingFileNamesPath) {
  const std::string path = "/nonexistent-dir/equinet.xyz";
  const std::string msg = error_of([&] { equinet::io::read_extxyz(path); });
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;
}

TEST(IoExtxyz, WriterRejectsInconsistentFrames) {
  Frame good;
  good.positions = {0, 0, 0, 1, 1, 1};
  good.numbers = {1, 8};
  std::ostringstream ok;
  equinet::io::write_extxyz(ok, {good});

  struct Case {
    std::string name, fragment;
    std::function<void(Frame&)> spoil;
  };
  const std::vector<Case> cases = {
      {"positions", "not n x 3", [](Frame& f) { f.positions.push_back(1); }},
      {"numbers", "1 numbers for 2 atoms", [](Frame& f) { f.numbers.pop_back(); }},
      {"element", "unknown element 119", [](Frame& f) { f.numbers[1] = 119; }},
      {"disagree", "disagrees",
       [](Frame& f) {
         f.symbols = {"H", "N"};
       }},
      {"array_size", "'forces' has 3 values",
       [](Frame& f) {
         f.arrays["forces"] = PerAtomArray{ColumnType::Real, 3, {1, 2, 3}, {}};
       }},
      {"array_name", "invalid per-atom array name",
       [](Frame& f) {
         f.arrays["a:b"] = PerAtomArray{ColumnType::Real, 1, {1, 2}, {}};
       }},
      {"int_array", "non-integer 0.5",
       [](Frame& f) {
         f.arrays["q"] = PerAtomArray{ColumnType::Int, 1, {1, 0.5}, {}};
       }},
      {"info_key", "invalid info key 'a b'",
       [](Frame& f) { f.info["a b"] = InfoValue::integer(1); }},
      {"pbc", "no cell", [](Frame& f) { f.pbc[1] = true; }},
  };
  for (const auto& c : cases) {
    Frame bad = good;
    c.spoil(bad);
    std::ostringstream out;
    const std::string msg = error_of([&] { equinet::io::write_extxyz(out, {good, bad}); });
    EXPECT_NE(msg.find("frame 1"), std::string::npos) << c.name << ": " << msg;
    EXPECT_NE(msg.find(c.fragment), std::string::npos) << c.name << ": " << msg;
    EXPECT_TRUE(out.str().empty()) << c.name << ": partial output";
  }
}

}  // namespace
