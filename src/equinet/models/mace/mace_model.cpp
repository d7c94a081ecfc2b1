#include "equinet/models/mace/mace_model.hpp"

#include <algorithm>
#include <cmath>

#include "equinet/detail/parallel.hpp"
#include "equinet/detail/profiler.hpp"
#include "equinet/potential.hpp"
#include "equinet/so3/spherical_harmonics.hpp"

namespace equinet::mace {

using detail::grow;
using detail::parallel_for;
using detail::parallel_rows;

namespace {

so3::Irreps scalars(int n) { return so3::Irreps({{n, so3::Irrep{0, 1}}}); }

template <typename T>
inline T sigmoid(T x) {
  return T(1) / (T(1) + std::exp(-x));
}

}  // namespace

template <typename T>
MaceModel<T>::MaceModel(const MaceWeights& w, const MaceConfig& c, const MaceOptions& options)
    : config_(c), num_parameters_(w.num_parameters()), act_c_(nn::normalized_silu_constant<T>()) {
  const int n_el = int(c.atomic_numbers.size());
  const int K = c.hidden_irreps[0].mul;
  const std::string& path = w.source;
  const int L = c.num_interactions;
  if (int(w.layers.size()) != L)
    throw Error(path + ": weights for " + std::to_string(w.layers.size()) + " layers, expected " +
                std::to_string(L));
  auto what = [&](const WeightArray& a) { return path + ": " + a.key; };

  // radial basis
  radial_basis_.r_max = T(w.r_max);
  radial_basis_.p = w.envelope_p;
  radial_basis_.prefactor = T(w.bessel_prefactor);
  for (double x : w.bessel_weights.values) radial_basis_.weights.push_back(T(x));
  // the basis in double for tabulation (with the r_max the T evaluation uses)
  nn::BesselEnvelope<double> basis;
  basis.r_max = double(radial_basis_.r_max);
  basis.p = w.envelope_p;
  basis.prefactor = w.bessel_prefactor;
  basis.weights = w.bessel_weights.values;

  // node embedding: o3.Linear(n_el x 0e -> K x 0e) on one-hot attributes
  const auto& emb = w.node_embedding.values;
  if (int(emb.size()) != n_el * K)
    throw Error(what(w.node_embedding) + " has " + std::to_string(emb.size()) +
                " values, expected " + std::to_string(n_el * K));
  embedding_.resize(emb.size());
  for (size_t i = 0; i < emb.size(); ++i) embedding_[i] = T(emb[i] / std::sqrt(double(n_el)));

  // E0s and scale/shift
  if (int(w.atomic_energies.size()) != n_el)
    throw Error(what(w.atomic_energies) + " must have one value per element");
  config_.atomic_energies = w.atomic_energies.values;
  scale_ = T(w.scale);
  shift_ = T(w.shift);

  layers_.resize(L);
  for (int l = 0; l < L; ++l) {
    Layer& Ly = layers_[l];
    const MaceLayerWeights& lw = w.layers[l];
    const MaceLayerIrreps ir = mace_layer_irreps(c, l);
    Ly.residual = ir.residual;
    Ly.in_irreps = ir.in;
    Ly.target_irreps = ir.target;
    Ly.out_irreps = ir.out;
    Ly.linear_up =
        nn::IrrepsLinear<T>(Ly.in_irreps, Ly.in_irreps, lw.linear_up.values, 1, what(lw.linear_up));
    Ly.conv = ConvTP<T>(Ly.in_irreps, c.max_ell, Ly.target_irreps);
    // radial MLP
    std::vector<int> widths{c.num_bessel};
    for (int x : c.radial_mlp) widths.push_back(x);
    widths.push_back(Ly.conv.weight_count());
    std::vector<std::vector<double>> mlp;
    for (const auto& a : lw.radial_mlp) mlp.push_back(a.values);
    const std::string mlp_what = path + ": interactions." + std::to_string(l) + ".conv_tp_weights";
    Ly.radial = nn::RadialMLP<T>(widths, mlp, mlp_what);
    if (options.radial_table_intervals > 0) {
      // tabulate in double whatever T is: w(r) = MLP(b(r) u(r)), dw/dr by forward mode
      nn::RadialMLP<double> exact(widths, mlp, mlp_what);
      const int nb = c.num_bessel;
      Ly.table = nn::RadialTable<T>(widths.back(), c.r_max, options.radial_table_intervals,
                                    [&](double r, double* v, double* d) {
                                      std::vector<double> x(nb), dx(nb);
                                      basis.evaluate(r, true, x.data(), dx.data());
                                      exact.forward_tangent(1, x.data(), dx.data(), v, d);
                                    });
      tabulated_ = true;
    }
    // linear after the convolution, with 1/avg_num_neighbors folded in
    auto lin = lw.linear.values;
    for (double& x : lin) x /= c.avg_num_neighbors;
    Ly.linear =
        nn::IrrepsLinear<T>(Ly.conv.mid().irreps, Ly.target_irreps, lin, 1, what(lw.linear));
    if (Ly.residual)
      Ly.skip =
          nn::IrrepsLinear<T>(Ly.in_irreps, Ly.out_irreps, lw.skip.values, n_el, what(lw.skip));
    else
      Ly.skip = nn::IrrepsLinear<T>(Ly.target_irreps, Ly.target_irreps, lw.skip.values, n_el,
                                    what(lw.skip));
    Ly.contraction = SymmetricContraction<T>(lw.contraction, Ly.target_irreps, Ly.out_irreps,
                                             c.correlation[l], n_el, path);
    Ly.product_linear = nn::IrrepsLinear<T>(Ly.out_irreps, Ly.out_irreps, lw.product_linear.values,
                                            1, what(lw.product_linear));
    Ly.nonlinear_readout = (l == L - 1) && L > 1;
    if (Ly.nonlinear_readout) {
      const int mlp_width = c.mlp_irreps.dim();
      Ly.readout_1 = nn::IrrepsLinear<T>(Ly.out_irreps, scalars(mlp_width),
                                         lw.readout_linear_1.values, 1, what(lw.readout_linear_1));
      Ly.readout_2 = nn::IrrepsLinear<T>(scalars(mlp_width), scalars(1), lw.readout_linear_2.values,
                                         1, what(lw.readout_linear_2));
    } else {
      Ly.readout_1 = nn::IrrepsLinear<T>(Ly.out_irreps, scalars(1), lw.readout_linear.values, 1,
                                         what(lw.readout_linear));
    }
  }
}

template <typename T>
int MaceModel<T>::max_exchange_width() const {
  // h_out of every layer but the last, and its adjoint, cross ranks
  int w = 0;
  for (size_t l = 0; l + 1 < layers_.size(); ++l) w = std::max(w, layers_[l].out_irreps.dim());
  return w;
}

template <typename T>
void MaceModel<T>::forward_layer(size_t l, const EdgeGraph<T>& g, const T* h_in) {
  Layer& Ly = layers_[l];
  const int64_t nn_ = g.n_nodes, nc = g.n_centers, E = g.n_edges();
  const int din = Ly.in_irreps.dim(), dmid = Ly.conv.mid().dim, dt = Ly.target_irreps.dim(),
            dout = Ly.out_irreps.dim();
  const int* species = g.species.data();
  grow(Ly.h_up, size_t(nn_) * din);
  grow(Ly.M, size_t(nc) * dmid);
  grow(Ly.K, size_t(E) * Ly.conv.pair_count());
  grow(Ly.A0, size_t(nc) * dt);
  grow(Ly.A, size_t(nc) * dt);
  grow(Ly.B, size_t(nc) * dout);
  grow(Ly.sc, size_t(nc) * dout);
  grow(Ly.h_out, size_t(nn_) * dout);

  using detail::phase;
  phase("forward: linear_up", [&] {
    parallel_rows("eq.linear_up", nn_, [&](int64_t b, int64_t e) {
      Ly.linear_up.forward(b, e, h_in, din, Ly.h_up.data(), din, nullptr, false);
    });
  });
  phase("forward: couplings", [&] { Ly.conv.couplings(E, Y_.data(), Ly.K.data()); });
  if (Ly.table.empty()) {
    phase("forward: convolution (radial MLP)", [&] {
      Ly.conv.forward(g, Ly.h_up.data(), Ly.K.data(), feats_.data(), Ly.radial, Ly.conv_ws,
                      Ly.M.data());
    });
  } else {
    phase("forward: convolution (tabulated radial)", [&] {
      Ly.conv.forward(g, Ly.h_up.data(), Ly.K.data(), lengths_.data(), Ly.table, Ly.conv_ws,
                      Ly.M.data());
    });
  }
  phase("forward: linear + skip", [&] {
    parallel_rows("eq.linear", nc, [&](int64_t b, int64_t e) {
      Ly.linear.forward(b, e, Ly.M.data(), dmid, Ly.A0.data(), dt, nullptr, false);
      if (Ly.residual) {
        std::copy(Ly.A0.data() + b * dt, Ly.A0.data() + e * dt, Ly.A.data() + b * dt);
        Ly.skip.forward(b, e, h_in, din, Ly.sc.data(), dout, species, false);
      } else {
        Ly.skip.forward(b, e, Ly.A0.data(), dt, Ly.A.data(), dt, species, false);
      }
    });
  });
  phase("forward: symmetric contraction",
        [&] { Ly.contraction.forward(nc, Ly.A.data(), species, Ly.B.data()); });
  phase("forward: product linear", [&] {
    parallel_rows("eq.product_line", nc, [&](int64_t b, int64_t e) {
      Ly.product_linear.forward(b, e, Ly.B.data(), dout, Ly.h_out.data(), dout, nullptr, false);
      if (Ly.residual)
        for (int64_t k = b * dout; k < e * dout; ++k) Ly.h_out[k] += Ly.sc[k];
    });
  });
  std::fill(Ly.h_out.begin() + nc * dout, Ly.h_out.begin() + nn_ * dout, T(0));
}

template <typename T>
void MaceModel<T>::readout_forward(Layer& Ly, int64_t n, std::vector<double>& node_sum) {
  const int dout = Ly.out_irreps.dim();
  if (!Ly.nonlinear_readout) {
    parallel_rows("eq.readout", n, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        T y = 0;
        Ly.readout_1.forward(0, 1, Ly.h_out.data() + i * dout, dout, &y, 1, nullptr, false);
        node_sum[i] += double(y);
      }
    });
    return;
  }
  const int dh = Ly.readout_1.out().dim;
  grow(Ly.r_pre, size_t(n) * dh);
  grow(Ly.r_hidden, size_t(n) * dh);
  parallel_rows("eq.readout", n, [&](int64_t b, int64_t e) {
    Ly.readout_1.forward(b, e, Ly.h_out.data(), dout, Ly.r_pre.data(), dh, nullptr, false);
    for (int64_t k = b * dh; k < e * dh; ++k)
      Ly.r_hidden[k] = act_c_ * Ly.r_pre[k] * sigmoid(Ly.r_pre[k]);
    for (int64_t i = b; i < e; ++i) {
      T y = 0;
      Ly.readout_2.forward(0, 1, Ly.r_hidden.data() + i * dh, dh, &y, 1, nullptr, false);
      node_sum[i] += double(y);
    }
  });
}

template <typename T>
void MaceModel<T>::readout_reverse(Layer& Ly, int64_t n, T* h_out_adj) {
  const int dout = Ly.out_irreps.dim();
  const T g = scale_;  // dE/d(readout) for every local node
  if (!Ly.nonlinear_readout) {
    parallel_rows("eq.readout_reve", n, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        Ly.readout_1.reverse(i, i + 1, &g, 0, h_out_adj, dout, nullptr);
    });
    return;
  }
  const int dh = Ly.readout_1.out().dim;
  parallel_rows("eq.readout_reve", n, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      // hidden adjoint of node i, in the (otherwise unused) activation buffer
      T* hidden_adj = Ly.r_hidden.data() + i * dh;
      std::fill(hidden_adj, hidden_adj + dh, T(0));
      Ly.readout_2.reverse(0, 1, &g, 0, hidden_adj, dh, nullptr);
      const T* z = Ly.r_pre.data() + i * dh;
      for (int k = 0; k < dh; ++k) {
        const T s = sigmoid(z[k]);
        hidden_adj[k] *= act_c_ * s * (T(1) + z[k] * (T(1) - s));
      }
      Ly.readout_1.reverse(0, 1, hidden_adj, dh, h_out_adj + i * dout, dout, nullptr);
    }
  });
}

template <typename T>
void MaceModel<T>::reverse_layer(size_t l, const EdgeGraph<T>& g, T* h_in_adj) {
  Layer& Ly = layers_[l];
  const int64_t nn_ = g.n_nodes, nc = g.n_centers;
  const int din = Ly.in_irreps.dim(), dmid = Ly.conv.mid().dim, dt = Ly.target_irreps.dim(),
            dout = Ly.out_irreps.dim();
  const int* species = g.species.data();
  grow(Ly.B_adj, size_t(nc) * dout);
  grow(Ly.A_adj, size_t(nc) * dt);
  grow(Ly.A0_adj, size_t(nc) * dt);
  grow(Ly.M_adj, size_t(nc) * dmid);
  grow(Ly.h_up_adj, size_t(nn_) * din);
  T* h_out_adj = Ly.h_out_adj.data();

  detail::phase("reverse: product linear", [&] {
    parallel_rows("eq.product_line", nc, [&](int64_t b, int64_t e) {
      std::fill(Ly.B_adj.begin() + b * dout, Ly.B_adj.begin() + e * dout, T(0));
      Ly.product_linear.reverse(b, e, h_out_adj, dout, Ly.B_adj.data(), dout, nullptr);
    });
  });
  detail::phase("reverse: symmetric contraction", [&] {
    Ly.contraction.reverse(nc, Ly.A.data(), species, Ly.B_adj.data(), Ly.A_adj.data());
  });
  detail::phase("reverse: linear + skip", [&] {
    parallel_rows("eq.linear_rever", nc, [&](int64_t b, int64_t e) {
      if (Ly.residual) {
        std::copy(Ly.A_adj.data() + b * dt, Ly.A_adj.data() + e * dt, Ly.A0_adj.data() + b * dt);
      } else {
        std::fill(Ly.A0_adj.begin() + b * dt, Ly.A0_adj.begin() + e * dt, T(0));
        Ly.skip.reverse(b, e, Ly.A_adj.data(), dt, Ly.A0_adj.data(), dt, species);
      }
      std::fill(Ly.M_adj.begin() + b * dmid, Ly.M_adj.begin() + e * dmid, T(0));
      Ly.linear.reverse(b, e, Ly.A0_adj.data(), dt, Ly.M_adj.data(), dmid, nullptr);
    });
  });
  std::fill(Ly.h_up_adj.begin(), Ly.h_up_adj.begin() + nn_ * din, T(0));
  if (Ly.table.empty()) {
    detail::phase("reverse: convolution (radial MLP)", [&] {
      Ly.conv.reverse(g, Ly.h_up.data(), Ly.K.data(), feats_.data(), dfeats_.data(), Ly.radial,
                      Ly.conv_ws, Ly.M_adj.data(), Ly.h_up_adj.data(), Y_adj_.data(),
                      r_adj_.data());
    });
  } else {
    detail::phase("reverse: convolution (tabulated radial)", [&] {
      Ly.conv.reverse(g, Ly.h_up.data(), Ly.K.data(), lengths_.data(), Ly.table, Ly.conv_ws,
                      Ly.M_adj.data(), Ly.h_up_adj.data(), Y_adj_.data(), r_adj_.data());
    });
  }
  if (h_in_adj) {
    detail::phase("reverse: linear_up + skip", [&] {
      parallel_rows("eq.linear_up_re", nn_, [&](int64_t b, int64_t e) {
        std::fill(h_in_adj + b * din, h_in_adj + e * din, T(0));
        Ly.linear_up.reverse(b, e, Ly.h_up_adj.data(), din, h_in_adj, din, nullptr);
        if (Ly.residual && b < nc)
          Ly.skip.reverse(b, std::min(e, nc), h_out_adj, dout, h_in_adj, din, species);
      });
    });
  }
}

template <typename T>
void MaceModel<T>::evaluate(const EdgeGraph<T>& g, GhostExchange* exchange, bool gradients,
                            models::ModelOutputs<T>& out) {
  const int64_t nn_ = g.n_nodes, nl = g.n_local, E = g.n_edges();
  const int lmax = config_.max_ell, nsh = so3::sh_size(lmax), nb = config_.num_bessel;
  const int K = config_.hidden_irreps[0].mul;
  const size_t L = layers_.size();

  // edge blocks: lengths, Y, radial features (and their derivatives)
  // tabulated layers need no radial basis (the table replaces basis and MLP)
  const bool basis =
      std::any_of(layers_.begin(), layers_.end(), [](const Layer& Ly) { return Ly.table.empty(); });
  grow(lengths_, size_t(E));
  grow(Y_, size_t(E) * nsh);
  if (basis) grow(feats_, size_t(E) * nb);
  if (gradients) {
    grow(dY_, size_t(E) * nsh * 3);
    if (basis) grow(dfeats_, size_t(E) * nb);
    grow(Y_adj_, size_t(E) * nsh);
    grow(r_adj_, size_t(E));
  }
  detail::phase("edges: Y and radial basis", [&] {
    parallel_rows("eq.edges", E, [&](int64_t b, int64_t end) {
      so3::spherical_harmonics_batch<T>(lmax, end - b, g.vectors.data() + 3 * b,
                                        Y_.data() + b * nsh,
                                        gradients ? dY_.data() + b * nsh * 3 : nullptr);
      for (int64_t e = b; e < end; ++e) {
        const T* v = g.vectors.data() + 3 * e;
        const T r = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        lengths_[e] = r;
        if (basis)
          radial_basis_.evaluate(r, config_.apply_cutoff, feats_.data() + e * nb,
                                 gradients ? dfeats_.data() + e * nb : nullptr);
      }
    });
  });

  // node embedding
  grow(h0_, size_t(nn_) * K);
  parallel_for("eq.embedding", nn_, [&](int64_t i) {
    std::copy(embedding_.begin() + size_t(g.species[i]) * K,
              embedding_.begin() + size_t(g.species[i] + 1) * K, h0_.begin() + i * K);
  });

  std::vector<double>& energies = out.node_energies;
  energies.assign(size_t(nl), 0.0);
  for (size_t l = 0; l < L; ++l) {
    const T* h_in = l == 0 ? h0_.data() : layers_[l - 1].h_out.data();
    forward_layer(l, g, h_in);
    detail::phase("forward: readout", [&] { readout_forward(layers_[l], nl, energies); });
    if (exchange && l + 1 < L)
      exchange->forward(layers_[l].h_out.data(), layers_[l].out_irreps.dim());
  }
  for (int64_t i = 0; i < nl; ++i)
    energies[i] =
        config_.atomic_energies[g.species[i]] + double(scale_) * energies[i] + double(shift_);
  if (!gradients) return;

  // reverse pass
  std::fill(Y_adj_.begin(), Y_adj_.begin() + E * nsh, T(0));
  std::fill(r_adj_.begin(), r_adj_.begin() + E, T(0));
  h_in_adj_.resize(L);
  for (size_t l = L; l-- > 0;) {
    Layer& Ly = layers_[l];
    const int dout = Ly.out_irreps.dim();
    // h_out_adj: from the next layer's input adjoint (exchanged back to owners)
    grow(Ly.h_out_adj, size_t(nn_) * dout);
    if (l + 1 < L) {
      std::copy(h_in_adj_[l + 1].begin(), h_in_adj_[l + 1].begin() + nn_ * dout,
                Ly.h_out_adj.begin());
      if (exchange) exchange->reverse(Ly.h_out_adj.data(), dout);
    } else {
      std::fill(Ly.h_out_adj.begin(), Ly.h_out_adj.begin() + nn_ * dout, T(0));
    }
    detail::phase("reverse: readout", [&] { readout_reverse(Ly, nl, Ly.h_out_adj.data()); });
    T* h_in_adj = nullptr;
    if (l > 0) {
      grow(h_in_adj_[l], size_t(nn_) * Ly.in_irreps.dim());
      h_in_adj = h_in_adj_[l].data();
    }
    reverse_layer(l, g, h_in_adj);
  }

  // edge forces: dE/dr_e from Y and the radial features of every layer
  detail::ScopedPhase p_forces("reverse: edge forces");
  out.edge_forces.resize(size_t(E) * 3);
  parallel_for("eq.edge_forces", E, [&](int64_t e) {
    T f[3] = {0, 0, 0};
    const T* ya = Y_adj_.data() + e * nsh;
    const T* dy = dY_.data() + e * nsh * 3;
    for (int k = 0; k < nsh; ++k)
      for (int d = 0; d < 3; ++d) f[d] += ya[k] * dy[3 * k + d];
    const T dr = r_adj_[e];
    const T* v = g.vectors.data() + 3 * e;
    const T inv_r = T(1) / lengths_[e];
    for (int d = 0; d < 3; ++d) out.edge_forces[3 * e + d] = f[d] + dr * v[d] * inv_r;
  });
}

template <typename T>
typename MaceModel<T>::Features MaceModel<T>::features(size_t l, const std::string& stage) const {
  const Layer& Ly = layers_.at(l);
  if (stage == "messages") return {Ly.M.data(), Ly.conv.mid().irreps};
  if (stage == "A") return {Ly.A.data(), Ly.target_irreps};
  if (stage == "B") return {Ly.B.data(), Ly.out_irreps};
  if (stage == "h") return {Ly.h_out.data(), Ly.out_irreps};
  throw Error("unknown feature stage '" + stage + "'");
}

template class MaceModel<float>;
template class MaceModel<double>;

}  // namespace equinet::mace
