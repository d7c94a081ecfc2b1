// The sparse CG product's kernels (a): compiled into libequinet and into
// every instruction-set variant (see tp/detail/product_kernels.hpp). Rows
// are read and written in place (m-major: every (block, m) is a contiguous
// run of channels, so each coefficient is one vector loop over channels).
#include <algorithm>
#include <vector>

#include "equinet/detail/parallel.hpp"
#include "equinet/so3/feature_layout.hpp"
#include "equinet/tp/detail/product_kernels.hpp"
#include "equinet/tp/kernels/factories.hpp"

namespace equinet::tp::detail {
namespace {

using equinet::detail::for_each_row;
using equinet::detail::ThreadBuffers;

template <typename T>
class CGKernelsImpl final : public CGKernels<T> {
 public:
  explicit CGKernelsImpl(const TensorProductDescription& description);
  size_t n_coefficients() const override { return entries_.size(); }
  void forward(int rows, const T* x, const T* y, const T* w, T* z) override;
  void reverse(int rows, const T* x, const T* y, const T* w, const T* z_adj, T* x_adj, T* y_adj,
               T* w_adj) override;

 private:
  struct Entry {
    int i, j, k;  // row positions of (block, m) in in1, in2, out (channel 0)
    T value;
  };
  struct PathRange {
    int begin, end;  // its entries
    int channels, weight_offset;
    bool uvu;  // in2 has one channel, shared by all of in1's
  };
  so3::FeatureLayout in1_, in2_, out_;
  std::vector<Entry> entries_;
  std::vector<PathRange> paths_;
  int n_weights_ = 0;
  std::vector<T> ones_;
  ThreadBuffers<T> ws_;  // weight-gradient accumulators
};

template <typename T>
CGKernelsImpl<T>::CGKernelsImpl(const TensorProductDescription& d)
    : in1_(d.in1), in2_(d.in2), out_(d.out), n_weights_(d.n_weights()) {
  for (size_t n = 0; n < d.paths.size(); ++n) {
    const Path& p = d.paths[n];
    const int C = d.path_channels(p), C2 = d.in2[p.in2].mul;
    const int begin = int(entries_.size());
    for (const Coefficient& c : path_coefficients(d, p))
      entries_.push_back({in1_.offsets[p.in1] + c.m1 * C, in2_.offsets[p.in2] + c.m2 * C2,
                          out_.offsets[p.out] + c.m3 * C, T(c.value)});
    paths_.push_back({begin, int(entries_.size()), C, d.weight_offset(n), p.mode == Mode::uvu});
  }
  ones_.assign(size_t(n_weights_), T(1));
}

// One path of one row, the mode a template argument so that the entry loop
// has no branch and each channel loop vectorises on its own.
template <bool UVU, typename T, typename Entry>
void forward_path(const Entry* begin, const Entry* end, int C, const T* wp, const T* X, const T* Y,
                  T* Z) {
  for (const Entry* en = begin; en != end; ++en) {
    const T* xi = X + en->i;
    T* zk = Z + en->k;
    const T v = en->value;  // see reverse_path
    if (UVU) {
      const T vy = v * Y[en->j];
      for (int c = 0; c < C; ++c) zk[c] += vy * wp[c] * xi[c];
    } else {
      const T* yj = Y + en->j;
      for (int c = 0; c < C; ++c) zk[c] += v * wp[c] * xi[c] * yj[c];
    }
  }
}

template <bool UVU, typename T, typename Entry>
void reverse_path(const Entry* begin, const Entry* end, int C, const T* wp, const T* X, const T* Y,
                  const T* Za, T* Xa, T* Ya, T* wa) {
  for (const Entry* en = begin; en != end; ++en) {
    const T *xi = X + en->i, *zk = Za + en->k;
    T* xa = Xa + en->i;
    // a local copy: stores through xa, ya (type T) could otherwise change
    // en->value, which kept GCC from vectorising the loop
    const T v = en->value;
    if (UVU) {
      const T yv = Y[en->j];
      T dy = 0;
      for (int c = 0; c < C; ++c) {
        const T g = v * zk[c] * wp[c];
        xa[c] += g * yv;
        dy += g * xi[c];
      }
      Ya[en->j] += dy;
      if (wa)
        for (int c = 0; c < C; ++c) wa[c] += v * yv * zk[c] * xi[c];
    } else {
      const T* yj = Y + en->j;
      T* ya = Ya + en->j;
      for (int c = 0; c < C; ++c) {
        const T g = v * zk[c] * wp[c];
        xa[c] += g * yj[c];
        ya[c] += g * xi[c];
      }
      if (wa)
        for (int c = 0; c < C; ++c) wa[c] += v * zk[c] * xi[c] * yj[c];
    }
  }
}

template <typename T>
void CGKernelsImpl<T>::forward(int rows, const T* x, const T* y, const T* w, T* z) {
  const T* wp_all = w ? w : ones_.data();
  const int d1 = in1_.dim, d2 = in2_.dim, d3 = out_.dim;
  const Entry* entries = entries_.data();
  for_each_row("equinet::tp::cg_forward", rows, [&](const int64_t r) {
    const T *X = x + r * d1, *Y = y + r * d2;
    T* Z = z + r * d3;
    std::fill(Z, Z + d3, T(0));
    for (const PathRange& p : paths_) {
      const T* wp = wp_all + p.weight_offset;
      if (p.uvu)
        forward_path<true>(entries + p.begin, entries + p.end, p.channels, wp, X, Y, Z);
      else
        forward_path<false>(entries + p.begin, entries + p.end, p.channels, wp, X, Y, Z);
    }
  });
}

template <typename T>
void CGKernelsImpl<T>::reverse(int rows, const T* x, const T* y, const T* w, const T* z_adj,
                               T* x_adj, T* y_adj, T* w_adj) {
  const int d1 = in1_.dim, d2 = in2_.dim, d3 = out_.dim, nw = n_weights_;
  ws_.prepare([nw](std::vector<T>& acc) { acc.assign(size_t(nw), T(0)); });
  const T* wp_all = w ? w : ones_.data();
  const Entry* entries = entries_.data();
  for_each_row("equinet::tp::cg_reverse", rows, ws_, [&](int64_t r, std::vector<T>& Wa) {
    const T *X = x + r * d1, *Y = y + r * d2, *Za = z_adj + r * d3;
    T *Xa = x_adj + r * d1, *Ya = y_adj + r * d2;
    std::fill(Xa, Xa + d1, T(0));
    std::fill(Ya, Ya + d2, T(0));
    for (const PathRange& p : paths_) {
      const T* wp = wp_all + p.weight_offset;
      T* wa = w_adj ? Wa.data() + p.weight_offset : nullptr;
      if (p.uvu)
        reverse_path<true>(entries + p.begin, entries + p.end, p.channels, wp, X, Y, Za, Xa, Ya,
                           wa);
      else
        reverse_path<false>(entries + p.begin, entries + p.end, p.channels, wp, X, Y, Za, Xa, Ya,
                            wa);
    }
  });
  if (w_adj) {
    std::fill(w_adj, w_adj + nw, T(0));
    for (const std::vector<T>& acc : ws_)
      for (int i = 0; i < nw; ++i) w_adj[i] += acc[i];
  }
}

}  // namespace

template <typename T>
CGKernels<T>* make_cg_kernels(const TensorProductDescription& description) {
  return new CGKernelsImpl<T>(description);
}
template CGKernels<float>* make_cg_kernels(const TensorProductDescription&);
template CGKernels<double>* make_cg_kernels(const TensorProductDescription&);

}  // namespace equinet::tp::detail
