#include "equinet/models/mace/radial_embedding.hpp"

#include <cmath>

#include "equinet/error.hpp"

namespace equinet::mace {

template <typename T>
RadialEmbedding<T>::RadialEmbedding(const MaceWeights& w, const MaceConfig& c)
    : transform_(c.distance_transform), n_species_(int(c.atomic_numbers.size())) {
  basis_.r_max = T(w.r_max);
  basis_.p = w.envelope_p;
  basis_.prefactor = T(w.bessel_prefactor);
  for (double x : w.bessel_weights.values) basis_.weights.push_back(T(x));
  const auto& dt = w.distance_transform;
  q_ = T(dt.q);
  p_ = T(dt.p);
  a_ = T(dt.a);
  alpha_ = T(dt.alpha);
  if (c.pair_repulsion) {
    for (double x : w.zbl.c) zbl_.push_back(T(x));
    zbl_p_ = w.zbl.p;
  }
  auto radius = [&](const std::vector<double>& radii, int z) {
    if (size_t(z) >= radii.size())
      throw Error(w.source + ": no covalent radius for Z=" + std::to_string(z));
    return radii[size_t(z)];
  };
  pairs_.resize(size_t(n_species_) * n_species_);
  for (int s = 0; s < n_species_; ++s)
    for (int t = 0; t < n_species_; ++t) {
      const int zs = c.atomic_numbers[s], zt = c.atomic_numbers[t];
      Pair& P = pairs_[size_t(s) * n_species_ + t];
      if (transform_ != DistanceTransform::None) {
        const double sum = radius(dt.covalent_radii, zs) + radius(dt.covalent_radii, zt);
        P.r0 = T(transform_ == DistanceTransform::Agnesi ? 0.5 * sum : sum);
      }
      if (c.pair_repulsion) {
        // as mace: a_prefactor * 0.529 / (Z_u^a_exp + Z_v^a_exp), in T
        const T ae = T(w.zbl.a_exp);
        P.zz = T(zs) * T(zt);
        P.a = T(w.zbl.a_prefactor) * T(0.529) / (std::pow(T(zs), ae) + std::pow(T(zt), ae));
        P.rc = T(radius(w.zbl.covalent_radii, zs)) + T(radius(w.zbl.covalent_radii, zt));
      }
    }
}

template <typename T>
void RadialEmbedding<T>::transform(T r, const Pair& P, T& x, T& dx) const {
  if (transform_ == DistanceTransform::Agnesi) {
    const T t = r / P.r0;
    const T tq = std::pow(t, q_), tqp = std::pow(t, q_ - p_);
    const T den = T(1) + tqp;
    const T A = a_ * tq / den;
    const T dA = a_ * (q_ * tq / t * den - tq * (q_ - p_) * tqp / t) / (den * den) / P.r0;
    x = T(1) / (T(1) + A);
    dx = -dA * x * x;
  } else if (transform_ == DistanceTransform::Soft) {
    const T p0 = T(0.75) * P.r0, p1 = T(4.0 / 3.0) * P.r0;
    const T m = T(0.5) * (p0 + p1), al = alpha_ / (p1 - p0);
    const T th = std::tanh(al * (r - m));
    const T s = T(0.5) * (T(1) + th);
    x = p0 + (r - p0) * s;
    dx = s + (r - p0) * T(0.5) * al * (T(1) - th * th);
  } else {
    x = r;
    dx = 1;
  }
}

template <typename T>
void RadialEmbedding<T>::evaluate(T r, int s, int t, bool with_cutoff, T* feats, T* dfeats, T& u,
                                  T& du) const {
  basis_.envelope(r, u, du);
  T x = r, dx = 1;
  if (transform_ != DistanceTransform::None) transform(r, pair(s, t), x, dx);
  basis_.bessel(x, feats, dfeats);
  const int n = size();
  if (dfeats)
    for (int k = 0; k < n; ++k) dfeats[k] *= dx;
  if (!with_cutoff) return;
  for (int k = 0; k < n; ++k) {
    if (dfeats) dfeats[k] = dfeats[k] * u + feats[k] * du;
    feats[k] *= u;
  }
}

template <typename T>
void RadialEmbedding<T>::zbl(T r, int s, int t, T& v, T& dv) const {
  static constexpr double kB[4] = {3.2, 0.9423, 0.4028, 0.2016};
  const Pair& P = pair(s, t);
  const T x = r / P.a;
  T phi = 0, dphi = 0;
  for (int k = 0; k < 4; ++k) {
    const T e = zbl_[k] * std::exp(-T(kB[k]) * x);
    phi += e;
    dphi -= T(kB[k]) * e / P.a;
  }
  const T c = T(14.3996) * P.zz;
  const T V = c / r * phi, dV = c * (dphi / r - phi / (r * r));
  T u, du;
  nn::polynomial_envelope(r, P.rc, zbl_p_, u, du);
  v = T(0.5) * V * u;
  dv = T(0.5) * (dV * u + V * du);
}

template class RadialEmbedding<float>;
template class RadialEmbedding<double>;

}  // namespace equinet::mace
