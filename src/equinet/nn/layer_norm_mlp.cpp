#include "equinet/nn/layer_norm_mlp.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "equinet/detail/parallel.hpp"
#include "equinet/error.hpp"

namespace equinet::nn {
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
LayerNormMLP<T>::LayerNormMLP(std::vector<int> widths, const std::vector<Layer>& layers,
                              const std::string& what)
    : widths_(std::move(widths)) {
  if (widths_.size() < 2 || layers.size() + 1 != widths_.size())
    throw Error(what + ": inconsistent number of layers");
  auto cast = [](const std::vector<double>& v) { return std::vector<T>(v.begin(), v.end()); };
  for (size_t k = 0; k < layers.size(); ++k) {
    const size_t in = size_t(widths_[k]), out = size_t(widths_[k + 1]);
    const bool last = k + 1 == layers.size();
    const Layer& L = layers[k];
    if (L.weight.size() != in * out || L.bias.size() != out)
      throw Error(what + ": layer " + std::to_string(k) + " has a weight or bias of wrong size");
    if (!last && (L.layer_norm_weight.size() != out || L.layer_norm_bias.size() != out))
      throw Error(what + ": layer norm " + std::to_string(k) + " has a wrong size");
    weight_.push_back(cast(L.weight));
    bias_.push_back(cast(L.bias));
    gamma_.push_back(cast(L.layer_norm_weight));
    beta_.push_back(cast(L.layer_norm_bias));
    if (!last) hidden_total_ += int64_t(out);
  }
  widest_ = *std::max_element(widths_.begin(), widths_.end());
}

template <typename T>
int64_t LayerNormMLP<T>::flops_per_row() const {
  int64_t f = 0;
  for (size_t k = 0; k + 1 < widths_.size(); ++k) f += 2 * int64_t(widths_[k]) * widths_[k + 1];
  return f;
}

template <typename T>
void LayerNormMLP<T>::reserve(int64_t rows, Workspace& ws) const {
  detail::grow(ws.xhat, size_t(rows * hidden_total_));
  detail::grow(ws.pre, size_t(rows * hidden_total_));
  detail::grow(ws.inv_std, size_t(rows) * widths_.size());
  detail::grow(ws.a, size_t(rows) * widest_);
  detail::grow(ws.b, size_t(rows) * widest_);
}

// Hidden layer k of row r: z -> xhat = (z - mean) / std -> pre = xhat γ + β
// -> a = silu(pre); `offset` is the layer's start in the rows of xhat/pre.
template <typename T>
void LayerNormMLP<T>::forward(int64_t rows, const T* x, T* y, Workspace& ws) const {
  reserve(rows, ws);
  const size_t n_layers = weight_.size();
  const T* in = x;
  int64_t offset = 0;
  for (size_t k = 0; k < n_layers; ++k) {
    const int ni = widths_[k], no = widths_[k + 1];
    const bool last = k + 1 == n_layers;
    T* out = last ? y : (in == ws.a.data() ? ws.b.data() : ws.a.data());
    MapM<T> Z(out, rows, no);
    Z.noalias() = CMapM<T>(in, rows, ni) * CMapM<T>(weight_[k].data(), no, ni).transpose();
    Z.rowwise() += Eigen::Map<const Eigen::Matrix<T, 1, Eigen::Dynamic>>(bias_[k].data(), no);
    if (!last) {
      for (int64_t r = 0; r < rows; ++r) {
        T* z = out + r * no;
        T mean = 0, var = 0;
        for (int j = 0; j < no; ++j) mean += z[j];
        mean /= T(no);
        for (int j = 0; j < no; ++j) var += (z[j] - mean) * (z[j] - mean);
        var /= T(no);
        const T inv = T(1) / std::sqrt(var + T(kLayerNormEps));
        ws.inv_std[r * n_layers + k] = inv;
        T* xh = ws.xhat.data() + r * hidden_total_ + offset;
        T* pre = ws.pre.data() + r * hidden_total_ + offset;
        for (int j = 0; j < no; ++j) {
          xh[j] = (z[j] - mean) * inv;
          pre[j] = xh[j] * gamma_[k][j] + beta_[k][j];
          z[j] = pre[j] * sigmoid(pre[j]);
        }
      }
      offset += no;
    }
    in = out;
  }
}

template <typename T>
void LayerNormMLP<T>::reverse(int64_t rows, const T* y_adj, T* x_adj, Workspace& ws) const {
  const size_t n_layers = weight_.size();
  const T* g = y_adj;
  int64_t offset = hidden_total_;
  for (size_t k = n_layers; k-- > 0;) {
    const int ni = widths_[k], no = widths_[k + 1];
    T* out = k == 0 ? x_adj : (g == ws.a.data() ? ws.b.data() : ws.a.data());
    // g: adjoint of layer k's output (after its activation when hidden)
    if (k + 1 < n_layers) {
      offset -= no;
      T* gm = const_cast<T*>(g);  // our own buffer (a or b) for hidden layers
      for (int64_t r = 0; r < rows; ++r) {
        T* gr = gm + r * no;
        const T* xh = ws.xhat.data() + r * hidden_total_ + offset;
        const T* pre = ws.pre.data() + r * hidden_total_ + offset;
        T mean_g = 0, mean_gx = 0;
        for (int j = 0; j < no; ++j) {
          const T s = sigmoid(pre[j]);
          gr[j] *= s * (T(1) + pre[j] * (T(1) - s)) * gamma_[k][j];  // d/dxhat
          mean_g += gr[j];
          mean_gx += gr[j] * xh[j];
        }
        mean_g /= T(no);
        mean_gx /= T(no);
        const T inv = ws.inv_std[r * n_layers + k];
        for (int j = 0; j < no; ++j) gr[j] = inv * (gr[j] - mean_g - xh[j] * mean_gx);
      }
    }
    MapM<T>(out, rows, ni).noalias() = CMapM<T>(g, rows, no) * CMapM<T>(weight_[k].data(), no, ni);
    g = out;
  }
}

template <typename T>
void LayerNormMLP<T>::forward_tangent(int64_t rows, const T* x, const T* dx, T* y, T* dy) const {
  // one row at a time, values and tangents side by side (not a hot path:
  // used to tabulate radial functions)
  std::vector<T> v, dv;
  for (int64_t r = 0; r < rows; ++r) {
    v.assign(x + r * in_dim(), x + (r + 1) * in_dim());
    dv.assign(dx + r * in_dim(), dx + (r + 1) * in_dim());
    for (size_t k = 0; k < weight_.size(); ++k) {
      const int ni = widths_[k], no = widths_[k + 1];
      std::vector<T> z(no), dz(no);
      for (int j = 0; j < no; ++j) {
        T s = bias_[k][j], ds = 0;
        for (int i = 0; i < ni; ++i) {
          s += weight_[k][size_t(j) * ni + i] * v[i];
          ds += weight_[k][size_t(j) * ni + i] * dv[i];
        }
        z[j] = s;
        dz[j] = ds;
      }
      if (k + 1 < weight_.size()) {
        T mean = 0, var = 0, dmean = 0;
        for (int j = 0; j < no; ++j) mean += z[j], dmean += dz[j];
        mean /= T(no);
        dmean /= T(no);
        for (int j = 0; j < no; ++j) var += (z[j] - mean) * (z[j] - mean);
        var /= T(no);
        const T inv = T(1) / std::sqrt(var + T(kLayerNormEps));
        std::vector<T> xh(no);
        T mean_dx = 0;
        for (int j = 0; j < no; ++j) {
          xh[j] = (z[j] - mean) * inv;
          mean_dx += (dz[j] - dmean) * inv * xh[j];
        }
        mean_dx /= T(no);
        for (int j = 0; j < no; ++j) {
          const T dxh = (dz[j] - dmean) * inv - xh[j] * mean_dx;
          const T pre = xh[j] * gamma_[k][j] + beta_[k][j], dpre = dxh * gamma_[k][j];
          const T s = sigmoid(pre);
          z[j] = pre * s;
          dz[j] = dpre * s * (T(1) + pre * (T(1) - s));
        }
      }
      v = std::move(z);
      dv = std::move(dz);
    }
    std::copy(v.begin(), v.end(), y + r * out_dim());
    std::copy(dv.begin(), dv.end(), dy + r * out_dim());
  }
}

template class LayerNormMLP<float>;
template class LayerNormMLP<double>;

}  // namespace equinet::nn
