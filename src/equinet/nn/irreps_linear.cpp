#include "equinet/nn/irreps_linear.hpp"

#include <Eigen/Core>
#include <algorithm>
#include <cmath>

#include "equinet/error.hpp"

namespace equinet::nn {

template <typename T>
int64_t IrrepsLinear<T>::weight_count(const so3::Irreps& in, const so3::Irreps& out, int num_sets) {
  int64_t n = 0;
  for (const auto& a : in.blocks())
    for (const auto& b : out.blocks())
      if (a.ir == b.ir) n += int64_t(a.mul) * num_sets * b.mul;
  return n;
}

template <typename T>
IrrepsLinear<T>::IrrepsLinear(const so3::Irreps& in, const so3::Irreps& out,
                              const std::vector<double>& weights, int num_sets,
                              const std::string& what)
    : in_(in), out_(out), num_sets_(num_sets) {
  if (int64_t(weights.size()) != weight_count(in, out, num_sets))
    throw Error(what + ": expected " + std::to_string(weight_count(in, out, num_sets)) +
                " weights for " + in.str() + " -> " + out.str() + ", found " +
                std::to_string(weights.size()));
  std::vector<double> fan_in(out.size(), 0.0);
  for (size_t i = 0; i < in.size(); ++i)
    for (size_t o = 0; o < out.size(); ++o)
      if (in[i].ir == out[o].ir) fan_in[o] += double(in[i].mul) * num_sets;
  size_t pos = 0;
  for (size_t i = 0; i < in.size(); ++i)
    for (size_t o = 0; o < out.size(); ++o) {
      if (in[i].ir != out[o].ir) continue;
      const int mi = in[i].mul, mo = out[o].mul;
      const double alpha = 1.0 / std::sqrt(fan_in[o]);
      Path p{int(i), int(o), std::vector<T>(size_t(num_sets) * mi * mo), {}};
      // file order [u][set][w] (or [u][w]) -> ours [set][u][w]
      for (int u = 0; u < mi; ++u)
        for (int s = 0; s < num_sets; ++s)
          for (int w = 0; w < mo; ++w)
            p.w[(size_t(s) * mi + u) * mo + w] =
                T(alpha * weights[pos + (size_t(u) * num_sets + s) * mo + w]);
      p.wt.resize(p.w.size());
      for (int s = 0; s < num_sets; ++s)
        for (int u = 0; u < mi; ++u)
          for (int w = 0; w < mo; ++w)
            p.wt[(size_t(s) * mo + w) * mi + u] = p.w[(size_t(s) * mi + u) * mo + w];
      pos += size_t(num_sets) * mi * mo;
      paths_.push_back(std::move(p));
    }
}

namespace {
template <typename T>
using RowMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
// Rows of one (block, m) slice of a feature array: contiguous channels, a row stride.
template <typename T>
using Slice = Eigen::Map<RowMatrix<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using ConstSlice = Eigen::Map<const RowMatrix<T>, 0, Eigen::OuterStride<>>;
}  // namespace

template <typename T>
void IrrepsLinear<T>::forward(int64_t begin, int64_t end, const T* x, int x_stride, T* y,
                              int y_stride, const int* set_of, bool accumulate) const {
  if (num_sets_ == 1 && end > begin) {
    // one shared weight matrix: a dense product per (path, m) over the rows
    const Eigen::Index rows = end - begin;
    if (!accumulate)
      for (int64_t row = begin; row < end; ++row)
        std::fill(y + row * y_stride, y + row * y_stride + out_.dim, T(0));
    for (const auto& p : paths_) {
      const int mi = in_.irreps[p.block_in].mul, mo = out_.irreps[p.block_out].mul;
      const Eigen::Map<const RowMatrix<T>> W(p.w.data(), mi, mo);
      for (int m = 0; m < in_.irreps[p.block_in].ir.dim(); ++m) {
        ConstSlice<T> X(x + begin * x_stride + in_.offsets[p.block_in] + m * mi, rows, mi,
                        Eigen::OuterStride<>(x_stride));
        Slice<T> Y(y + begin * y_stride + out_.offsets[p.block_out] + m * mo, rows, mo,
                   Eigen::OuterStride<>(y_stride));
        Y.noalias() += X * W;
      }
    }
    return;
  }
  for (int64_t row = begin; row < end; ++row) {
    const T* xr = x + row * x_stride;
    T* yr = y + row * y_stride;
    if (!accumulate)
      for (int k = 0; k < out_.dim; ++k) yr[k] = T(0);
    const int set = set_of ? set_of[row] : 0;
    for (const auto& p : paths_) {
      const int mi = in_.irreps[p.block_in].mul, mo = out_.irreps[p.block_out].mul;
      const int d = in_.irreps[p.block_in].ir.dim();
      const T* W = p.w.data() + size_t(set) * mi * mo;
      for (int m = 0; m < d; ++m) {
        const T* xm = xr + in_.offsets[p.block_in] + m * mi;
        T* ym = yr + out_.offsets[p.block_out] + m * mo;
        for (int u = 0; u < mi; ++u) {
          const T xu = xm[u];
          const T* Wu = W + size_t(u) * mo;
          for (int w = 0; w < mo; ++w) ym[w] += xu * Wu[w];
        }
      }
    }
  }
}

template <typename T>
void IrrepsLinear<T>::reverse(int64_t begin, int64_t end, const T* y_adj, int y_stride, T* x_adj,
                              int x_stride, const int* set_of) const {
  if (num_sets_ == 1 && end > begin) {
    const Eigen::Index rows = end - begin;
    for (const auto& p : paths_) {
      const int mi = in_.irreps[p.block_in].mul, mo = out_.irreps[p.block_out].mul;
      const Eigen::Map<const RowMatrix<T>> Wt(p.wt.data(), mo, mi);
      for (int m = 0; m < in_.irreps[p.block_in].ir.dim(); ++m) {
        ConstSlice<T> G(y_adj + begin * y_stride + out_.offsets[p.block_out] + m * mo, rows, mo,
                        Eigen::OuterStride<>(y_stride));
        Slice<T> X(x_adj + begin * x_stride + in_.offsets[p.block_in] + m * mi, rows, mi,
                   Eigen::OuterStride<>(x_stride));
        X.noalias() += G * Wt;
      }
    }
    return;
  }
  for (int64_t row = begin; row < end; ++row) {
    const T* gr = y_adj + row * y_stride;
    T* xr = x_adj + row * x_stride;
    const int set = set_of ? set_of[row] : 0;
    for (const auto& p : paths_) {
      const int mi = in_.irreps[p.block_in].mul, mo = out_.irreps[p.block_out].mul;
      const int d = in_.irreps[p.block_in].ir.dim();
      const T* Wt = p.wt.data() + size_t(set) * mi * mo;
      for (int m = 0; m < d; ++m) {
        const T* gm = gr + out_.offsets[p.block_out] + m * mo;
        T* xm = xr + in_.offsets[p.block_in] + m * mi;
        // axpy over input channels (vectorises without reassociating sums)
        for (int w = 0; w < mo; ++w) {
          const T gw = gm[w];
          const T* Ww = Wt + size_t(w) * mi;
          for (int u = 0; u < mi; ++u) xm[u] += Ww[u] * gw;
        }
      }
    }
  }
}

template class IrrepsLinear<float>;
template class IrrepsLinear<double>;

}  // namespace equinet::nn
