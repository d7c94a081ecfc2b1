#include "equinet/models/mace/conv_tp.hpp"

#include <algorithm>
#include <cmath>

#include "equinet/detail/parallel.hpp"
#include "equinet/detail/simd.hpp"
#include "equinet/models/common/edge_graph.hpp"
#include "equinet/nn/radial_table.hpp"

namespace equinet::mace {

tp::TensorProductDescription conv_description(const so3::Irreps& in, int lmax,
                                              const so3::Irreps& target) {
  std::vector<so3::MulIrrep> sh;
  for (int l = 0; l <= lmax; ++l) sh.push_back({1, {l, (l % 2) ? -1 : 1}});
  // mace: for each input irrep, each sh irrep l (parity (-1)^l), each output
  // irrep of the product present in target: one slot; slots then sorted.
  std::vector<so3::MulIrrep> slots;
  std::vector<tp::Path> paths;
  for (size_t b = 0; b < in.size(); ++b) {
    const auto& x = in[b];
    for (int l2 = 0; l2 <= lmax; ++l2)
      for (int l3 = std::abs(x.ir.l - l2); l3 <= x.ir.l + l2; ++l3) {
        const so3::Irrep out{l3, x.ir.p * sh[l2].ir.p};
        if (target.count(out) == 0) continue;
        // each slot has exactly one instruction, so e3nn's fan-in is 1 and
        // norm = sqrt(2 l_out + 1)
        paths.push_back(
            {int(b), l2, int(slots.size()), std::sqrt(double(2 * l3 + 1)), tp::Mode::uvu});
        slots.push_back({x.mul, out});
      }
  }
  // mace sorts the instructions by output slot, and the radial weights
  // follow that order
  std::vector<int> perm;
  tp::TensorProductDescription d{in, so3::Irreps(sh), so3::Irreps(slots).sorted(&perm), {}};
  for (auto& p : paths) p.out = perm[p.out];
  std::stable_sort(paths.begin(), paths.end(),
                   [](const tp::Path& a, const tp::Path& b) { return a.out < b.out; });
  d.paths = std::move(paths);
  tp::validate(d);
  return d;
}

template <typename T>
ConvTP<T>::ConvTP(const so3::Irreps& in, int lmax, const so3::Irreps& target)
    : desc_(conv_description(in, lmax, target)), in_(in), mid_(desc_.out), lmax_(lmax) {
  std::vector<Instruction> ins;
  for (size_t n = 0; n < desc_.paths.size(); ++n) {
    const tp::Path& path = desc_.paths[n];
    Instruction i;
    i.block_in = path.in1;
    i.l_in = in[path.in1].ir.l;
    i.l_sh = desc_.in2[path.in2].ir.l;
    i.slot = path.out;
    i.l_out = desc_.out[path.out].ir.l;
    i.mul = in[path.in1].mul;
    i.weight_offset = desc_.weight_offset(n);
    // the kernels' tables: pairs (m1, m3) in row-major order, each with its
    // terms by m2 (a stable sort of the (m1, m2, m3) list keeps m2 ascending)
    std::vector<tp::Coefficient> coefficients = tp::path_coefficients(desc_, path);
    std::stable_sort(coefficients.begin(), coefficients.end(),
                     [](const tp::Coefficient& a, const tp::Coefficient& b) {
                       return a.m1 != b.m1 ? a.m1 < b.m1 : a.m3 < b.m3;
                     });
    i.pair_begin = int(pairs_.size());
    for (size_t t = 0; t < coefficients.size(); ++t) {
      const tp::Coefficient& c = coefficients[t];
      if (t == 0 || c.m1 != coefficients[t - 1].m1 || c.m3 != coefficients[t - 1].m3)
        pairs_.push_back({c.m1, c.m3, int(terms_.size()), 0});
      terms_.push_back({i.l_sh * i.l_sh + c.m2, T(c.value)});
      pairs_.back().term_end = int(terms_.size());
    }
    i.pair_end = int(pairs_.size());
    i.group_begin = int(groups_.size());
    for (int p = i.pair_begin; p < i.pair_end; ++p) {
      if (p == i.pair_begin || pairs_[p].m1 != pairs_[p - 1].m1)
        groups_.push_back({pairs_[p].m1, p, p});
      groups_.back().pair_end = p + 1;
    }
    i.group_end = int(groups_.size());
    if (i.mul > kMaxMul)
      throw std::invalid_argument("ConvTP: more than " + std::to_string(kMaxMul) + " channels");
    ins.push_back(i);
  }
  if (sh_dim() > kMaxSh) throw std::invalid_argument("ConvTP: l_max > 7 is not supported");
  if (pair_count() > kMaxPairs)
    throw std::invalid_argument("ConvTP: more than " + std::to_string(kMaxPairs) +
                                " non-zero coupling pairs");
  // the terms again, grouped by spherical-harmonic component (reverse pass)
  by_m2_offsets_.assign(size_t(sh_dim()) + 1, 0);
  for (int m2 = 0; m2 < sh_dim(); ++m2) {
    for (int p = 0; p < pair_count(); ++p)
      for (int t = pairs_[p].term_begin; t < pairs_[p].term_end; ++t)
        if (terms_[t].m2 == m2) by_m2_.push_back({p, terms_[t].c});
    by_m2_offsets_[m2 + 1] = int(by_m2_.size());
  }
  weight_count_ = desc_.n_weights();
  // one block width for every instruction: the widest dividing all of them
  lanes_ = detail::kMaxLanes<T>;
  for (const auto& i : ins) lanes_ = std::min(lanes_, detail::lanes_dividing<T>(i.mul));
  // a block count fixed at compile time when every instruction has the same width
  blocks_ = ins.empty() ? 0 : ins[0].mul / lanes_;
  for (const auto& i : ins)
    if (i.mul != ins[0].mul) blocks_ = 0;
  instructions_ = std::move(ins);
}

template <typename T>
std::vector<tp::Coefficient> ConvTP<T>::coefficients(int path) const {
  const Instruction& i = instructions_.at(size_t(path));
  std::vector<tp::Coefficient> list;
  for (int p = i.pair_begin; p < i.pair_end; ++p)
    for (int t = pairs_[p].term_begin; t < pairs_[p].term_end; ++t)
      list.push_back(
          {pairs_[p].m1, terms_[t].m2 - i.l_sh * i.l_sh, pairs_[p].m3, double(terms_[t].c)});
  return list;
}

// Vectorised across edges: W edges' harmonics are transposed into lane
// blocks, each pair's K is a few vector FMAs, then written back per edge.
template <typename T>
void ConvTP<T>::couplings(int64_t n_edges, const T* Y, T* K) const {
  constexpr int W = detail::kMaxLanes<T>;
  using L = detail::Lanes<T, W>;
  using V = typename L::vec;
  const int sh = sh_dim(), np = pair_count();
  const int64_t blocks = (n_edges + W - 1) / W;
  detail::parallel_for("eq.conv_coupl", blocks, [&](int64_t b) {
    const int64_t e0 = b * W;
    const int n = int(std::min<int64_t>(W, n_edges - e0));
    V Yt[kMaxSh];
    for (int m2 = 0; m2 < sh; ++m2) {
      Yt[m2] = V{};
      for (int lane = 0; lane < n; ++lane) Yt[m2][lane] = Y[(e0 + lane) * sh + m2];
    }
    for (int p = 0; p < np; ++p) {
      V k{};
      for (int t = pairs_[p].term_begin; t < pairs_[p].term_end; ++t)
        k += terms_[t].c * Yt[terms_[t].m2];
      for (int lane = 0; lane < n; ++lane) K[(e0 + lane) * np + p] = k[lane];
    }
  });
}

// M (one receiver's row) += messages of NE edges into that receiver, from
// their senders' rows x[n], couplings K[n] and radial weights. Pairs are
// decoded once and applied to every edge and block of channels; the edges
// share each load and store of M.
template <typename T>
template <int W, int NB, int NE, typename Weights>
void ConvTP<T>::edge_forward(const T* const* x, const T* const* K, const Weights& wt, T* M) const {
  using L = detail::Lanes<T, W>;
  using V = typename L::vec;
  constexpr int kBlocks = NB ? NB : kMaxMul / W;
  V wv[NE][kBlocks], wx[NE][kBlocks];
  for (const auto& ins : instructions_) {
    const int mul = ins.mul, nb = NB ? NB : mul / W;
    for (int n = 0; n < NE; ++n)
      for (int b = 0; b < nb; ++b) wv[n][b] = wt.template value<W>(n, ins.weight_offset + b * W);
    T* Mb = M + mid_.offsets[ins.slot];
    for (int gi = ins.group_begin; gi < ins.group_end; ++gi) {
      const Group& grp = groups_[gi];
      const int xoff = in_.offsets[ins.block_in] + grp.m1 * mul;
      for (int n = 0; n < NE; ++n)
        for (int b = 0; b < nb; ++b) wx[n][b] = wv[n][b] * L::load(x[n] + xoff + b * W);
      for (int p = grp.pair_begin; p < grp.pair_end; ++p) {
        T k[NE];
        for (int n = 0; n < NE; ++n) k[n] = K[n][p];
        T* dst = Mb + pairs_[p].m3 * mul;
        for (int b = 0; b < nb; ++b) {
          V acc = L::load(dst + b * W);
          for (int n = 0; n < NE; ++n) acc += k[n] * wx[n][b];
          L::store(dst + b * W, acc);
        }
      }
    }
  }
}

// Adjoints of NE edges from one sender (row xj, adjoint row xj_adj, +=),
// given their receivers' message adjoints Gr[n]: Y_adj[n] (+=) and the
// radial weights' adjoints, handed to `wt` per block (stored for the MLP,
// contracted with the spline's derivative into dE/dr for the table). The
// edges share the loads of xj and the read-modify-writes of xj_adj.
template <typename T>
template <int W, int NB, int NE, typename Weights>
void ConvTP<T>::edge_reverse(const T* xj, T* xj_adj, const T* const* K, const T* const* Gr,
                             T* const* Y_adj, const Weights& wt) const {
  using L = detail::Lanes<T, W>;
  using V = typename L::vec;
  constexpr int kBlocks = NB ? NB : kMaxMul / W;
  // dots[n][p]: per-lane Σ_u w x[m1] G[m3] of pair p; Y_adj is formed from
  // them once per edge (plain stores here, no read-modify-write chains)
  V dots[NE][kMaxPairs], wv[NE][kBlocks], wx[NE][kBlocks], G[NE][kBlocks], wadj[NE][kBlocks],
      xm[kBlocks];
  V racc[NE] = {};
  for (const auto& ins : instructions_) {
    const int mul = ins.mul, nb = NB ? NB : mul / W;
    const int wo = ins.weight_offset;
    for (int n = 0; n < NE; ++n)
      for (int b = 0; b < nb; ++b) {
        wv[n][b] = wt.template value<W>(n, wo + b * W);
        wadj[n][b] = V{};
      }
    for (int gi = ins.group_begin; gi < ins.group_end; ++gi) {
      const Group& grp = groups_[gi];
      const int xoff = in_.offsets[ins.block_in] + grp.m1 * mul;
      for (int b = 0; b < nb; ++b) xm[b] = L::load(xj + xoff + b * W);
      for (int n = 0; n < NE; ++n)
        for (int b = 0; b < nb; ++b) {
          wx[n][b] = wv[n][b] * xm[b];
          G[n][b] = V{};
        }
      for (int p = grp.pair_begin; p < grp.pair_end; ++p) {
        const int goff = mid_.offsets[ins.slot] + pairs_[p].m3 * mul;
        for (int n = 0; n < NE; ++n) {
          const T k = K[n][p];
          V dot{};
          for (int b = 0; b < nb; ++b) {
            const V g = L::load(Gr[n] + goff + b * W);
            G[n][b] += k * g;
            dot += wx[n][b] * g;
          }
          dots[n][p] = dot;
        }
      }
      T* xa = xj_adj + xoff;
      for (int b = 0; b < nb; ++b) {
        V acc = L::load(xa + b * W);
        for (int n = 0; n < NE; ++n) {
          acc += wv[n][b] * G[n][b];
          wadj[n][b] += xm[b] * G[n][b];
        }
        L::store(xa + b * W, acc);
      }
    }
    for (int n = 0; n < NE; ++n)
      for (int b = 0; b < nb; ++b) wt.template adjoint<W>(n, wo + b * W, wadj[n][b], racc[n]);
  }
  for (int n = 0; n < NE; ++n) {
    for (int m2 = 0; m2 < sh_dim(); ++m2) {
      V y{};
      for (int t = by_m2_offsets_[m2]; t < by_m2_offsets_[m2 + 1]; ++t)
        y += by_m2_[t].c * dots[n][by_m2_[t].pair];
      Y_adj[n][m2] += L::sum(y);
    }
    wt.finish(n, L::sum(racc[n]));
  }
}

namespace {
// Radial weights of NE edges held as rows (the MLP's batch output); their
// adjoints are stored as rows too (reverse; then back through the MLP).
template <typename T, int NE>
struct StoredWeights {
  const T* w[NE];
  T* w_adj[NE];
  template <int W>
  typename detail::Lanes<T, W>::vec value(int n, int off) const {
    return detail::Lanes<T, W>::load(w[n] + off);
  }
  template <int W, typename V>
  void adjoint(int n, int off, V wadj, V&) const {
    detail::Lanes<T, W>::store(w_adj[n] + off, wadj);
  }
  void finish(int, T) const {}
};

// Radial weights of NE edges evaluated in place from their spline pieces:
// no weight rows are written or read back. The adjoint is contracted with
// the spline's r-derivative straight into dE/dr.
template <typename T, int NE>
struct SplineWeights {
  const T* c[NE];  // piece coefficients [4][width]
  T t[NE], t2[NE], t3[NE], inv_h;
  T* r_adj[NE];
  int width;
  template <int W>
  typename detail::Lanes<T, W>::vec value(int n, int off) const {
    using L = detail::Lanes<T, W>;
    const T* p = c[n] + off;
    return L::load(p) + t[n] * (L::load(p + width) +
                                t[n] * (L::load(p + 2 * width) + t[n] * L::load(p + 3 * width)));
  }
  template <int W, typename V>
  void adjoint(int n, int off, V wadj, V& racc) const {
    using L = detail::Lanes<T, W>;
    const T* p = c[n] + off + width;
    racc += wadj * (L::load(p) + t2[n] * L::load(p + width) + t3[n] * L::load(p + 2 * width));
  }
  void finish(int n, T s) const { *r_adj[n] += s * inv_h; }
};

// Batch interface of a weight source: begin() before a batch of n edges
// (ids[j], or e0 + j when ids is null), set() fills slot n of a kernel
// call's weights with edge e (j-th of the batch), end() after a reverse
// batch.
template <typename T>
struct MlpSource {
  template <int NE>
  using Weights = StoredWeights<T, NE>;
  const nn::RadialMLP<T>* mlp;
  const T *feats, *dfeats;
  int nw;
  void begin(int64_t n, const int64_t* ids, int64_t e0, bool reverse,
             typename ConvTP<T>::Workspace& ws) const {
    const int nb = mlp->in_dim();
    detail::grow(ws.w, size_t(n) * nw);
    const T* in = feats + e0 * nb;  // contiguous edges are read in place
    if (ids) {
      detail::grow(ws.feats, size_t(n) * nb);
      for (int64_t j = 0; j < n; ++j)
        std::copy(feats + ids[j] * nb, feats + (ids[j] + 1) * nb, ws.feats.data() + j * nb);
      in = ws.feats.data();
    }
    mlp->forward(n, in, ws.w.data(), ws.mlp);
    if (reverse) {
      detail::grow(ws.w_adj, size_t(n) * nw);
      detail::grow(ws.feats_adj, size_t(n) * nb);
    }
  }
  // Workspaces for batches of up to n edges, grown before the parallel loop.
  void reserve(int64_t n, bool reverse, typename ConvTP<T>::Workspace& ws) const {
    const int nb = mlp->in_dim();
    detail::grow(ws.w, size_t(n) * nw);
    mlp->reserve(n, ws.mlp);
    if (reverse) {
      detail::grow(ws.feats, size_t(n) * nb);
      detail::grow(ws.w_adj, size_t(n) * nw);
      detail::grow(ws.feats_adj, size_t(n) * nb);
    }
  }
  template <int NE>
  void set(Weights<NE>& wt, int n, int64_t, int64_t j, bool reverse,
           typename ConvTP<T>::Workspace& ws, T*) const {
    wt.w[n] = ws.w.data() + j * nw;
    wt.w_adj[n] = reverse ? ws.w_adj.data() + j * nw : nullptr;
  }
  void end(int64_t n, const int64_t* ids, typename ConvTP<T>::Workspace& ws, T* r_adj) const {
    const int nb = mlp->in_dim();
    mlp->reverse(n, ws.w_adj.data(), ws.feats_adj.data(), ws.mlp);
    for (int64_t j = 0; j < n; ++j) {
      const T* fa = ws.feats_adj.data() + j * nb;
      const T* df = dfeats + ids[j] * nb;
      T s = 0;
      for (int k = 0; k < nb; ++k) s += fa[k] * df[k];
      r_adj[ids[j]] += s;
    }
  }
};

// Weights from a ResidualNonLinear block's network: input rows gathered per
// batch (basis, sender and receiver embeddings), outputs times the cutoff.
template <typename T>
struct EdgeNetSource {
  template <int NE>
  using Weights = StoredWeights<T, NE>;
  const nn::LayerNormMLP<T>* net;
  EdgeNetInputs<T> in;
  const int *senders, *receivers, *species;
  int nw;
  int row_width() const { return in.n_basis + 2 * in.width; }
  void reserve(int64_t n, bool reverse, typename ConvTP<T>::Workspace& ws) const {
    detail::grow(ws.feats, size_t(n) * row_width());
    detail::grow(ws.w, size_t(n) * nw);
    detail::grow(ws.w_raw, size_t(n) * nw);
    net->reserve(n, ws.net);
    if (reverse) {
      detail::grow(ws.w_adj, size_t(n) * nw);
      detail::grow(ws.feats_adj, size_t(n) * row_width());
    }
  }
  void begin(int64_t n, const int64_t* ids, int64_t e0, bool reverse,
             typename ConvTP<T>::Workspace& ws) const {
    reserve(n, reverse, ws);
    const int nb = in.n_basis, rw = row_width();
    for (int64_t j = 0; j < n; ++j) {
      const int64_t e = ids ? ids[j] : e0 + j;
      T* row = ws.feats.data() + j * rw;
      std::copy(in.feats + e * nb, in.feats + (e + 1) * nb, row);
      const T* src = in.source + int64_t(species[senders[e]]) * in.width;
      const T* tgt = in.target + int64_t(species[receivers[e]]) * in.width;
      std::copy(src, src + in.width, row + nb);
      std::copy(tgt, tgt + in.width, row + nb + in.width);
    }
    net->forward(n, ws.feats.data(), ws.w_raw.data(), ws.net);
    for (int64_t j = 0; j < n; ++j) {
      const T u = in.cutoff ? in.cutoff[ids ? ids[j] : e0 + j] : T(1);
      for (int k = 0; k < nw; ++k) ws.w[j * nw + k] = u * ws.w_raw[j * nw + k];
    }
  }
  template <int NE>
  void set(Weights<NE>& wt, int n, int64_t, int64_t j, bool reverse,
           typename ConvTP<T>::Workspace& ws, T*) const {
    wt.w[n] = ws.w.data() + j * nw;
    wt.w_adj[n] = reverse ? ws.w_adj.data() + j * nw : nullptr;
  }
  void end(int64_t n, const int64_t* ids, typename ConvTP<T>::Workspace& ws, T* r_adj) const {
    const int nb = in.n_basis, rw = row_width();
    for (int64_t j = 0; in.cutoff && j < n; ++j) {
      const int64_t e = ids[j];
      T* wa = ws.w_adj.data() + j * nw;
      const T* raw = ws.w_raw.data() + j * nw;
      T s = 0;
      for (int k = 0; k < nw; ++k) s += wa[k] * raw[k];
      r_adj[e] += s * in.dcutoff[e];
      for (int k = 0; k < nw; ++k) wa[k] *= in.cutoff[e];
    }
    net->reverse(n, ws.w_adj.data(), ws.feats_adj.data(), ws.net);
    for (int64_t j = 0; j < n; ++j) {
      const T* fa = ws.feats_adj.data() + j * rw;
      const T* df = in.dfeats + ids[j] * nb;
      T s = 0;
      for (int k = 0; k < nb; ++k) s += fa[k] * df[k];
      r_adj[ids[j]] += s;
    }
  }
};

// Weights from a radial table's spline pieces, evaluated inside the kernels.
template <typename T>
struct TableSource {
  template <int NE>
  using Weights = SplineWeights<T, NE>;
  const nn::RadialTable<T>* table;
  const T* r;
  int nw;
  void reserve(int64_t, bool, typename ConvTP<T>::Workspace&) const {}
  void begin(int64_t, const int64_t*, int64_t, bool, typename ConvTP<T>::Workspace&) const {}
  template <int NE>
  void set(Weights<NE>& wt, int n, int64_t e, int64_t, bool, typename ConvTP<T>::Workspace&,
           T* r_adj) const {
    const auto piece = table->piece(r[e]);
    wt.c[n] = piece.c;
    wt.t[n] = piece.t;
    wt.t2[n] = T(2) * piece.t;
    wt.t3[n] = T(3) * piece.t * piece.t;
    wt.inv_h = piece.inv_h;
    wt.r_adj[n] = r_adj ? r_adj + e : nullptr;
    wt.width = nw;
  }
  void end(int64_t, const int64_t*, typename ConvTP<T>::Workspace&, T*) const {}
};

// Edges per kernel call: more edges share more loads, as long as their
// per-edge registers (2 x NB blocks each) fit.
constexpr int edges_per_call(int NB) { return NB == 1 || NB == 2 ? 4 : 2; }
// The reverse kernel keeps four blocks per edge (w, w x, G, w adjoint): more
// than one block per edge at 4 edges spills registers (measured: 2 edges per
// call 4% faster than 4 at 2 blocks, float32 AVX-512).
constexpr int reverse_edges_per_call(int NB) { return NB == 1 ? 4 : 2; }

// Calls f(begin, integral_constant<NE>) over [begin, end) in groups of G
// edges, then the rest in groups of 2 and 1.
template <int G, typename F>
void for_edge_groups(int64_t begin, int64_t end, F&& f) {
  int64_t e = begin;
  for (; e + G <= end; e += G) f(e, std::integral_constant<int, G>{});
  if constexpr (G > 2)
    for (; e + 2 <= end; e += 2) f(e, std::integral_constant<int, 2>{});
  if (e < end) f(e, std::integral_constant<int, 1>{});
}

// Runs f(first, last, workspace) in parallel over batches of kBatch
// consecutive nodes [first, last) of a CSR edge list (offsets), with the
// calling thread's workspace. Which thread runs which batch changes from
// call to call (dynamic schedule), so every workspace is first grown for the
// largest batch: no allocation once buffers have grown.
template <int kBatch, typename Source, typename W, typename F>
void parallel_batches(const char* label, const std::vector<int64_t>& offsets, int64_t nodes,
                      const Source& src, bool reverse, detail::ThreadWorkspace<W>& ws, F&& f) {
  const int64_t batches = (nodes + kBatch - 1) / kBatch;
  int64_t largest = 0;
  for (int64_t c = 0; c < batches; ++c)
    largest = std::max(largest, offsets[std::min(nodes, (c + 1) * kBatch)] - offsets[c * kBatch]);
  ws.prepare([&](W& w) { src.reserve(largest, reverse, w); });
  detail::for_each_item(label, batches, ws, [&](int64_t c, W& w) {
    f(c * kBatch, std::min(nodes, (c + 1) * kBatch), w);
  });
}
}  // namespace

template <typename T>
template <typename Source>
void ConvTP<T>::forward_impl(const EdgeGraph<T>& g, const T* x, const T* K, const Source& src,
                             Workspaces& ws, T* M) const {
  const int np = pair_count(), dx = in_.dim, dm = mid_.dim;
  detail::with_kernel_shape<T>(lanes_, blocks_, [&](auto lanes, auto blocks) {
    constexpr int W = decltype(lanes)::value, NB = decltype(blocks)::value;
    parallel_batches<kBatchNodes>("eq.conv_forward", g.recv_offsets, g.n_centers, src, false, ws,
                                  [&](int64_t i0, int64_t i1, Workspace& w) {
                                    const int64_t e0 = g.recv_offsets[i0];
                                    src.begin(g.recv_offsets[i1] - e0, nullptr, e0, false, w);
                                    for (int64_t i = i0; i < i1; ++i) {
                                      T* Mi = M + i * dm;
                                      std::fill(Mi, Mi + dm, T(0));
                                      // edges in groups (sharing the loads and stores of Mi)
                                      auto call = [&](int64_t e, auto ne) {
                                        constexpr int NE = decltype(ne)::value;
                                        const T *xs[NE], *Ks[NE];
                                        typename Source::template Weights<NE> wts;
                                        for (int n = 0; n < NE; ++n) {
                                          xs[n] = x + int64_t(g.senders[e + n]) * dx;
                                          Ks[n] = K + (e + n) * np;
                                          src.set(wts, n, e + n, e + n - e0, false, w, nullptr);
                                        }
                                        edge_forward<W, NB, NE>(xs, Ks, wts, Mi);
                                      };
                                      for_edge_groups<edges_per_call(NB)>(
                                          g.recv_offsets[i], g.recv_offsets[i + 1], call);
                                    }
                                  });
  });
}

// Reverse grouped by sender: each node's x_adj and each edge's outputs are
// written by one thread only (no atomics).
template <typename T>
template <typename Source>
void ConvTP<T>::reverse_impl(const EdgeGraph<T>& g, const T* x, const T* K, const Source& src,
                             Workspaces& ws, const T* M_adj, T* x_adj, T* Y_adj, T* r_adj) const {
  const int np = pair_count(), sh = sh_dim(), dx = in_.dim, dm = mid_.dim;
  detail::with_kernel_shape<T>(lanes_, blocks_, [&](auto lanes, auto blocks) {
    constexpr int W = decltype(lanes)::value, NB = decltype(blocks)::value;
    parallel_batches<kBatchNodes>("eq.conv_reverse", g.send_offsets, g.n_nodes, src, true, ws,
                                  [&](int64_t j0, int64_t j1, Workspace& w) {
                                    const int64_t k0 = g.send_offsets[j0], k1 = g.send_offsets[j1];
                                    const int64_t* ids = g.by_sender.data() + k0;
                                    src.begin(k1 - k0, ids, 0, true, w);
                                    for (int64_t j = j0; j < j1; ++j) {
                                      const T* xj = x + j * dx;
                                      T* xj_adj = x_adj + j * dx;
                                      // the next edge's receiver row is a random access: start
                                      // loading it now
                                      auto prefetch = [&](int64_t k) {
                                        if (k >= k1) return;
                                        const T* next =
                                            M_adj + int64_t(g.receivers[g.by_sender[k]]) * dm;
                                        for (int c2 = 0; c2 < dm; c2 += int(64 / sizeof(T)))
                                          __builtin_prefetch(next + c2);
                                      };
                                      // edges in groups (sharing the loads of xj and xj_adj)
                                      auto call = [&](int64_t k, auto ne) {
                                        constexpr int NE = decltype(ne)::value;
                                        const T *Ks[NE], *Gr[NE];
                                        T* Ya[NE];
                                        typename Source::template Weights<NE> wts;
                                        for (int n = 0; n < NE; ++n) {
                                          const int64_t e = g.by_sender[k + n];
                                          src.set(wts, n, e, k + n - k0, true, w, r_adj);
                                          Ks[n] = K + e * np;
                                          Gr[n] = M_adj + int64_t(g.receivers[e]) * dm;
                                          Ya[n] = Y_adj + e * sh;
                                          prefetch(k + NE + n);
                                        }
                                        edge_reverse<W, NB, NE>(xj, xj_adj, Ks, Gr, Ya, wts);
                                      };
                                      for_edge_groups<reverse_edges_per_call(NB)>(
                                          g.send_offsets[j], g.send_offsets[j + 1], call);
                                    }
                                    src.end(k1 - k0, ids, w, r_adj);
                                  });
  });
}

template <typename T>
void ConvTP<T>::forward(const EdgeGraph<T>& g, const T* x, const T* K, const T* feats,
                        const nn::RadialMLP<T>& mlp, Workspaces& ws, T* M) const {
  forward_impl(g, x, K, MlpSource<T>{&mlp, feats, nullptr, weight_count_}, ws, M);
}

template <typename T>
void ConvTP<T>::reverse(const EdgeGraph<T>& g, const T* x, const T* K, const T* feats,
                        const T* dfeats, const nn::RadialMLP<T>& mlp, Workspaces& ws,
                        const T* M_adj, T* x_adj, T* Y_adj, T* r_adj) const {
  reverse_impl(g, x, K, MlpSource<T>{&mlp, feats, dfeats, weight_count_}, ws, M_adj, x_adj, Y_adj,
               r_adj);
}

template <typename T>
void ConvTP<T>::forward(const EdgeGraph<T>& g, const T* x, const T* K, const EdgeNetInputs<T>& in,
                        const nn::LayerNormMLP<T>& net, Workspaces& ws, T* M) const {
  forward_impl(g, x, K,
               EdgeNetSource<T>{&net, in, g.senders.data(), g.receivers.data(), g.species.data(),
                                weight_count_},
               ws, M);
}

template <typename T>
void ConvTP<T>::reverse(const EdgeGraph<T>& g, const T* x, const T* K, const EdgeNetInputs<T>& in,
                        const nn::LayerNormMLP<T>& net, Workspaces& ws, const T* M_adj, T* x_adj,
                        T* Y_adj, T* r_adj) const {
  reverse_impl(g, x, K,
               EdgeNetSource<T>{&net, in, g.senders.data(), g.receivers.data(), g.species.data(),
                                weight_count_},
               ws, M_adj, x_adj, Y_adj, r_adj);
}

template <typename T>
void ConvTP<T>::forward(const EdgeGraph<T>& g, const T* x, const T* K, const T* r,
                        const nn::RadialTable<T>& table, Workspaces& ws, T* M) const {
  forward_impl(g, x, K, TableSource<T>{&table, r, weight_count_}, ws, M);
}

template <typename T>
void ConvTP<T>::reverse(const EdgeGraph<T>& g, const T* x, const T* K, const T* r,
                        const nn::RadialTable<T>& table, Workspaces& ws, const T* M_adj, T* x_adj,
                        T* Y_adj, T* r_adj) const {
  reverse_impl(g, x, K, TableSource<T>{&table, r, weight_count_}, ws, M_adj, x_adj, Y_adj, r_adj);
}

template class ConvTP<float>;
template class ConvTP<double>;

}  // namespace equinet::mace
