#include "equinet/nn/radial_mlp.hpp"

#include <Eigen/Core>
#include <Kokkos_Core.hpp>
#include <cmath>

#include "equinet/potential.hpp"

namespace equinet::nn {

template <typename T>
T normalized_silu_constant() {
  return T(1.0 / std::sqrt(kSiluSecondMoment));
}
template float normalized_silu_constant<float>();
template double normalized_silu_constant<double>();

namespace {
template <typename T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
template <typename T>
using MapM = Eigen::Map<RowMatrix<T>>;
template <typename T>
using CMapM = Eigen::Map<const RowMatrix<T>>;

template <typename T>
inline T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

// Splits rows into chunks handled in parallel, each a dense product.
constexpr int64_t kChunk = 256;
}  // namespace

template <typename T>
RadialMLP<T>::RadialMLP(std::vector<int> widths, const std::vector<std::vector<double>>& weights,
                        const std::string& what)
    : widths_(std::move(widths)), act_c_(normalized_silu_constant<T>()) {
  if (weights.size() + 1 != widths_.size()) throw Error(what + ": inconsistent number of layers");
  for (size_t k = 0; k < weights.size(); ++k) {
    const size_t n = size_t(widths_[k]) * widths_[k + 1];
    if (weights[k].size() != n)
      throw Error(what + ": layer " + std::to_string(k) + " has wrong size");
    std::vector<T> w(n);
    const double s = 1.0 / std::sqrt(double(widths_[k]));
    for (size_t i = 0; i < n; ++i) w[i] = T(weights[k][i] * s);
    weights_.push_back(std::move(w));
  }
}

template <typename T>
void RadialMLP<T>::grow_scratch(int64_t rows) {
  int widest = 0;
  for (int w : widths_) widest = std::max(widest, w);
  const size_t need = size_t(rows) * widest;
  if (scratch_a_.size() < need) scratch_a_.resize(need);
  if (scratch_b_.size() < need) scratch_b_.resize(need);
}

template <typename T>
int64_t RadialMLP<T>::flops_per_row() const {
  int64_t f = 0;
  for (size_t k = 0; k + 1 < widths_.size(); ++k) f += 2 * int64_t(widths_[k]) * widths_[k + 1];
  return f;
}

template <typename T>
void RadialMLP<T>::forward(int64_t rows, const T* x, T* y, bool keep) {
  const size_t L = weights_.size();
  if (keep) {
    pre_.resize(L);
    post_.resize(L);
    for (size_t k = 0; k < L; ++k) {
      if (post_[k].size() < size_t(rows) * widths_[k]) post_[k].resize(size_t(rows) * widths_[k]);
      if (pre_[k].size() < size_t(rows) * widths_[k + 1])
        pre_[k].resize(size_t(rows) * widths_[k + 1]);
    }
  } else {
    grow_scratch(rows);
  }
  const int64_t chunks = (rows + kChunk - 1) / kChunk;
  Kokkos::parallel_for("eq.radi_forward",
                       Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, chunks),
                       [&](int64_t c) {
                         const int64_t r0 = c * kChunk, nr = std::min(kChunk, rows - r0);
                         const T* in = x + r0 * widths_[0];
                         for (size_t k = 0; k < L; ++k) {
                           const int wi = widths_[k], wo = widths_[k + 1];
                           T* out;
                           if (k + 1 == L)
                             out = y + r0 * wo;
                           else if (keep)
                             out = pre_[k].data() + r0 * wo;
                           else
                             out = (k % 2 ? scratch_b_ : scratch_a_).data() + r0 * wo;
                           if (keep) std::copy(in, in + nr * wi, post_[k].data() + r0 * wi);
                           MapM<T>(out, nr, wo).noalias() =
                               CMapM<T>(in, nr, wi) * CMapM<T>(weights_[k].data(), wi, wo);
                           if (k + 1 < L) {
                             T* act = keep ? post_[k + 1].data() + r0 * wo : out;
                             for (int64_t i = 0; i < nr * wo; ++i)
                               act[i] = act_c_ * out[i] * sigmoid(out[i]);
                             in = act;
                           }
                         }
                       });
}

template <typename T>
void RadialMLP<T>::reverse(int64_t rows, const T* y_adj, T* x_adj) {
  const size_t L = weights_.size();
  grow_scratch(rows);
  const int64_t chunks = (rows + kChunk - 1) / kChunk;
  Kokkos::parallel_for(
      "eq.radi_reverse", Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, chunks),
      [&](int64_t c) {
        const int64_t r0 = c * kChunk, nr = std::min(kChunk, rows - r0);
        const T* g = y_adj + r0 * widths_[L];
        for (size_t kk = L; kk-- > 0;) {
          const int wi = widths_[kk], wo = widths_[kk + 1];
          T* gin = kk == 0 ? x_adj + r0 * wi : (kk % 2 ? scratch_a_ : scratch_b_).data() + r0 * wi;
          MapM<T>(gin, nr, wi).noalias() =
              CMapM<T>(g, nr, wo) * CMapM<T>(weights_[kk].data(), wi, wo).transpose();
          if (kk > 0) {
            // through the activation of layer kk-1: d/dz c z σ(z) = c σ (1 + z (1-σ))
            const T* z = pre_[kk - 1].data() + r0 * wi;
            for (int64_t i = 0; i < nr * wi; ++i) {
              const T s = sigmoid(z[i]);
              gin[i] *= act_c_ * s * (T(1) + z[i] * (T(1) - s));
            }
          }
          g = gin;
        }
      });
}

template <typename T>
void RadialMLP<T>::forward_tangent(int64_t rows, const T* x, const T* dx, T* y, T* dy) const {
  const size_t L = weights_.size();
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<T> v(x + r * widths_[0], x + (r + 1) * widths_[0]);
    std::vector<T> t(dx + r * widths_[0], dx + (r + 1) * widths_[0]);
    for (size_t k = 0; k < L; ++k) {
      const int wi = widths_[k], wo = widths_[k + 1];
      std::vector<T> pv(wo, T(0)), pt(wo, T(0));
      for (int i = 0; i < wi; ++i)
        for (int o = 0; o < wo; ++o) {
          pv[o] += v[i] * weights_[k][size_t(i) * wo + o];
          pt[o] += t[i] * weights_[k][size_t(i) * wo + o];
        }
      if (k + 1 < L) {
        for (int o = 0; o < wo; ++o) {
          const T s = sigmoid(pv[o]);
          pt[o] *= act_c_ * s * (T(1) + pv[o] * (T(1) - s));
          pv[o] = act_c_ * pv[o] * s;
        }
      }
      v.swap(pv);
      t.swap(pt);
    }
    std::copy(v.begin(), v.end(), y + r * widths_[L]);
    std::copy(t.begin(), t.end(), dy + r * widths_[L]);
  }
}

template class RadialMLP<float>;
template class RadialMLP<double>;

}  // namespace equinet::nn
