// The tensor products' kernels in every instruction-set variant this machine
// can run (equinet::available_isas()) give the generic kernels' results,
// forward and reverse, float and double; the channel counts cover partial
// channel blocks of every vector width. The isa argument is honoured and a
// bad one is an error naming it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "equinet/potential.hpp"
#include "equinet/tp/cg_product.hpp"
#include "equinet/tp/grid_product.hpp"
#include "equinet/tp/many_body_product.hpp"
#include "support/error_of.hpp"
#include "support/tp_inputs.hpp"

using namespace equinet;
using namespace equinet::tp;
using equinet::testing::error_of;
using equinet::testing::random_vector;
using equinet::testing::sh_irreps;
using so3::Irreps;

namespace {

// max |a - b| / max(1, max |b|)
template <typename T>
double rel_diff(const std::vector<T>& a, const std::vector<T>& b) {
  double d = 0, m = 1;
  for (size_t i = 0; i < a.size(); ++i) {
    d = std::max(d, std::abs(double(a[i]) - double(b[i])));
    m = std::max(m, std::abs(double(b[i])));
  }
  return d / m;
}

template <typename T>
double tolerance() {
  return std::is_same<T, double>::value ? 1e-12 : 2e-5;
}

// Every output of forward and reverse, for one product built in one variant.
template <typename T>
std::vector<std::vector<T>> outputs(const std::string& kind, const std::string& isa, int L, int C) {
  const int rows = 7;
  const Irreps in = sh_irreps(C, L), out = sh_irreps(C, 2 * L), pout = sh_irreps(C, 2 * L, -1);
  const auto x = random_vector<T>(size_t(rows) * in.dim(), 1);
  const auto y = random_vector<T>(size_t(rows) * in.dim(), 2);  // in2 up to in's size
  std::vector<T> xa(x.size()), ya(y.size());
  if (kind == "manybody") {
    ManyBodyGridProduct<T> p(in, sh_irreps(C, L), 3, isa);
    EXPECT_EQ(p.isa(), isa);
    std::vector<T> z(size_t(rows) * p.out_row_dim());
    p.forward(rows, x.data(), z.data());
    const auto za = random_vector<T>(z.size(), 3);
    p.reverse(rows, x.data(), za.data(), xa.data());
    return {z, xa};
  }
  if (kind == "cg" || kind == "cg_uvu") {
    const bool uvu = kind == "cg_uvu";  // in2 of multiplicity 1
    CGTensorProduct<T> p(full_description(in, uvu ? sh_irreps(1, L) : in, sh_irreps(C, 2 * L),
                                          uvu ? Mode::uvu : Mode::uuu),
                         isa);
    EXPECT_EQ(p.isa(), isa);
    const auto w = random_vector<T>(size_t(p.n_weights()), 4);
    std::vector<T> z(size_t(rows) * p.description().out.dim()), wa(w.size());
    p.forward(rows, x.data(), y.data(), w.data(), z.data());
    const auto za = random_vector<T>(z.size(), 3);
    p.reverse(rows, x.data(), y.data(), w.data(), za.data(), xa.data(), ya.data(), wa.data());
    return {z, xa, ya, wa};
  }
  const bool vector = kind == "vector";
  GridTensorProduct<T> p(vector ? GridProductKind::VectorGaunt : GridProductKind::Gaunt, in, in,
                         vector ? pout : out, isa);
  EXPECT_EQ(p.isa(), isa);
  std::vector<T> z(size_t(rows) * (vector ? pout : out).dim());
  p.forward(rows, x.data(), y.data(), z.data());
  const auto za = random_vector<T>(z.size(), 3);
  p.reverse(rows, x.data(), y.data(), za.data(), xa.data(), ya.data());
  return {z, xa, ya};
}

template <typename T>
void expect_variants_match_generic(const std::string& kind) {
  for (const std::string& isa : available_isas()) {
    if (isa == "generic") continue;
    for (int C : {1, 5, 16, 40, 67})
      for (int L : {0, 2, 5}) {
        const auto want = outputs<T>(kind, "generic", L, C), got = outputs<T>(kind, isa, L, C);
        ASSERT_EQ(got.size(), want.size());
        for (size_t k = 0; k < want.size(); ++k)
          EXPECT_LE(rel_diff(got[k], want[k]), tolerance<T>())
              << kind << " " << isa << " L=" << L << " C=" << C << " output " << k;
      }
  }
}

class ProductVariants : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (available_isas().size() < 2) GTEST_SKIP() << "only the generic kernels are available here";
  }
};

}  // namespace

TEST_P(ProductVariants, DoubleMatchesGeneric) { expect_variants_match_generic<double>(GetParam()); }
TEST_P(ProductVariants, FloatMatchesGeneric) { expect_variants_match_generic<float>(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Kinds, ProductVariants,
                         ::testing::Values("cg", "cg_uvu", "gaunt", "vector", "manybody"));

TEST(ProductIsa, AutomaticChoiceIsTheBestAvailable) {
  const Irreps in = sh_irreps(4, 2);
  const std::string best = available_isas().back();
  if (const char* env = std::getenv("EQUINET_ISA"); env && *env)
    GTEST_SKIP() << "EQUINET_ISA is set";
  EXPECT_EQ(GridTensorProduct<double>(GridProductKind::Gaunt, in, in, sh_irreps(4, 4)).isa(), best);
  EXPECT_EQ(CGTensorProduct<float>(gaunt_description(in, in, sh_irreps(4, 4))).isa(), best);
  EXPECT_EQ(ManyBodyGridProduct<double>(in, in, 2).isa(), best);
}

TEST(ProductIsa, UnknownIsaIsAnErrorNamingIt) {
  const Irreps in = sh_irreps(4, 2);
  const std::string msg = error_of([&] {
    GridTensorProduct<double>(GridProductKind::Gaunt, in, in, sh_irreps(4, 4), "avx9000");
  });
  EXPECT_NE(msg.find("'avx9000'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("isa argument"), std::string::npos) << msg;
  EXPECT_NE(msg.find("available here: generic"), std::string::npos) << msg;
}
