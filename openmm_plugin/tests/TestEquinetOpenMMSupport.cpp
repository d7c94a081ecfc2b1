// Platform-independent pieces of the OpenMM plugin: unit constants and the
// base64 coding that embeds models in serialized Systems.
#include <gtest/gtest.h>
#include <openmm/OpenMMException.h>

#include <random>
#include <string>

#include "Base64.h"
#include "EquinetUnits.h"

using namespace EquinetPlugin;

TEST(EquinetUnits, ExactConstants) {
  // CODATA 2018 exact values: e = 1.602176634e-19 C, N_A = 6.02214076e23 /mol.
  EXPECT_NEAR(kKJPerMolPerEv, 1.602176634e-19 * 6.02214076e23 / 1000.0, 1e-13);
  EXPECT_EQ(kAngstromPerNm, 10.0);
  EXPECT_EQ(kKJPerMolNmPerEvAngstrom, kKJPerMolPerEv * 10.0);
}

TEST(Base64, KnownVectorsFromRfc4648) {
  const std::pair<std::string, std::string> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, text] : cases) {
    EXPECT_EQ(base64Encode(bytes), text);
    EXPECT_EQ(base64Decode(text), bytes);
  }
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::mt19937 random(3);
  for (size_t length : {1, 2, 3, 255, 256, 1000, 1001}) {
    std::string bytes(length, '\0');
    for (char& c : bytes) c = static_cast<char>(random() & 255);
    EXPECT_EQ(base64Decode(base64Encode(bytes)), bytes) << "length " << length;
  }
}

TEST(Base64, RejectsMalformedText) {
  EXPECT_THROW(base64Decode("abc"), OpenMM::OpenMMException);
  EXPECT_THROW(base64Decode("ab!d"), OpenMM::OpenMMException);
  EXPECT_THROW(base64Decode("a==="), OpenMM::OpenMMException);
}
