// Every library (libequinet and each instruction-set variant) hands out one
// table: its instruction set, layout signature, families and tensor-product
// kernels, all of the same variant.
#include <gtest/gtest.h>

#include <string>

#include "equinet/models/families.hpp"
#include "equinet/runtime/isa_dispatch.hpp"
#include "equinet/tp/cg_product.hpp"
#include "support/error_of.hpp"

using namespace equinet;

TEST(LibraryTables, EachVariantsFamiliesAndKernelsAreItsOwn) {
  for (const std::string& isa : available_isas()) {
    const auto& table = runtime::select_library(isa, "the test");
    EXPECT_EQ(std::string(table.isa), isa);
    EXPECT_EQ(std::string(table.product_kernels->isa), isa);
    EXPECT_EQ(std::string(table.abi), models::abi_signature());
    ASSERT_GE(table.n_families, 1);
    bool mace = false;
    for (int k = 0; k < table.n_families; ++k)
      mace = mace || std::string(table.families[k].source) == "mace";
    EXPECT_TRUE(mace) << isa;
  }
}

TEST(LibraryTables, GenericIsLibequinetsOwnTable) {
  EXPECT_EQ(&runtime::select_library("generic", "the test"), &models::library_table());
  EXPECT_EQ(std::string(models::library_table().isa), "generic");
}

TEST(LibraryTables, UnknownVariantNamesWhoAsked) {
  const std::string msg =
      equinet::testing::error_of([] { runtime::select_library("x86-64-v9", "the test"); });
  EXPECT_NE(msg.find("instruction set 'x86-64-v9' (requested by the test) is not available"),
            std::string::npos)
      << msg;
}

// A family builds its products with its own library's kernels.
TEST(LibraryTables, ProductsTakeAGivenLibrarysKernels) {
  const auto x = so3::Irreps::parse("4x0e+4x1o"), z = so3::Irreps::parse("4x0e+4x1o+4x2e");
  const auto desc = tp::full_description(x, x, z);
  for (const std::string& isa : available_isas()) {
    const tp::CGTensorProduct<double> product(
        desc, *runtime::select_library(isa, "the test").product_kernels);
    EXPECT_EQ(product.isa(), isa);
  }
}
