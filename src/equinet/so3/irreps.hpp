// Irrep / Irreps value types with e3nn's string syntax ("16x0e+16x1o").
#pragma once

#include <string>
#include <vector>

namespace equinet::so3 {

// An irreducible representation of O(3): degree l and parity p = +1 (e) or -1 (o).
struct Irrep {
  int l = 0;
  int p = 1;
  int dim() const { return 2 * l + 1; }
  std::string str() const;
  // e3nn's order: by l, then odd before even.
  bool operator<(const Irrep& o) const { return l != o.l ? l < o.l : p < o.p; }
  bool operator==(const Irrep& o) const { return l == o.l && p == o.p; }
  bool operator!=(const Irrep& o) const { return !(*this == o); }
  static Irrep parse(const std::string& text);  // "1o"
};

struct MulIrrep {
  int mul = 1;
  Irrep ir;
  int dim() const { return mul * ir.dim(); }
};

// A list of irreps blocks in order; rows of features over them are laid out
// m-major, each block [2l+1][mul] (so3::FeatureLayout).
class Irreps {
 public:
  Irreps() = default;
  explicit Irreps(std::vector<MulIrrep> blocks) : blocks_(std::move(blocks)) {}
  static Irreps parse(const std::string& text);  // throws std::invalid_argument

  const std::vector<MulIrrep>& blocks() const { return blocks_; }
  size_t size() const { return blocks_.size(); }
  const MulIrrep& operator[](size_t i) const { return blocks_[i]; }
  int dim() const;
  int lmax() const;
  int offset(size_t block) const;    // start of a block in a feature row
  int count(const Irrep& ir) const;  // total multiplicity of ir
  bool operator==(const Irreps& o) const;
  std::string str() const;

  // Stable sort by irrep, as e3nn's Irreps.sort(); permutation[old] = new.
  Irreps sorted(std::vector<int>* permutation = nullptr) const;
  // Merge neighbouring blocks with the same irrep (e3nn's simplify()).
  Irreps simplified() const;

 private:
  std::vector<MulIrrep> blocks_;
};

}  // namespace equinet::so3
