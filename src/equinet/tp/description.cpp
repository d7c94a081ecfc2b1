#include "equinet/tp/description.hpp"

#include <cstdlib>
#include <sstream>

#include "equinet/error.hpp"
#include "equinet/so3/gaunt.hpp"

namespace equinet::tp {
namespace {

bool triangle(int l1, int l2, int l3) { return l3 >= std::abs(l1 - l2) && l3 <= l1 + l2; }

template <class Weight>
TensorProductDescription describe(const so3::Irreps& in1, const so3::Irreps& in2,
                                  const so3::Irreps& out, Weight weight) {
  TensorProductDescription d{in1, in2, out, {}};
  for (size_t i = 0; i < in1.size(); ++i)
    for (size_t j = 0; j < in2.size(); ++j)
      for (size_t k = 0; k < out.size(); ++k) {
        const auto &a = in1[i].ir, &b = in2[j].ir, &c = out[k].ir;
        if (!triangle(a.l, b.l, c.l) || a.p * b.p != c.p) continue;
        const double w = weight(a.l, b.l, c.l);
        if (w != 0.0) d.paths.push_back({int(i), int(j), int(k), w});
      }
  validate(d);
  return d;
}

}  // namespace

std::string TensorProductDescription::str() const {
  std::ostringstream s;
  s << in1.str() << " x " << in2.str() << " -> " << out.str() << " (" << paths.size()
    << " paths, channel-wise)";
  return s.str();
}

TensorProductDescription full_description(const so3::Irreps& in1, const so3::Irreps& in2,
                                          const so3::Irreps& out) {
  return describe(in1, in2, out, [](int, int, int) { return 1.0; });
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
  const int C = d.channels();
  for (int o = 0; o < 3; ++o) {
    if (ops[o]->size() == 0)
      throw Error("tensor product " + d.str() + ": irreps " + names[o] + " are empty");
    for (const auto& b : ops[o]->blocks())
      if (b.mul != C)
        throw Error("tensor product " + d.str() +
                    ": channel-wise product needs equal "
                    "multiplicities, but " +
                    names[o] + " has " + std::to_string(b.mul) + "x" + b.ir.str() +
                    " and in1 has " + std::to_string(C));
  }
  for (size_t n = 0; n < d.paths.size(); ++n) {
    const Path& p = d.paths[n];
    const std::string where = "tensor product " + d.str() + ", path " + std::to_string(n);
    if (p.in1 < 0 || p.in1 >= int(d.in1.size()) || p.in2 < 0 || p.in2 >= int(d.in2.size()) ||
        p.out < 0 || p.out >= int(d.out.size()))
      throw Error(where + ": block index out of range");
    const auto &a = d.in1[p.in1].ir, &b = d.in2[p.in2].ir, &c = d.out[p.out].ir;
    if (!triangle(a.l, b.l, c.l))
      throw Error(where + ": " + a.str() + " x " + b.str() + " -> " + c.str() +
                  " violates the triangle rule");
    if (a.p * b.p != c.p)
      throw Error(where + ": " + a.str() + " x " + b.str() + " -> " + c.str() + " violates parity");
  }
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
