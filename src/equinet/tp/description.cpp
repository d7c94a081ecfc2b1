#include "equinet/tp/description.hpp"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "equinet/error.hpp"
#include "equinet/so3/gaunt.hpp"
#include "equinet/so3/wigner_3j.hpp"

namespace equinet::tp {
namespace {

bool triangle(int l1, int l2, int l3) { return l3 >= std::abs(l1 - l2) && l3 <= l1 + l2; }

template <class Weight>
TensorProductDescription describe(const so3::Irreps& in1, const so3::Irreps& in2,
                                  const so3::Irreps& out, Weight weight, Mode mode = Mode::uuu) {
  TensorProductDescription d{in1, in2, out, {}};
  for (size_t i = 0; i < in1.size(); ++i)
    for (size_t j = 0; j < in2.size(); ++j)
      for (size_t k = 0; k < out.size(); ++k) {
        const auto &a = in1[i].ir, &b = in2[j].ir, &c = out[k].ir;
        if (!triangle(a.l, b.l, c.l) || a.p * b.p != c.p) continue;
        const double w = weight(a.l, b.l, c.l);
        if (w != 0.0) d.paths.push_back({int(i), int(j), int(k), w, mode});
      }
  validate(d);
  return d;
}

}  // namespace

const char* mode_name(Mode mode) { return mode == Mode::uvu ? "uvu" : "uuu"; }

int TensorProductDescription::weight_offset(size_t path) const {
  int offset = 0;
  for (size_t n = 0; n < path && n < paths.size(); ++n) offset += path_channels(paths[n]);
  return offset;
}

std::string TensorProductDescription::str() const {
  bool uuu = false, uvu = false;
  for (const Path& p : paths) (p.mode == Mode::uvu ? uvu : uuu) = true;
  std::ostringstream s;
  s << in1.str() << " x " << in2.str() << " -> " << out.str() << " (" << paths.size() << " paths"
    << (uuu ? ", uuu" : "") << (uvu ? ", uvu" : "") << ")";
  return s.str();
}

TensorProductDescription full_description(const so3::Irreps& in1, const so3::Irreps& in2,
                                          const so3::Irreps& out, Mode mode) {
  return describe(
      in1, in2, out, [](int, int, int) { return 1.0; }, mode);
}

TensorProductDescription gaunt_description(const so3::Irreps& in1, const so3::Irreps& in2,
                                           const so3::Irreps& out) {
  return describe(in1, in2, out, so3::gaunt_coefficient);
}

TensorProductDescription vector_gaunt_description(const so3::Irreps& in1, const so3::Irreps& in2,
                                                  const so3::Irreps& out) {
  return describe(in1, in2, out, so3::vector_gaunt_coefficient);
}

void validate(const TensorProductDescription& d) {
  const so3::Irreps* ops[3] = {&d.in1, &d.in2, &d.out};
  const char* names[3] = {"in1", "in2", "out"};
  for (int o = 0; o < 3; ++o)
    if (ops[o]->size() == 0)
      throw Error("tensor product " + d.str() + ": irreps " + names[o] + " are empty");
  for (size_t n = 0; n < d.paths.size(); ++n) {
    const Path& p = d.paths[n];
    const std::string where = "tensor product " + d.str() + ", path " + std::to_string(n) + " (" +
                              mode_name(p.mode) + ")";
    if (p.in1 < 0 || p.in1 >= int(d.in1.size()) || p.in2 < 0 || p.in2 >= int(d.in2.size()) ||
        p.out < 0 || p.out >= int(d.out.size()))
      throw Error(where + ": block index out of range");
    const so3::MulIrrep &a = d.in1[p.in1], &b = d.in2[p.in2], &c = d.out[p.out];
    const std::string blocks = std::to_string(a.mul) + "x" + a.ir.str() + " x " +
                               std::to_string(b.mul) + "x" + b.ir.str() + " -> " +
                               std::to_string(c.mul) + "x" + c.ir.str();
    if (!triangle(a.ir.l, b.ir.l, c.ir.l))
      throw Error(where + ": " + blocks + " violates the triangle rule");
    if (a.ir.p * b.ir.p != c.ir.p) throw Error(where + ": " + blocks + " violates parity");
    if (p.mode == Mode::uuu && (b.mul != a.mul || c.mul != a.mul))
      throw Error(where + ": " + blocks +
                  ": a channel-wise (uuu) path needs equal multiplicities of its three blocks");
    if (p.mode == Mode::uvu && (b.mul != 1 || c.mul != a.mul))
      throw Error(where + ": " + blocks +
                  ": a uvu path needs multiplicity 1 in in2 and that of in1 in out");
  }
}

std::vector<Coefficient> path_coefficients(const TensorProductDescription& d, const Path& p) {
  const int l1 = d.in1[p.in1].ir.l, l2 = d.in2[p.in2].ir.l, l3 = d.out[p.out].ir.l;
  const auto& C = so3::wigner_3j(l1, l2, l3);
  const int d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
  std::vector<Coefficient> list;
  for (int m1 = 0; m1 < 2 * l1 + 1; ++m1)
    for (int m2 = 0; m2 < d2; ++m2)
      for (int m3 = 0; m3 < d3; ++m3) {
        const double v = C[(m1 * d2 + m2) * d3 + m3];
        if (std::abs(v) >= kCoefficientZero) list.push_back({m1, m2, m3, p.weight * v});
      }
  return list;
}

int common_channels(const so3::Irreps& in1, const so3::Irreps& in2, const so3::Irreps& out,
                    const char* what) {
  const int C = in1.size() ? in1[0].mul : 0;
  for (const so3::Irreps* irreps : {&in1, &in2, &out})
    for (const auto& b : irreps->blocks())
      if (b.mul != C)
        throw Error(std::string(what) + ": every block of " + in1.str() + ", " + in2.str() +
                    " and " + out.str() + " needs the same multiplicity (channels), but " +
                    std::to_string(b.mul) + "x" + b.ir.str() + " differs from " +
                    std::to_string(C) +
                    "; this product is channel-wise (uuu) only, uvu (in2 of multiplicity 1) "
                    "is not supported");
  return C;
}

int spherical_function_degree(const so3::Irreps& irreps, const char* what, int* sign) {
  if (irreps.size() == 0) throw Error(std::string(what) + ": irreps are empty");
  int lmax = 0;
  std::vector<bool> seen;
  const int s = irreps[0].ir.p * ((irreps[0].ir.l % 2) ? -1 : 1);
  for (const auto& b : irreps.blocks()) {
    const int l = b.ir.l;
    if (l >= int(seen.size())) seen.resize(l + 1, false);
    if (seen[l])
      throw Error(std::string(what) + ": irreps " + irreps.str() + " repeat l=" +
                  std::to_string(l) + "; a spherical function has one block per degree");
    seen[l] = true;
    if (b.ir.p * ((l % 2) ? -1 : 1) != s)
      throw Error(std::string(what) + ": irreps " + irreps.str() +
                  " mix parities; a spherical function has parity sign*(-1)^l");
    lmax = std::max(lmax, l);
  }
  if (sign) *sign = s;
  return lmax;
}

}  // namespace equinet::tp
