#include "equinet/so3/irreps.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <stdexcept>

namespace equinet::so3 {

std::string Irrep::str() const { return std::to_string(l) + (p == 1 ? "e" : "o"); }

Irrep Irrep::parse(const std::string& text) {
  if (text.size() < 2) throw std::invalid_argument("invalid irrep '" + text + "'");
  const char parity = text.back();
  const std::string degree = text.substr(0, text.size() - 1);
  if ((parity != 'e' && parity != 'o') || degree.empty() ||
      !std::all_of(degree.begin(), degree.end(), [](unsigned char c) { return std::isdigit(c); })) {
    throw std::invalid_argument("invalid irrep '" + text + "' (expected e.g. '1o')");
  }
  return Irrep{std::stoi(degree), parity == 'e' ? 1 : -1};
}

static std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  const auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

Irreps Irreps::parse(const std::string& text) {
  std::vector<MulIrrep> blocks;
  if (trim(text).empty()) return Irreps();
  size_t start = 0;
  while (start <= text.size()) {
    const size_t plus = text.find('+', start);
    const std::string term =
        trim(text.substr(start, plus == std::string::npos ? std::string::npos : plus - start));
    if (term.empty()) throw std::invalid_argument("invalid irreps '" + text + "': empty term");
    MulIrrep block;
    const size_t x = term.find('x');
    if (x == std::string::npos) {
      block.ir = Irrep::parse(term);
    } else {
      const std::string mul = trim(term.substr(0, x));
      if (mul.empty() ||
          !std::all_of(mul.begin(), mul.end(), [](unsigned char c) { return std::isdigit(c); }))
        throw std::invalid_argument("invalid multiplicity in irreps '" + text + "'");
      block.mul = std::stoi(mul);
      block.ir = Irrep::parse(trim(term.substr(x + 1)));
    }
    blocks.push_back(block);
    if (plus == std::string::npos) break;
    start = plus + 1;
  }
  return Irreps(std::move(blocks));
}

int Irreps::dim() const {
  int d = 0;
  for (const auto& b : blocks_) d += b.dim();
  return d;
}

int Irreps::lmax() const {
  int l = -1;
  for (const auto& b : blocks_) l = std::max(l, b.ir.l);
  return l;
}

int Irreps::offset(size_t block) const {
  int d = 0;
  for (size_t i = 0; i < block; ++i) d += blocks_[i].dim();
  return d;
}

int Irreps::count(const Irrep& ir) const {
  int n = 0;
  for (const auto& b : blocks_)
    if (b.ir == ir) n += b.mul;
  return n;
}

bool Irreps::operator==(const Irreps& o) const {
  if (blocks_.size() != o.blocks_.size()) return false;
  for (size_t i = 0; i < blocks_.size(); ++i)
    if (blocks_[i].mul != o.blocks_[i].mul || blocks_[i].ir != o.blocks_[i].ir) return false;
  return true;
}

std::string Irreps::str() const {
  std::string s;
  for (size_t i = 0; i < blocks_.size(); ++i) {
    if (i) s += "+";
    s += std::to_string(blocks_[i].mul) + "x" + blocks_[i].ir.str();
  }
  return s;
}

Irreps Irreps::sorted(std::vector<int>* permutation) const {
  std::vector<int> order(blocks_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return blocks_[a].ir < blocks_[b].ir; });
  std::vector<MulIrrep> out;
  for (int i : order) out.push_back(blocks_[i]);
  if (permutation) {
    // permutation[old] = new, as e3nn's `p`
    permutation->assign(blocks_.size(), 0);
    for (size_t n = 0; n < order.size(); ++n) (*permutation)[order[n]] = static_cast<int>(n);
  }
  return Irreps(std::move(out));
}

Irreps Irreps::simplified() const {
  std::vector<MulIrrep> out;
  for (const auto& b : blocks_) {
    if (!out.empty() && out.back().ir == b.ir)
      out.back().mul += b.mul;
    else if (b.mul > 0)
      out.push_back(b);
  }
  return Irreps(std::move(out));
}

}  // namespace equinet::so3
