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

template <typename T>
std::vector<T> cast(const std::vector<double>& v, double factor = 1.0) {
  std::vector<T> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = T(v[i] * factor);
  return out;
}

// e3nn Linear(n_el x 0e -> n x 0e) on one-hot attributes: a row per element.
template <typename T>
std::vector<T> element_rows(const WeightArray& a, int n_el, int n, const std::string& path) {
  if (a.size() != int64_t(n_el) * n)
    throw Error(path + ": " + a.key + " has " + std::to_string(a.size()) + " values, expected " +
                std::to_string(int64_t(n_el) * n));
  return cast<T>(a.values, 1.0 / std::sqrt(double(n_el)));
}

}  // namespace

template <typename T>
MaceModel<T>::MaceModel(const MaceWeights& w, const MaceConfig& c, const MaceOptions& options)
    : config_(c),
      head_(w.head),
      num_parameters_(w.num_parameters),
      radial_(w, c),
      act_c_(nn::normalized_silu_constant<T>()) {
  const int n_el = int(c.atomic_numbers.size());
  const int K = c.hidden_irreps[0].mul;
  const std::string& path = w.source;
  const int L = c.num_interactions;
  if (int(w.layers.size()) != L)
    throw Error(path + ": weights for " + std::to_string(w.layers.size()) + " layers, expected " +
                std::to_string(L));
  auto what = [&](const WeightArray& a) { return path + ": " + a.key; };
  const bool nonlinear_any = std::any_of(c.interactions.begin(), c.interactions.end(), [](auto k) {
    return k == InteractionKind::ResidualNonLinear;
  });
  if (options.radial_table_intervals > 0 && (radial_.pair_dependent() || nonlinear_any))
    throw Error(path +
                ": radial tables are not available for this model (distance transform or "
                "RealAgnosticResidualNonLinearInteractionBlock): load it without a radial table");

  // the basis in double for tabulation (with the r_max the T evaluation uses)
  nn::BesselEnvelope<double> basis;
  basis.r_max = double(T(w.r_max));
  basis.p = w.envelope_p;
  basis.prefactor = w.bessel_prefactor;
  basis.weights = w.bessel_weights.values;

  embedding_ = element_rows<T>(w.node_embedding, n_el, K, path);
  for (const auto& e : w.embedders) embedders_.push_back(cast<T>(e.values));
  if (!c.embedding_specs.empty()) {
    int total = 0;
    for (const auto& s : c.embedding_specs) total += s.emb_dim;
    // torch Linear(total -> K, bias=False): weight [K][total]
    embedding_project_ = cast<T>(w.embedding_project.values);
    if (c.use_embedding_readout)
      embedding_readout_ = nn::IrrepsLinear<T>(scalars(K), scalars(1), w.embedding_readout.values,
                                               1, what(w.embedding_readout));
    (void)total;
  }
  atomic_energies_ = w.atomic_energies;
  scale_ = T(w.scale);
  shift_ = T(w.shift);

  layers_.resize(L);
  for (int l = 0; l < L; ++l) {
    Layer& Ly = layers_[l];
    const MaceLayerWeights& lw = w.layers[l];
    const MaceLayerIrreps ir = mace_layer_irreps(c, l);
    const std::string I = path + ": interactions." + std::to_string(l) + ".";
    Ly.kind = ir.kind;
    Ly.residual = ir.residual;
    Ly.nonlinear = ir.kind == InteractionKind::ResidualNonLinear;
    Ly.density = ir.kind == InteractionKind::Density || ir.kind == InteractionKind::DensityResidual;
    Ly.readout = ir.readout;
    Ly.nonlinear_readout = ir.nonlinear_readout;
    Ly.in_irreps = ir.in;
    Ly.edge_irreps = ir.edge;
    Ly.target_irreps = ir.target;
    Ly.out_irreps = ir.out;
    Ly.linear_up = nn::IrrepsLinear<T>(ir.in, ir.edge, lw.linear_up.values, 1, what(lw.linear_up));
    Ly.conv = ConvTP<T>(ir.edge, c.max_ell, ir.target);
    const int sets = c.use_agnostic_product ? 1 : n_el;
    Ly.contraction =
        SymmetricContraction<T>(lw.contraction, ir.target, ir.out, c.correlation[l], sets, path);
    Ly.product_linear =
        nn::IrrepsLinear<T>(ir.out, ir.out, lw.product_linear.values, 1, what(lw.product_linear));
    if (Ly.nonlinear) {
      const int K0 = ir.in.count(so3::Irrep{0, 1});
      const int in = c.num_bessel + 2 * K0;
      std::vector<int> widths{in};
      widths.insert(widths.end(), c.radial_mlp.begin(), c.radial_mlp.end());
      widths.push_back(Ly.conv.weight_count());
      Ly.net = nn::LayerNormMLP<T>(widths, lw.radial_net, I + "conv_tp_weights");
      Ly.density_net = nn::LayerNormMLP<T>({in, 64, 1}, lw.density_net, I + "density_fn");
      Ly.source_rows = element_rows<T>(lw.source_embedding, n_el, K0, path);
      Ly.target_rows = element_rows<T>(lw.target_embedding, n_el, K0, path);
      Ly.alpha = T(lw.alpha);
      Ly.beta = T(lw.beta);
      Ly.skip = nn::IrrepsLinear<T>(ir.in, ir.out, lw.skip.values, 1, what(lw.skip));
      Ly.linear_res =
          nn::IrrepsLinear<T>(ir.edge, ir.nonlinear, lw.linear_res.values, 1, what(lw.linear_res));
      Ly.linear_1 = nn::IrrepsLinear<T>(Ly.conv.mid().irreps, ir.nonlinear, lw.linear_1.values, 1,
                                        what(lw.linear_1));
      Ly.gate = nn::Gate<T>(ir.target);
      if (!(Ly.gate.in().irreps == ir.nonlinear))
        throw Error(I + "gate irreps " + Ly.gate.in().irreps.str() + " differ from " +
                    ir.nonlinear.str());
      Ly.linear_2 =
          nn::IrrepsLinear<T>(ir.target, ir.target, lw.linear_2.values, 1, what(lw.linear_2));
    } else {
      std::vector<int> widths{c.num_bessel};
      widths.insert(widths.end(), c.radial_mlp.begin(), c.radial_mlp.end());
      widths.push_back(Ly.conv.weight_count());
      std::vector<std::vector<double>> mlp;
      for (const auto& a : lw.radial_mlp) mlp.push_back(a.values);
      const std::string mlp_what = I + "conv_tp_weights";
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
      // (Density blocks divide by their learned density instead)
      const double norm = Ly.density ? 1.0 : 1.0 / c.avg_num_neighbors;
      auto lin = lw.linear.values;
      for (double& x : lin) x *= norm;
      Ly.linear = nn::IrrepsLinear<T>(Ly.conv.mid().irreps, ir.target, lin, 1, what(lw.linear));
      if (Ly.residual)
        Ly.skip = nn::IrrepsLinear<T>(ir.in, ir.out, lw.skip.values, n_el, what(lw.skip));
      else
        Ly.skip = nn::IrrepsLinear<T>(ir.target, ir.target, lw.skip.values, n_el, what(lw.skip));
      if (Ly.density)
        Ly.density_w = cast<T>(lw.density.values, 1.0 / std::sqrt(double(c.num_bessel)));
    }
    if (Ly.nonlinear_readout) {
      const int mlp_width = c.mlp_irreps.dim();
      Ly.readout_1 = nn::IrrepsLinear<T>(ir.out, scalars(mlp_width), lw.readout_linear_1.values, 1,
                                         what(lw.readout_linear_1));
      Ly.readout_2 = nn::IrrepsLinear<T>(scalars(mlp_width), scalars(1), lw.readout_linear_2.values,
                                         1, what(lw.readout_linear_2));
    } else if (Ly.readout) {
      Ly.readout_1 = nn::IrrepsLinear<T>(ir.out, scalars(1), lw.readout_linear.values, 1,
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
EdgeNetInputs<T> MaceModel<T>::net_inputs(const Layer& Ly) const {
  EdgeNetInputs<T> in;
  in.feats = feats_.data();
  in.dfeats = dfeats_.data();
  in.n_basis = config_.num_bessel;
  in.source = Ly.source_rows.data();
  in.target = Ly.target_rows.data();
  in.width = Ly.in_irreps.count(so3::Irrep{0, 1});
  if (!config_.apply_cutoff) {
    in.cutoff = cutoff_.data();
    in.dcutoff = dcutoff_.data();
  }
  return in;
}

template <typename T>
void MaceModel<T>::edge_densities(Layer& Ly, const EdgeGraph<T>& g, bool gradients) {
  const int64_t E = g.n_edges(), nc = g.n_centers;
  const int nb = config_.num_bessel;
  grow(Ly.edge_density, size_t(E));
  if (gradients) grow(Ly.edge_density_dr, size_t(E));
  if (Ly.density) {
    // tanh(density_fn(feats)^2), feats with the cutoff applied
    parallel_for("eq.edge_density", E, [&](int64_t e) {
      const T* f = feats_.data() + e * nb;
      T s = 0, ds = 0;
      for (int k = 0; k < nb; ++k) s += f[k] * Ly.density_w[k];
      const T d = std::tanh(s * s);
      Ly.edge_density[e] = d;
      if (gradients) {
        const T* df = dfeats_.data() + e * nb;
        for (int k = 0; k < nb; ++k) ds += df[k] * Ly.density_w[k];
        Ly.edge_density_dr[e] = (T(1) - d * d) * T(2) * s * ds;
      }
    });
  } else {
    // cutoff * tanh(density_fn([feats, source, target])^2), in batches of edges
    constexpr int64_t kChunk = 64;
    const EdgeNetInputs<T> in = net_inputs(Ly);
    const int rw = in.n_basis + 2 * in.width;
    density_ws_.prepare([&](DensityWorkspace& w) {
      grow(w.rows, size_t(kChunk) * rw);
      grow(w.rows_adj, size_t(kChunk) * rw);
      grow(w.out, size_t(kChunk));
      w.ones.assign(size_t(kChunk), T(1));
      Ly.density_net.reserve(kChunk, w.net);
    });
    const int64_t chunks = (E + kChunk - 1) / kChunk;
    detail::for_each_item(
        "eq.edge_density", chunks, density_ws_, [&](int64_t c, DensityWorkspace& w) {
          const int64_t e0 = c * kChunk, n = std::min(E, e0 + kChunk) - e0;
          for (int64_t j = 0; j < n; ++j) {
            const int64_t e = e0 + j;
            T* row = w.rows.data() + j * rw;
            std::copy(in.feats + e * nb, in.feats + (e + 1) * nb, row);
            const T* src = in.source + int64_t(g.species[g.senders[e]]) * in.width;
            const T* tgt = in.target + int64_t(g.species[g.receivers[e]]) * in.width;
            std::copy(src, src + in.width, row + nb);
            std::copy(tgt, tgt + in.width, row + nb + in.width);
          }
          Ly.density_net.forward(n, w.rows.data(), w.out.data(), w.net);
          if (gradients) Ly.density_net.reverse(n, w.ones.data(), w.rows_adj.data(), w.net);
          for (int64_t j = 0; j < n; ++j) {
            const int64_t e = e0 + j;
            const T x = w.out[j], t = std::tanh(x * x);
            const T u = in.cutoff ? in.cutoff[e] : T(1);
            Ly.edge_density[e] = u * t;
            if (!gradients) continue;
            const T* ra = w.rows_adj.data() + j * rw;
            const T* df = in.dfeats + e * nb;
            T dx = 0;
            for (int k = 0; k < nb; ++k) dx += ra[k] * df[k];
            const T du = in.cutoff ? in.dcutoff[e] : T(0);
            Ly.edge_density_dr[e] = du * t + u * (T(1) - t * t) * T(2) * x * dx;
          }
        });
  }
  // divisor per receiver: Σ density + 1 (Density), β Σ density + α (NonLinear)
  grow(Ly.divisor, size_t(nc));
  parallel_for("eq.density_sum", nc, [&](int64_t i) {
    T rho = 0;
    for (int64_t e = g.recv_offsets[i]; e < g.recv_offsets[i + 1]; ++e) rho += Ly.edge_density[e];
    Ly.divisor[i] = Ly.nonlinear ? rho * Ly.beta + Ly.alpha : rho + T(1);
  });
}

template <typename T>
void MaceModel<T>::forward_layer(size_t l, const EdgeGraph<T>& g, const T* h_in, bool gradients) {
  Layer& Ly = layers_[l];
  const int64_t nn_ = g.n_nodes, nc = g.n_centers, E = g.n_edges();
  const int din = Ly.in_irreps.dim(), de = Ly.edge_irreps.dim(), dmid = Ly.conv.mid().dim,
            dt = Ly.target_irreps.dim(), dout = Ly.out_irreps.dim();
  const int* species = g.species.data();
  const int* product_species = config_.use_agnostic_product ? agnostic_species_.data() : species;
  grow(Ly.h_up, size_t(nn_) * de);
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
      Ly.linear_up.forward(b, e, h_in, din, Ly.h_up.data(), de, nullptr, false);
    });
  });
  if (Ly.density || Ly.nonlinear)
    phase("forward: edge densities", [&] { edge_densities(Ly, g, gradients); });
  phase("forward: couplings", [&] { Ly.conv.couplings(E, Y_.data(), Ly.K.data()); });
  if (Ly.nonlinear) {
    phase("forward: convolution (radial network)", [&] {
      Ly.conv.forward(g, Ly.h_up.data(), Ly.K.data(), net_inputs(Ly), Ly.net, Ly.conv_ws,
                      Ly.M.data());
    });
  } else if (Ly.table.empty()) {
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
  if (Ly.nonlinear) {
    const int dn = Ly.gate.in().dim;
    grow(Ly.Q, size_t(nc) * dn);
    grow(Ly.G, size_t(nc) * dn);
    grow(Ly.gated, size_t(nc) * dt);
    phase("forward: linear_1 + residual + gate + linear_2", [&] {
      parallel_rows("eq.nonlinear", nc, [&](int64_t b, int64_t e) {
        Ly.linear_1.forward(b, e, Ly.M.data(), dmid, Ly.Q.data(), dn, nullptr, false);
        Ly.linear_res.forward(b, e, Ly.h_up.data(), de, Ly.G.data(), dn, nullptr, false);
        for (int64_t i = b; i < e; ++i) {
          const T inv = T(1) / Ly.divisor[i];
          for (int k = 0; k < dn; ++k) {
            Ly.Q[i * dn + k] *= inv;
            Ly.G[i * dn + k] += Ly.Q[i * dn + k];
          }
        }
        Ly.gate.forward(b, e, Ly.G.data(), Ly.gated.data());
        Ly.linear_2.forward(b, e, Ly.gated.data(), dt, Ly.A.data(), dt, nullptr, false);
        Ly.skip.forward(b, e, h_in, din, Ly.sc.data(), dout, nullptr, false);
      });
    });
  } else {
    phase("forward: linear + skip", [&] {
      parallel_rows("eq.linear", nc, [&](int64_t b, int64_t e) {
        Ly.linear.forward(b, e, Ly.M.data(), dmid, Ly.A0.data(), dt, nullptr, false);
        if (Ly.density)
          for (int64_t i = b; i < e; ++i) {
            const T inv = T(1) / Ly.divisor[i];
            for (int k = 0; k < dt; ++k) Ly.A0[i * dt + k] *= inv;
          }
        if (Ly.residual) {
          std::copy(Ly.A0.data() + b * dt, Ly.A0.data() + e * dt, Ly.A.data() + b * dt);
          Ly.skip.forward(b, e, h_in, din, Ly.sc.data(), dout, species, false);
        } else {
          Ly.skip.forward(b, e, Ly.A0.data(), dt, Ly.A.data(), dt, species, false);
        }
      });
    });
  }
  phase("forward: symmetric contraction",
        [&] { Ly.contraction.forward(nc, Ly.A.data(), product_species, Ly.B.data()); });
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
  if (!Ly.readout) return;
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
  if (!Ly.readout) return;
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
  const int64_t nn_ = g.n_nodes, nc = g.n_centers, E = g.n_edges();
  const int din = Ly.in_irreps.dim(), de = Ly.edge_irreps.dim(), dmid = Ly.conv.mid().dim,
            dt = Ly.target_irreps.dim(), dout = Ly.out_irreps.dim();
  const int* species = g.species.data();
  const int* product_species = config_.use_agnostic_product ? agnostic_species_.data() : species;
  grow(Ly.B_adj, size_t(nc) * dout);
  grow(Ly.A_adj, size_t(nc) * dt);
  grow(Ly.A0_adj, size_t(nc) * dt);
  grow(Ly.M_adj, size_t(nc) * dmid);
  grow(Ly.h_up_adj, size_t(nn_) * de);
  if (Ly.density || Ly.nonlinear) grow(Ly.divisor_adj, size_t(nc));
  T* h_out_adj = Ly.h_out_adj.data();

  detail::phase("reverse: product linear", [&] {
    parallel_rows("eq.product_line", nc, [&](int64_t b, int64_t e) {
      std::fill(Ly.B_adj.begin() + b * dout, Ly.B_adj.begin() + e * dout, T(0));
      Ly.product_linear.reverse(b, e, h_out_adj, dout, Ly.B_adj.data(), dout, nullptr);
    });
  });
  detail::phase("reverse: symmetric contraction", [&] {
    Ly.contraction.reverse(nc, Ly.A.data(), product_species, Ly.B_adj.data(), Ly.A_adj.data());
  });
  std::fill(Ly.h_up_adj.begin(), Ly.h_up_adj.begin() + nn_ * de, T(0));
  if (Ly.nonlinear) {
    const int dn = Ly.gate.in().dim;
    grow(Ly.G_adj, size_t(nc) * dn);
    detail::phase("reverse: linear_2 + gate + residual + linear_1", [&] {
      parallel_rows("eq.nonlinear_re", nc, [&](int64_t b, int64_t e) {
        // gated adjoint in A0_adj (unused by this block otherwise)
        std::fill(Ly.A0_adj.begin() + b * dt, Ly.A0_adj.begin() + e * dt, T(0));
        Ly.linear_2.reverse(b, e, Ly.A_adj.data(), dt, Ly.A0_adj.data(), dt, nullptr);
        Ly.gate.reverse(b, e, Ly.G.data(), Ly.A0_adj.data(), Ly.G_adj.data());
        Ly.linear_res.reverse(b, e, Ly.G_adj.data(), dn, Ly.h_up_adj.data(), de, nullptr);
        for (int64_t i = b; i < e; ++i) {
          const T inv = T(1) / Ly.divisor[i];
          T dot = 0;
          for (int k = 0; k < dn; ++k) dot += Ly.G_adj[i * dn + k] * Ly.Q[i * dn + k];
          Ly.divisor_adj[i] = -dot * inv * Ly.beta;
          for (int k = 0; k < dn; ++k) Ly.G_adj[i * dn + k] *= inv;
        }
        std::fill(Ly.M_adj.begin() + b * dmid, Ly.M_adj.begin() + e * dmid, T(0));
        Ly.linear_1.reverse(b, e, Ly.G_adj.data(), dn, Ly.M_adj.data(), dmid, nullptr);
      });
    });
  } else {
    detail::phase("reverse: linear + skip", [&] {
      parallel_rows("eq.linear_rever", nc, [&](int64_t b, int64_t e) {
        if (Ly.residual) {
          std::copy(Ly.A_adj.data() + b * dt, Ly.A_adj.data() + e * dt, Ly.A0_adj.data() + b * dt);
        } else {
          std::fill(Ly.A0_adj.begin() + b * dt, Ly.A0_adj.begin() + e * dt, T(0));
          Ly.skip.reverse(b, e, Ly.A_adj.data(), dt, Ly.A0_adj.data(), dt, species);
        }
        if (Ly.density)
          for (int64_t i = b; i < e; ++i) {
            const T inv = T(1) / Ly.divisor[i];
            T dot = 0;
            for (int k = 0; k < dt; ++k) dot += Ly.A0_adj[i * dt + k] * Ly.A0[i * dt + k];
            Ly.divisor_adj[i] = -dot * inv;
            for (int k = 0; k < dt; ++k) Ly.A0_adj[i * dt + k] *= inv;
          }
        std::fill(Ly.M_adj.begin() + b * dmid, Ly.M_adj.begin() + e * dmid, T(0));
        Ly.linear.reverse(b, e, Ly.A0_adj.data(), dt, Ly.M_adj.data(), dmid, nullptr);
      });
    });
  }
  if (Ly.density || Ly.nonlinear)
    detail::phase("reverse: edge densities", [&] {
      parallel_for("eq.density_rev", E, [&](int64_t e) {
        r_adj_[e] += Ly.divisor_adj[g.receivers[e]] * Ly.edge_density_dr[e];
      });
    });
  if (Ly.nonlinear) {
    detail::phase("reverse: convolution (radial network)", [&] {
      Ly.conv.reverse(g, Ly.h_up.data(), Ly.K.data(), net_inputs(Ly), Ly.net, Ly.conv_ws,
                      Ly.M_adj.data(), Ly.h_up_adj.data(), Y_adj_.data(), r_adj_.data());
    });
  } else if (Ly.table.empty()) {
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
    const int* skip_species = Ly.nonlinear ? nullptr : species;
    detail::phase("reverse: linear_up + skip", [&] {
      parallel_rows("eq.linear_up_re", nn_, [&](int64_t b, int64_t e) {
        std::fill(h_in_adj + b * din, h_in_adj + e * din, T(0));
        Ly.linear_up.reverse(b, e, Ly.h_up_adj.data(), de, h_in_adj, din, nullptr);
        if (Ly.residual && b < nc)
          Ly.skip.reverse(b, std::min(e, nc), h_out_adj, dout, h_in_adj, din, skip_species);
      });
    });
  }
}

template <typename T>
void MaceModel<T>::embed_nodes(const EdgeGraph<T>& g) {
  const int K = config_.hidden_irreps[0].mul;
  const int64_t nn_ = g.n_nodes;
  grow(h0_, size_t(nn_) * K);
  // charge/spin: x = concat(emb_spec[value + offset]), joint = silu(P x),
  // the same for every node of the structure (mace GenericJointEmbedding)
  const bool joint = !config_.embedding_specs.empty();
  if (joint) {
    std::vector<T>& x = joint_;
    x.clear();
    for (size_t k = 0; k < config_.embedding_specs.size(); ++k) {
      const EmbeddingSpec& s = config_.embedding_specs[k];
      const double value = s.name == "total_charge" ? g.total_charge : g.total_spin;
      const double idx = value + s.offset;
      if (idx < 0 || idx >= s.num_classes)
        throw Error(s.name + " = " + std::to_string(int64_t(value)) +
                    " is outside the model's range (" + std::to_string(-s.offset) + " to " +
                    std::to_string(s.num_classes - 1 - s.offset) + ")");
      const T* row = embedders_[k].data() + int64_t(idx) * s.emb_dim;
      x.insert(x.end(), row, row + s.emb_dim);
    }
    const size_t total = x.size();
    x.resize(total + size_t(K));
    for (int j = 0; j < K; ++j) {
      T z = 0;
      for (size_t i = 0; i < total; ++i) z += embedding_project_[size_t(j) * total + i] * x[i];
      x[total + size_t(j)] = z * sigmoid(z);
    }
  }
  const T* add = joint ? joint_.data() + (joint_.size() - size_t(K)) : nullptr;
  parallel_for("eq.embedding", nn_, [&](int64_t i) {
    const T* e = embedding_.data() + size_t(g.species[i]) * K;
    for (int j = 0; j < K; ++j) h0_[i * K + j] = e[j] + (add ? add[j] : T(0));
  });
}

template <typename T>
void MaceModel<T>::evaluate(const EdgeGraph<T>& g, GhostExchange* exchange, bool gradients,
                            models::ModelOutputs<T>& out) {
  const int64_t nn_ = g.n_nodes, nl = g.n_local, E = g.n_edges();
  const int lmax = config_.max_ell, nsh = so3::sh_size(lmax), nb = config_.num_bessel;
  const int K = config_.hidden_irreps[0].mul;
  const size_t L = layers_.size();
  const bool apply_cutoff = config_.apply_cutoff;

  // edge blocks: lengths, Y, radial features (and their derivatives)
  // tabulated layers need no radial basis (the table replaces basis and MLP)
  const bool basis =
      std::any_of(layers_.begin(), layers_.end(), [](const Layer& Ly) { return Ly.table.empty(); });
  grow(lengths_, size_t(E));
  grow(Y_, size_t(E) * nsh);
  if (basis) grow(feats_, size_t(E) * nb);
  if (!apply_cutoff) {
    grow(cutoff_, size_t(E));
    grow(dcutoff_, size_t(E));
  }
  if (gradients) {
    grow(dY_, size_t(E) * nsh * 3);
    if (basis) grow(dfeats_, size_t(E) * nb);
    grow(Y_adj_, size_t(E) * nsh);
    grow(r_adj_, size_t(E));
  }
  if (config_.use_agnostic_product && agnostic_species_.size() < size_t(nn_))
    agnostic_species_.assign(size_t(nn_), 0);
  detail::phase("edges: Y and radial basis", [&] {
    parallel_rows("eq.edges", E, [&](int64_t b, int64_t end) {
      so3::spherical_harmonics_batch<T>(lmax, end - b, g.vectors.data() + 3 * b,
                                        Y_.data() + b * nsh,
                                        gradients ? dY_.data() + b * nsh * 3 : nullptr);
      for (int64_t e = b; e < end; ++e) {
        const T* v = g.vectors.data() + 3 * e;
        const T r = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        lengths_[e] = r;
        if (!basis) continue;
        T u, du;
        radial_.evaluate(r, g.species[g.senders[e]], g.species[g.receivers[e]], apply_cutoff,
                         feats_.data() + e * nb, gradients ? dfeats_.data() + e * nb : nullptr, u,
                         du);
        if (!apply_cutoff) {
          cutoff_[e] = u;
          dcutoff_[e] = du;
        }
      }
    });
  });

  detail::phase("node embedding", [&] { embed_nodes(g); });

  std::vector<double>& energies = out.node_energies;
  energies.assign(size_t(nl), 0.0);
  if (radial_.has_zbl()) {
    // ZBL: half of each edge's pair energy to its receiver, before scale/shift
    if (gradients) grow(zbl_dr_, size_t(E));
    detail::phase("ZBL pair repulsion", [&] {
      parallel_for("eq.zbl", g.n_centers, [&](int64_t i) {
        double sum = 0;
        for (int64_t e = g.recv_offsets[i]; e < g.recv_offsets[i + 1]; ++e) {
          T v = 0, dv = 0;
          if (i < nl) radial_.zbl(lengths_[e], g.species[g.senders[e]], g.species[i], v, dv);
          sum += double(v);
          if (gradients) zbl_dr_[e] = dv;
        }
        if (i < nl) energies[i] += sum;
      });
    });
  }
  for (size_t l = 0; l < L; ++l) {
    const T* h_in = l == 0 ? h0_.data() : layers_[l - 1].h_out.data();
    forward_layer(l, g, h_in, gradients);
    detail::phase("forward: readout", [&] { readout_forward(layers_[l], nl, energies); });
    if (exchange && l + 1 < L)
      exchange->forward(layers_[l].h_out.data(), layers_[l].out_irreps.dim());
  }
  for (int64_t i = 0; i < nl; ++i) {
    double e0 = atomic_energies_[g.species[i]];
    if (config_.use_embedding_readout) {
      T y = 0;
      embedding_readout_.forward(0, 1, h0_.data() + i * K, K, &y, 1, nullptr, false);
      e0 += double(y);
    }
    energies[i] = e0 + double(scale_) * energies[i] + double(shift_);
  }
  if (!gradients) return;

  // reverse pass
  std::fill(Y_adj_.begin(), Y_adj_.begin() + E * nsh, T(0));
  if (radial_.has_zbl())
    parallel_for("eq.zbl_reverse", E, [&](int64_t e) { r_adj_[e] = scale_ * zbl_dr_[e]; });
  else
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
