#include "equinet/models/mace/conv_tp.hpp"

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cmath>

#include "equinet/models/mace/edge_graph.hpp"
#include "equinet/nn/radial_table.hpp"
#include "equinet/so3/wigner_3j.hpp"

namespace equinet::mace {

template <typename T>
ConvTP<T>::ConvTP(const so3::Irreps& in, int lmax, const so3::Irreps& target)
    : in_(in), lmax_(lmax) {
  // mace: for each input irrep, each sh irrep l (parity (-1)^l), each output
  // irrep of the product present in target: one slot; slots then sorted.
  std::vector<so3::MulIrrep> slots;
  std::vector<Instruction> ins;
  for (size_t b = 0; b < in.size(); ++b) {
    const auto& x = in[b];
    for (int l2 = 0; l2 <= lmax; ++l2) {
      const int p2 = (l2 % 2) ? -1 : 1;
      for (int l3 = std::abs(x.ir.l - l2); l3 <= x.ir.l + l2; ++l3) {
        const so3::Irrep out{l3, x.ir.p * p2};
        if (target.count(out) == 0) continue;
        Instruction i;
        i.block_in = int(b);
        i.l_in = x.ir.l;
        i.l_sh = l2;
        i.slot = int(slots.size());
        i.l_out = l3;
        i.mul = x.mul;
        slots.push_back({x.mul, out});
        ins.push_back(i);
      }
    }
  }
  std::vector<int> perm;
  mid_ = nn::FeatureLayout(so3::Irreps(slots).sorted(&perm));
  // mace sorts the instructions by output slot, and the radial weights
  // follow that order; each slot has exactly one instruction, so e3nn's
  // fan-in is 1 and norm = sqrt(2 l_out + 1).
  for (auto& i : ins) i.slot = perm[i.slot];
  std::stable_sort(ins.begin(), ins.end(),
                   [](const Instruction& a, const Instruction& b) { return a.slot < b.slot; });
  int offset = 0;
  for (auto& i : ins) {
    i.weight_offset = offset;
    offset += i.mul;
    const auto& C = so3::wigner_3j(i.l_in, i.l_sh, i.l_out);
    const int d2 = 2 * i.l_sh + 1, d3 = 2 * i.l_out + 1;
    const double norm = std::sqrt(double(d3));
    for (int m1 = 0; m1 < 2 * i.l_in + 1; ++m1)
      for (int m3 = 0; m3 < d3; ++m3) {
        Pair pair{m1, m3, {}};
        for (int m2 = 0; m2 < d2; ++m2) {
          const double c = C[(m1 * d2 + m2) * d3 + m3];
          if (c != 0.0) pair.terms.push_back({m2, T(norm * c)});
        }
        if (!pair.terms.empty()) i.pairs.push_back(std::move(pair));
      }
    if (int(i.pairs.size()) > kMaxPairs || i.mul > kMaxMul)
      throw std::invalid_argument("ConvTP: instruction too large (more than " +
                                  std::to_string(kMaxMul) + " channels)");
  }
  weight_count_ = offset;
  if (weight_count_ > kMaxFusedWeights)
    throw std::invalid_argument("ConvTP: more than " + std::to_string(kMaxFusedWeights) +
                                " radial weights per edge");
  instructions_ = std::move(ins);
}

template <typename T>
void ConvTP<T>::couplings(const Instruction& ins, const T* Y, T* K) {
  const T* Ys = Y + ins.l_sh * ins.l_sh;
  for (size_t p = 0; p < ins.pairs.size(); ++p) {
    T k = 0;
    for (const auto& t : ins.pairs[p].terms) k += t.c * Ys[t.m2];
    K[p] = k;
  }
}

template <typename T>
void ConvTP<T>::edge_forward(const Instruction& ins, const T* x, const T* Y, const T* w,
                             T* M) const {
  const int mul = ins.mul;
  const T* xb = x + in_.offsets[ins.block_in];
  const T* wi = w + ins.weight_offset;
  T* Mb = M + mid_.offsets[ins.slot];
  T K[kMaxPairs], wx[kMaxMul];
  couplings(ins, Y, K);
  int last_m1 = -1;
  for (size_t p = 0; p < ins.pairs.size(); ++p) {
    const auto& pr = ins.pairs[p];
    if (pr.m1 != last_m1) {
      const T* xm = xb + pr.m1 * mul;
      for (int u = 0; u < mul; ++u) wx[u] = wi[u] * xm[u];
      last_m1 = pr.m1;
    }
    const T k = K[p];
    T* dst = Mb + pr.m3 * mul;
    for (int u = 0; u < mul; ++u) dst[u] += k * wx[u];
  }
}

template <typename T>
void ConvTP<T>::edge_reverse(const Instruction& ins, const T* xj, const T* Ye, const T* we,
                             const T* Gr, T* xj_adj, T* we_adj, T* Ye_adj) const {
  T K[kMaxPairs], G[kMaxMul], wx[kMaxMul];
  const int mul = ins.mul;
  const T* xb = xj + in_.offsets[ins.block_in];
  T* xb_adj = xj_adj + in_.offsets[ins.block_in];
  const T* wi = we + ins.weight_offset;
  T* wi_adj = we_adj + ins.weight_offset;
  const T* gb = Gr + mid_.offsets[ins.slot];
  T* ya = Ye_adj + ins.l_sh * ins.l_sh;
  couplings(ins, Ye, K);
  size_t p = 0;
  while (p < ins.pairs.size()) {
    const int m1 = ins.pairs[p].m1;
    const T* xm = xb + m1 * mul;
    for (int u = 0; u < mul; ++u) {
      wx[u] = wi[u] * xm[u];
      G[u] = T(0);
    }
    for (; p < ins.pairs.size() && ins.pairs[p].m1 == m1; ++p) {
      const auto& pr = ins.pairs[p];
      const T* gm = gb + pr.m3 * mul;
      const T kp = K[p];
      T dot = 0;
#pragma omp simd reduction(+ : dot)
      for (int u = 0; u < mul; ++u) {
        G[u] += kp * gm[u];
        dot += wx[u] * gm[u];
      }
      for (const auto& t : pr.terms) ya[t.m2] += t.c * dot;
    }
    T* xm_adj = xb_adj + m1 * mul;
    for (int u = 0; u < mul; ++u) {
      xm_adj[u] += wi[u] * G[u];
      wi_adj[u] += xm[u] * G[u];
    }
  }
}

template <typename T>
template <typename EdgeWeights>
void ConvTP<T>::forward_impl(const EdgeGraph<T>& g, const T* x, const T* Y, EdgeWeights weights,
                             T* M) const {
  const int sh = sh_dim(), dx = in_.dim, dm = mid_.dim;
  Kokkos::parallel_for("eq.conv_forward",
                       Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, g.n_centers),
                       [&](int64_t i) {
                         T buf[kMaxFusedWeights];
                         T* Mi = M + i * dm;
                         std::fill(Mi, Mi + dm, T(0));
                         for (int64_t e = g.recv_offsets[i]; e < g.recv_offsets[i + 1]; ++e) {
                           const T* xj = x + int64_t(g.senders[e]) * dx;
                           const T* we = weights(e, buf, nullptr);
                           for (const auto& ins : instructions_)
                             edge_forward(ins, xj, Y + e * sh, we, Mi);
                         }
                       });
}

// Reverse grouped by sender: each node's x_adj and each edge's outputs are
// written by one thread only (no atomics).
template <typename T>
template <typename EdgeWeights, typename WeightAdjoint>
void ConvTP<T>::reverse_impl(const EdgeGraph<T>& g, const T* x, const T* Y, EdgeWeights weights,
                             WeightAdjoint finish, const T* M_adj, T* x_adj, T* Y_adj) const {
  const int sh = sh_dim(), nw = weight_count_, dx = in_.dim, dm = mid_.dim;
  Kokkos::parallel_for(
      "eq.conv_reverse", Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, g.n_nodes),
      [&](int64_t j) {
        T wbuf[kMaxFusedWeights], dwbuf[kMaxFusedWeights], abuf[kMaxFusedWeights];
        const T* xj = x + j * dx;
        T* xj_adj = x_adj + j * dx;
        for (int64_t k = g.send_offsets[j]; k < g.send_offsets[j + 1]; ++k) {
          const int64_t e = g.by_sender[k];
          const T* we = weights(e, wbuf, dwbuf);
          T* we_adj = finish.buffer(e, abuf);
          std::fill(we_adj, we_adj + nw, T(0));
          const T* Gr = M_adj + int64_t(g.receivers[e]) * dm;
          if (k + 1 < g.send_offsets[j + 1]) {
            // the next edge's receiver row is a random access: start loading it now
            const T* next = M_adj + int64_t(g.receivers[g.by_sender[k + 1]]) * dm;
            for (int c = 0; c < dm; c += int(64 / sizeof(T))) __builtin_prefetch(next + c);
          }
          for (const auto& ins : instructions_)
            edge_reverse(ins, xj, Y + e * sh, we, Gr, xj_adj, we_adj, Y_adj + e * sh);
          finish(e, we_adj, dwbuf);
        }
      });
}

namespace {
// Weights stored per edge (radial MLP mode).
template <typename T>
struct StoredWeights {
  const T* w;
  int nw;
  const T* operator()(int64_t e, T*, T*) const { return w + e * nw; }
};
template <typename T>
struct StoredAdjoint {
  T* w_adj;
  int nw;
  T* buffer(int64_t e, T*) const { return w_adj + e * nw; }
  void operator()(int64_t, const T*, const T*) const {}
};
// Weights from a radial table, evaluated on the fly (no per-edge storage).
template <typename T>
struct TableWeights {
  const nn::RadialTable<T>* table;
  const T* r;
  const T* operator()(int64_t e, T* w, T* dw) const {
    table->evaluate(r[e], w, dw);
    return w;
  }
};
template <typename T>
struct TableAdjoint {
  T* r_adj;
  int nw;
  T* buffer(int64_t, T* buf) const { return buf; }
  void operator()(int64_t e, const T* w_adj, const T* dw) const {
    T s = 0;
#pragma omp simd reduction(+ : s)
    for (int k = 0; k < nw; ++k) s += w_adj[k] * dw[k];
    r_adj[e] += s;
  }
};
}  // namespace

template <typename T>
void ConvTP<T>::forward(const EdgeGraph<T>& g, const T* x, const T* Y, const T* w, T* M) const {
  forward_impl(g, x, Y, StoredWeights<T>{w, weight_count_}, M);
}

template <typename T>
void ConvTP<T>::reverse(const EdgeGraph<T>& g, const T* x, const T* Y, const T* w, const T* M_adj,
                        T* x_adj, T* w_adj, T* Y_adj) const {
  reverse_impl(g, x, Y, StoredWeights<T>{w, weight_count_}, StoredAdjoint<T>{w_adj, weight_count_},
               M_adj, x_adj, Y_adj);
}

template <typename T>
void ConvTP<T>::forward(const EdgeGraph<T>& g, const T* x, const T* Y, const T* r,
                        const nn::RadialTable<T>& table, T* M) const {
  forward_impl(g, x, Y, TableWeights<T>{&table, r}, M);
}

template <typename T>
void ConvTP<T>::reverse(const EdgeGraph<T>& g, const T* x, const T* Y, const T* r,
                        const nn::RadialTable<T>& table, const T* M_adj, T* x_adj, T* Y_adj,
                        T* r_adj) const {
  reverse_impl(g, x, Y, TableWeights<T>{&table, r}, TableAdjoint<T>{r_adj, weight_count_}, M_adj,
               x_adj, Y_adj);
}

template class ConvTP<float>;
template class ConvTP<double>;

}  // namespace equinet::mace
