#include "equinet/tp/many_body_product.hpp"

#include "equinet/error.hpp"
#include "equinet/tp/description.hpp"

namespace equinet::tp {
namespace {

void check_natural_parity(const so3::Irreps& irreps, const char* what) {
  int sign = 1;
  spherical_function_degree(irreps, what, &sign);
  if (sign != 1)
    throw Error(std::string(what) + ": irreps " + irreps.str() +
                " must have natural parity (-1)^l (0e, 1o, 2e, ...)");
}

int checked_nu(int nu_max, const so3::Irreps& in, const so3::Irreps& out) {
  if (nu_max < 2)
    throw Error("many-body product: nu_max must be >= 2, got " + std::to_string(nu_max));
  if (in.size() && out.size() && in[0].mul != out[0].mul)
    throw Error("many-body product: channel counts of " + in.str() + " and " + out.str() +
                " differ");
  for (const auto* irreps : {&in, &out})
    for (const auto& b : irreps->blocks())
      if (b.mul != in[0].mul)
        throw Error("many-body product: unequal multiplicities in " + irreps->str());
  return nu_max;
}

}  // namespace

template <typename T>
ManyBodyGridProduct<T>::ManyBodyGridProduct(const so3::Irreps& in, const so3::Irreps& out,
                                            int nu_max, const std::string& isa)
    : ManyBodyGridProduct(in, out, nu_max, detail::select_product_kernels(isa)) {}

template <typename T>
ManyBodyGridProduct<T>::ManyBodyGridProduct(const so3::Irreps& in, const so3::Irreps& out,
                                            int nu_max, const detail::ProductKernelTable& table)
    : nu_max_(checked_nu(nu_max, in, out)), out_dim_(out.dim()) {
  check_natural_parity(in, "many-body product in");
  check_natural_parity(out, "many-body product out");
  isa_ = table.isa;
  kernels_.reset(table.get<T>().many_body(in, out, nu_max_));
}

template class ManyBodyGridProduct<float>;
template class ManyBodyGridProduct<double>;

}  // namespace equinet::tp
