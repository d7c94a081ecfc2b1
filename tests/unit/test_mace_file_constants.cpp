// The MACE files carry some of the coupling coefficients mace-torch used
// (`*._w3j_l1_l2_l3`); ours must equal them.
#include <gtest/gtest.h>

#include <regex>

#include "equinet/io/safetensors.hpp"
#include "equinet/so3/wigner_3j.hpp"
#include "support/reference_data.hpp"

TEST(MaceFileConstants, Wigner3jBlocksMatchOurs) {
  EQUINET_REQUIRE_SHARED();
  int checked = 0;
  for (const char* model : {"small", "periodic"}) {
    const auto f = equinet::io::SafetensorsFile::open(equinet::testing::shared_dir() +
                                                      "/testdata/mace/" + model + ".safetensors");
    const std::regex pattern(R"(_w3j_(\d+)_(\d+)_(\d+)$)");
    for (const auto& key : f.keys()) {
      std::smatch m;
      if (!std::regex_search(key, m, pattern)) continue;
      const int l1 = std::stoi(m[1]), l2 = std::stoi(m[2]), l3 = std::stoi(m[3]);
      const auto theirs = f.read_f64(key, {2 * l1 + 1, 2 * l2 + 1, 2 * l3 + 1});
      const auto& ours = equinet::so3::wigner_3j(l1, l2, l3);
      for (size_t i = 0; i < ours.size(); ++i)
        EXPECT_NEAR(ours[i], theirs[i], 1e-14) << key << " element " << i;
      ++checked;
    }
  }
  EXPECT_GT(checked, 0);
}
