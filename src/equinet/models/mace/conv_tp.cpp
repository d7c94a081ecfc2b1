#include "equinet/models/mace/conv_tp.hpp"

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cmath>

#include "equinet/models/mace/edge_graph.hpp"
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
      for (int m2 = 0; m2 < d2; ++m2)
        for (int m3 = 0; m3 < d3; ++m3) {
          const double c = C[(m1 * d2 + m2) * d3 + m3];
          if (c != 0.0) i.entries.push_back({m1, m2, m3, T(norm * c)});
        }
  }
  weight_count_ = offset;
  instructions_ = std::move(ins);
}

template <typename T>
void ConvTP<T>::edge_forward(const Instruction& ins, const T* x, const T* Y, const T* w,
                             T* M) const {
  const int mul = ins.mul;
  const T* xb = x + in_.offsets[ins.block_in];
  const T* wi = w + ins.weight_offset;
  T* Mb = M + mid_.offsets[ins.slot];
  const T* Ys = Y + ins.l_sh * ins.l_sh;
  for (const auto& e : ins.entries) {
    const T coef = e.c * Ys[e.m2];
    const T* src = xb + e.m1 * mul;
    T* dst = Mb + e.m3 * mul;
    for (int u = 0; u < mul; ++u) dst[u] += coef * wi[u] * src[u];
  }
}

template <typename T>
void ConvTP<T>::forward(const EdgeGraph<T>& g, const T* x, const T* Y, const T* w, T* M) const {
  const int sh = sh_dim(), nw = weight_count_, dx = in_.dim, dm = mid_.dim;
  Kokkos::parallel_for("equinet::ConvTP::forward",
                       Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, g.n_centers),
                       [&](int64_t i) {
                         T* Mi = M + i * dm;
                         std::fill(Mi, Mi + dm, T(0));
                         for (int64_t e = g.recv_offsets[i]; e < g.recv_offsets[i + 1]; ++e) {
                           const T* xj = x + int64_t(g.senders[e]) * dx;
                           for (const auto& ins : instructions_)
                             edge_forward(ins, xj, Y + e * sh, w + e * nw, Mi);
                         }
                       });
}

template <typename T>
void ConvTP<T>::reverse(const EdgeGraph<T>& g, const T* x, const T* Y, const T* w, const T* M_adj,
                        T* x_adj, T* w_adj, T* Y_adj) const {
  const int sh = sh_dim(), nw = weight_count_, dx = in_.dim, dm = mid_.dim;
  Kokkos::parallel_for("equinet::ConvTP::reverse",
                       Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, g.n_nodes),
                       [&](int64_t j) {
                         const T* xj = x + j * dx;
                         T* xj_adj = x_adj + j * dx;
                         for (int64_t k = g.send_offsets[j]; k < g.send_offsets[j + 1]; ++k) {
                           const int64_t e = g.by_sender[k];
                           const T* G = M_adj + int64_t(g.receivers[e]) * dm;
                           const T* Ye = Y + e * sh;
                           const T* we = w + e * nw;
                           T* we_adj = w_adj + e * nw;
                           T* Ye_adj = Y_adj + e * sh;
                           std::fill(we_adj, we_adj + nw, T(0));
                           for (const auto& ins : instructions_) {
                             const int mul = ins.mul;
                             const T* xb = xj + in_.offsets[ins.block_in];
                             T* xb_adj = xj_adj + in_.offsets[ins.block_in];
                             const T* wi = we + ins.weight_offset;
                             T* wi_adj = we_adj + ins.weight_offset;
                             const T* Gb = G + mid_.offsets[ins.slot];
                             const int ysh = ins.l_sh * ins.l_sh;
                             for (const auto& en : ins.entries) {
                               const T* gm = Gb + en.m3 * mul;
                               const T* xm = xb + en.m1 * mul;
                               T* xm_adj = xb_adj + en.m1 * mul;
                               const T coef = en.c * Ye[ysh + en.m2];
                               T s = T(0);
                               for (int u = 0; u < mul; ++u) {
                                 const T gx = gm[u] * xm[u];
                                 s += wi[u] * gx;
                                 wi_adj[u] += coef * gx;
                                 xm_adj[u] += coef * wi[u] * gm[u];
                               }
                               Ye_adj[ysh + en.m2] += en.c * s;
                             }
                           }
                         }
                       });
}

template class ConvTP<float>;
template class ConvTP<double>;

}  // namespace equinet::mace
