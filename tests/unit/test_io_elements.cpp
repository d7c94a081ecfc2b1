// Element symbol <-> atomic number table.
#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <string>

#include "equinet/potential.hpp"

namespace {

TEST(IoElements, KnownElements) {
  // Spot checks spread over the table (rows 1-7, lanthanides, actinides).
  const std::pair<int, const char*> known[] = {
      {1, "H"},   {2, "He"},  {6, "C"},   {8, "O"},  {14, "Si"},  {26, "Fe"},  {54, "Xe"},
      {57, "La"}, {71, "Lu"}, {79, "Au"}, {92, "U"}, {103, "Lr"}, {104, "Rf"}, {118, "Og"}};
  for (const auto& [z, sym] : known) {
    EXPECT_EQ(equinet::element_symbol(z), sym);
    EXPECT_EQ(equinet::atomic_number_from_symbol(sym), z);
  }
}

TEST(IoElements, AllSymbolsDistinctAndInvertible) {
  std::set<std::string> seen;
  for (int z = 1; z <= 118; ++z) {
    const std::string s = equinet::element_symbol(z);
    ASSERT_FALSE(s.empty()) << z;
    ASSERT_LE(s.size(), 2u) << z;
    EXPECT_TRUE(std::isupper(static_cast<unsigned char>(s[0]))) << s;
    EXPECT_TRUE(seen.insert(s).second) << "duplicate " << s;
    EXPECT_EQ(equinet::atomic_number_from_symbol(s), z);
  }
}

TEST(IoElements, UnknownGivesEmptyOrZero) {
  EXPECT_EQ(equinet::element_symbol(0), "");
  EXPECT_EQ(equinet::element_symbol(-1), "");
  EXPECT_EQ(equinet::element_symbol(119), "");
  EXPECT_EQ(equinet::atomic_number_from_symbol(""), 0);
  EXPECT_EQ(equinet::atomic_number_from_symbol("Xx"), 0);
  EXPECT_EQ(equinet::atomic_number_from_symbol("SI"), 0);  // case-sensitive
  EXPECT_EQ(equinet::atomic_number_from_symbol("Si "), 0);
}

}  // namespace
