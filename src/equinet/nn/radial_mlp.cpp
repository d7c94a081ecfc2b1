#include "equinet/nn/radial_mlp.hpp"

#include <Eigen/Core>
#include <cmath>

#include "equinet/detail/parallel.hpp"
#include "equinet/error.hpp"

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
  int64_t off = 0;
  for (size_t k = 1; k + 1 < widths_.size(); ++k) {
    pre_offsets_.push_back(off);
    off += widths_[k];
  }
  pre_offsets_.push_back(off);  // total
  for (int w : widths_) widest_ = std::max(widest_, w);
}

template <typename T>
int64_t RadialMLP<T>::flops_per_row() const {
  int64_t f = 0;
  for (size_t k = 0; k + 1 < widths_.size(); ++k) f += 2 * int64_t(widths_[k]) * widths_[k + 1];
  return f;
}

template <typename T>
void RadialMLP<T>::reserve(int64_t rows, Workspace& ws) const {
  detail::grow(ws.pre, size_t(rows * pre_offsets_.back()));
  detail::grow(ws.a, size_t(rows) * widest_);
  detail::grow(ws.b, size_t(rows) * widest_);
}

template <typename T>
void RadialMLP<T>::forward(int64_t rows, const T* x, T* y, Workspace& ws) const {
  const size_t L = weights_.size();
  detail::grow(ws.pre, size_t(rows * pre_offsets_.back()));
  detail::grow(ws.a, size_t(rows) * widest_);
  const T* in = x;
  for (size_t k = 0; k < L; ++k) {
    const int wi = widths_[k], wo = widths_[k + 1];
    T* out = k + 1 == L ? y : ws.pre.data() + rows * pre_offsets_[k];
    MapM<T>(out, rows, wo).noalias() =
        CMapM<T>(in, rows, wi) * CMapM<T>(weights_[k].data(), wi, wo);
    if (k + 1 < L) {
      T* act = ws.a.data();  // the next product reads it before it is overwritten
      if (k % 2) {
        detail::grow(ws.b, size_t(rows) * widest_);
        act = ws.b.data();
      }
      for (int64_t i = 0; i < rows * wo; ++i) act[i] = act_c_ * out[i] * sigmoid(out[i]);
      in = act;
    }
  }
}

template <typename T>
void RadialMLP<T>::reverse(int64_t rows, const T* y_adj, T* x_adj, Workspace& ws) const {
  const size_t L = weights_.size();
  detail::grow(ws.a, size_t(rows) * widest_);
  detail::grow(ws.b, size_t(rows) * widest_);
  const T* g = y_adj;
  for (size_t kk = L; kk-- > 0;) {
    const int wi = widths_[kk], wo = widths_[kk + 1];
    T* gin = kk == 0 ? x_adj : (kk % 2 ? ws.a : ws.b).data();
    MapM<T>(gin, rows, wi).noalias() =
        CMapM<T>(g, rows, wo) * CMapM<T>(weights_[kk].data(), wi, wo).transpose();
    if (kk > 0) {
      // through the activation of layer kk-1: d/dz c z σ(z) = c σ (1 + z (1-σ))
      const T* z = ws.pre.data() + rows * pre_offsets_[kk - 1];
      for (int64_t i = 0; i < rows * wi; ++i) {
        const T s = sigmoid(z[i]);
        gin[i] *= act_c_ * s * (T(1) + z[i] * (T(1) - s));
      }
    }
    g = gin;
  }
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
