// The sparse CG product's kernels (a): compiled into libequinet and into
// every instruction-set variant (see tp/detail/product_kernels.hpp).
#include <algorithm>
#include <cmath>
#include <vector>

#include "equinet/so3/wigner_3j.hpp"
#include "equinet/tp/detail/channel_layout.hpp"
#include "equinet/tp/detail/product_kernels.hpp"
#include "equinet/tp/detail/row_parallel.hpp"
#include "equinet/tp/kernels/factories.hpp"

namespace equinet::tp::detail {
namespace {

template <typename T>
class CGKernelsImpl final : public CGKernels<T> {
 public:
  explicit CGKernelsImpl(const TensorProductDescription& description);
  size_t n_coefficients() const override { return entries_.size(); }
  void forward(int rows, const T* x, const T* y, const T* w, T* z) override;
  void reverse(int rows, const T* x, const T* y, const T* w, const T* z_adj, T* x_adj, T* y_adj,
               T* w_adj) override;

 private:
  int n_weights() const { return int(desc_.paths.size()) * desc_.channels(); }
  struct Entry {
    int i, j, k;  // components of in1, in2, out
    T value;
  };
  TensorProductDescription desc_;
  ChannelLayout in1_, in2_, out_;
  std::vector<Entry> entries_;
  std::vector<int> path_begin_;  // entries of path p: [path_begin_[p], path_begin_[p+1])
  std::vector<T> ones_;
  ThreadWorkspace<T> ws_;
};

template <typename T>
CGKernelsImpl<T>::CGKernelsImpl(const TensorProductDescription& description) : desc_(description) {
  in1_ = ChannelLayout(desc_.in1, false);
  in2_ = ChannelLayout(desc_.in2, false);
  out_ = ChannelLayout(desc_.out, false);
  for (const Path& p : desc_.paths) {
    path_begin_.push_back(int(entries_.size()));
    const int l1 = desc_.in1[p.in1].ir.l, l2 = desc_.in2[p.in2].ir.l, l3 = desc_.out[p.out].ir.l;
    const auto& C = so3::wigner_3j(l1, l2, l3);
    const int d2 = 2 * l2 + 1, d3 = 2 * l3 + 1;
    for (int a = 0; a < 2 * l1 + 1; ++a)
      for (int b = 0; b < d2; ++b)
        for (int c = 0; c < d3; ++c) {
          const double v = C[(a * d2 + b) * d3 + c];
          if (std::abs(v) < 1e-14) continue;  // exact zeros up to rounding
          entries_.push_back({in1_.component(p.in1) + a, in2_.component(p.in2) + b,
                              out_.component(p.out) + c, T(p.weight * v)});
        }
  }
  path_begin_.push_back(int(entries_.size()));
  ones_.assign(size_t(n_weights()), T(1));
}

template <typename T>
void CGKernelsImpl<T>::forward(int rows, const T* x, const T* y, const T* w, T* z) {
  const int C = desc_.channels(), n1 = in1_.n_components(), n2 = in2_.n_components(),
            no = out_.n_components();
  ws_.reserve(size_t(n1 + n2 + no) * C);
  const T* wp_all = w ? w : ones_.data();
  for_each_row("equinet::tp::cg_forward", rows, [&](int r, int id) {
    T* X = ws_.slot(id);
    T* Y = X + size_t(n1) * C;
    T* Z = Y + size_t(n2) * C;
    in1_.pack(x + size_t(r) * in1_.row_dim(), X);
    in2_.pack(y + size_t(r) * in2_.row_dim(), Y);
    std::fill(Z, Z + size_t(no) * C, T(0));
    for (size_t p = 0; p + 1 < path_begin_.size(); ++p) {
      const T* wp = wp_all + p * C;
      for (int e = path_begin_[p]; e < path_begin_[p + 1]; ++e) {
        const Entry& en = entries_[e];
        const T *xi = X + size_t(en.i) * C, *yj = Y + size_t(en.j) * C;
        T* zk = Z + size_t(en.k) * C;
        const T v = en.value;  // see reverse
        for (int c = 0; c < C; ++c) zk[c] += v * wp[c] * xi[c] * yj[c];
      }
    }
    out_.unpack(Z, z + size_t(r) * out_.row_dim());
  });
}

template <typename T>
void CGKernelsImpl<T>::reverse(int rows, const T* x, const T* y, const T* w, const T* z_adj,
                               T* x_adj, T* y_adj, T* w_adj) {
  const int C = desc_.channels(), n1 = in1_.n_components(), n2 = in2_.n_components(),
            no = out_.n_components(), nw = n_weights();
  const size_t per_thread = size_t(2 * n1 + 2 * n2 + no) * C + nw;
  ws_.reserve(per_thread);
  for (size_t s = 0; s < ws_.slots(); ++s) {  // weight-gradient accumulators
    T* acc = ws_.slot(int(s)) + per_thread - nw;
    std::fill(acc, acc + nw, T(0));
  }
  const T* wp_all = w ? w : ones_.data();
  for_each_row("equinet::tp::cg_reverse", rows, [&](int r, int id) {
    T* X = ws_.slot(id);
    T* Y = X + size_t(n1) * C;
    T* Za = Y + size_t(n2) * C;
    T* Xa = Za + size_t(no) * C;
    T* Ya = Xa + size_t(n1) * C;
    T* Wa = ws_.slot(id) + per_thread - nw;
    in1_.pack(x + size_t(r) * in1_.row_dim(), X);
    in2_.pack(y + size_t(r) * in2_.row_dim(), Y);
    out_.pack(z_adj + size_t(r) * out_.row_dim(), Za);
    std::fill(Xa, Xa + size_t(n1 + n2) * C, T(0));
    for (size_t p = 0; p + 1 < path_begin_.size(); ++p) {
      const T* wp = wp_all + p * C;
      T* wa = Wa + p * C;
      for (int e = path_begin_[p]; e < path_begin_[p + 1]; ++e) {
        const Entry& en = entries_[e];
        const T *xi = X + size_t(en.i) * C, *yj = Y + size_t(en.j) * C, *zk = Za + size_t(en.k) * C;
        T *xa = Xa + size_t(en.i) * C, *ya = Ya + size_t(en.j) * C;
        // a local copy: stores through xa, ya (type T) could otherwise change
        // en.value, which kept GCC from vectorising the loop
        const T v = en.value;
        for (int c = 0; c < C; ++c) {
          const T g = v * zk[c] * wp[c];
          xa[c] += g * yj[c];
          ya[c] += g * xi[c];
        }
        if (w_adj)
          for (int c = 0; c < C; ++c) wa[c] += v * zk[c] * xi[c] * yj[c];
      }
    }
    in1_.unpack(Xa, x_adj + size_t(r) * in1_.row_dim());
    in2_.unpack(Ya, y_adj + size_t(r) * in2_.row_dim());
  });
  if (w_adj) {
    std::fill(w_adj, w_adj + nw, T(0));
    for (size_t s = 0; s < ws_.slots(); ++s) {
      const T* acc = ws_.slot(int(s)) + per_thread - nw;
      for (int i = 0; i < nw; ++i) w_adj[i] += acc[i];
    }
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
