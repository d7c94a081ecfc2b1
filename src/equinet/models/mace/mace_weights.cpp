#include "equinet/models/mace/mace_weights.hpp"

#include <cmath>

#include "equinet/error.hpp"
#include "equinet/io/safetensors.hpp"
#include "equinet/models/mace/conv_tp.hpp"
#include "equinet/nn/irreps_linear.hpp"

namespace equinet::mace {
namespace {

so3::Irreps scalars(int n) { return so3::Irreps({{n, so3::Irrep{0, 1}}}); }

// mace: (sh_irreps * num_features).sort().simplify(), with both parities of
// every l when hidden irreps contain pseudo-scalars.
so3::Irreps interaction_irreps(int max_ell, int channels, bool both_parities) {
  std::vector<so3::MulIrrep> blocks;
  for (int l = 0; l <= max_ell; ++l) {
    const int p = (l % 2) ? -1 : 1;
    blocks.push_back({channels, so3::Irrep{l, p}});
    if (both_parities) blocks.push_back({channels, so3::Irrep{l, -p}});
  }
  return so3::Irreps(blocks).sorted().simplified();
}

// Reads tensors of one file with the shapes the configuration implies.
class Reader {
 public:
  explicit Reader(const io::SafetensorsFile& f) : f_(f) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw Error("safetensors file '" + f_.path() + "': tensor '" + key + "' " + what);
  }
  // Any floating dtype, exactly this shape.
  WeightArray array(const std::string& key, const std::vector<int64_t>& shape) const {
    return {key, shape, f_.read_f64(key, shape)};
  }
  // An e3nn flat weight vector of n values.
  WeightArray flat(const std::string& key, int64_t n) const { return array(key, {n}); }
  // The shape as stored, which then fixes the array's free dimensions.
  const std::vector<int64_t>& shape_of(const std::string& key) const {
    return f_.tensor(key).shape;
  }
  double scalar(const std::string& key) const { return f_.read_scalar_f64(key); }
  int64_t integer(const std::string& key) const { return f_.read_scalar_int(key); }
  // Head `head`'s row of n values, stored as [n] (one head) or [n_heads, n].
  std::vector<double> head_row(const std::string& key, int64_t n, int head, int n_heads) const {
    const auto& shape = shape_of(key);
    const bool one = shape.size() == 1 && shape[0] == n && n_heads == 1;
    const bool rows = shape.size() == 2 && shape[0] == n_heads && shape[1] == n;
    if (!one && !rows)
      fail(key, "has shape " + io::shape_to_string(shape) + ", expected [" +
                    std::to_string(n_heads) + ", " + std::to_string(n) + "] (heads x elements)");
    const auto v = f_.read_f64(key);
    return std::vector<double>(v.begin() + int64_t(head) * n, v.begin() + int64_t(head + 1) * n);
  }
  // Head `head`'s value of a scalar stored as [] or [n_heads].
  double head_value(const std::string& key, int head, int n_heads) const {
    const auto& shape = shape_of(key);
    if (shape.empty() || (shape.size() == 1 && shape[0] == 1 && n_heads == 1))
      return f_.read_f64(key).at(0);
    if (shape.size() != 1 || shape[0] != n_heads)
      fail(key, "has shape " + io::shape_to_string(shape) + ", expected [] or [" +
                    std::to_string(n_heads) + "] (one per head)");
    return f_.read_f64(key)[size_t(head)];
  }
  // The columns [c0, c0 + n) of an e3nn Linear between scalar blocks stored
  // as [rows][cols], times `factor` (see read_readout).
  WeightArray columns(const std::string& key, int64_t rows, int64_t cols, int64_t r0, int64_t nr,
                      int64_t c0, int64_t n, double factor) const {
    const auto v = f_.read_f64(key, {rows * cols});
    WeightArray w{key, {nr * n}, {}};
    for (int64_t r = r0; r < r0 + nr; ++r)
      for (int64_t c = c0; c < c0 + n; ++c) w.values.push_back(v[size_t(r * cols + c)] * factor);
    return w;
  }
  bool has(const std::string& key) const { return f_.contains(key); }

 private:
  const io::SafetensorsFile& f_;
};

SymmetricContractionWeights read_contraction(const Reader& r, const std::string& prefix,
                                             const so3::Irreps& in, const so3::Irreps& out,
                                             int correlation, int num_elements) {
  int in_dim = 0;
  for (const auto& b : in.blocks()) in_dim += b.ir.dim();
  const int channels = in[0].mul;
  SymmetricContractionWeights w;
  for (size_t blk = 0; blk < out.size(); ++blk) {
    const std::string base = prefix + ".contractions." + std::to_string(blk);
    const int d_out = out[blk].ir.dim();
    SymmetricContractionWeights::Contraction c;
    for (int nu = 1; nu <= correlation; ++nu) {
      // U_ν: [d_out,] in_dim x ν, K_ν, with K_ν (the number of couplings) as stored
      const std::string ukey = base + ".U_matrix_" + std::to_string(nu);
      std::vector<int64_t> shape;
      if (d_out > 1) shape.push_back(d_out);
      shape.insert(shape.end(), nu, in_dim);
      const auto& stored = r.shape_of(ukey);
      shape.push_back(stored.size() == shape.size() + 1 ? stored.back() : 1);
      c.U.push_back(r.array(ukey, shape));
      const int64_t K = shape.back();
      const std::string wkey = nu == correlation
                                   ? base + ".weights_max"
                                   : base + ".weights." + std::to_string(correlation - 1 - nu);
      c.W.push_back(r.array(wkey, {num_elements, K, channels}));
    }
    w.contractions.push_back(std::move(c));
  }
  return w;
}

}  // namespace

MaceLayerIrreps mace_layer_irreps(const MaceConfig& c, int layer) {
  const int K = c.hidden_irreps[0].mul;
  const int L = c.num_interactions;
  const bool pseudo = c.hidden_irreps.count(so3::Irrep{0, -1}) > 0;
  MaceLayerIrreps ir;
  ir.kind = c.interactions[size_t(layer)];
  ir.residual = is_residual(ir.kind);
  ir.nonlinear_readout = layer == L - 1 && L > 1;
  ir.readout = ir.nonlinear_readout || !c.use_last_readout_only;
  ir.in = layer == 0 ? scalars(K) : c.hidden_irreps;
  // mace: edge_irreps (default: the node irreps); the first layer keeps only
  // their scalars with use_edge_irreps_first, else uses its node irreps
  if (c.edge_irreps.size() == 0 || (layer == 0 && !c.use_edge_irreps_first))
    ir.edge = ir.in;
  else if (layer == 0)
    ir.edge = scalars(c.edge_irreps.count(so3::Irrep{0, 1}));
  else
    ir.edge = c.edge_irreps;
  ir.target = interaction_irreps(c.max_ell, K, layer > 0 && pseudo);
  ir.out = layer == L - 1 ? so3::Irreps({c.hidden_irreps[0]}) : c.hidden_irreps;
  if (ir.kind == InteractionKind::ResidualNonLinear) {
    // e3nn Gate(scalars, gates, gated).irreps_in.simplify(): one 0e block of
    // scalars and gates, then the gated blocks
    int n_scalars = 0, n_gates = 0;
    std::vector<so3::MulIrrep> gated;
    for (const auto& b : ir.target.blocks()) {
      if (b.ir.l == 0) {
        n_scalars += b.mul;
      } else {
        n_gates += b.mul;
        gated.push_back(b);
      }
    }
    std::vector<so3::MulIrrep> blocks{{n_scalars + n_gates, so3::Irrep{0, 1}}};
    blocks.insert(blocks.end(), gated.begin(), gated.end());
    ir.nonlinear = so3::Irreps(blocks);
  }
  return ir;
}

namespace {

// mace's RadialMLP (Linear -> LayerNorm -> SiLU ..., Linear) under
// prefix.net.<3k> (linear k) and prefix.net.<3k+1> (its layer norm).
std::vector<nn::LayerNormMLPLayer> read_layer_norm_mlp(const Reader& r, const std::string& prefix,
                                                       const std::vector<int64_t>& widths) {
  std::vector<nn::LayerNormMLPLayer> layers;
  for (size_t k = 0; k + 1 < widths.size(); ++k) {
    const std::string lin = prefix + ".net." + std::to_string(3 * k);
    nn::LayerNormMLPLayer L;
    L.weight = r.array(lin + ".weight", {widths[k + 1], widths[k]}).values;
    L.bias = r.array(lin + ".bias", {widths[k + 1]}).values;
    if (k + 2 < widths.size()) {
      const std::string norm = prefix + ".net." + std::to_string(3 * k + 1);
      L.layer_norm_weight = r.array(norm + ".weight", {widths[k + 1]}).values;
      L.layer_norm_bias = r.array(norm + ".bias", {widths[k + 1]}).values;
    }
    layers.push_back(std::move(L));
  }
  return layers;
}

std::vector<int64_t> mlp_widths(int64_t in, const std::vector<int>& hidden, int64_t out) {
  std::vector<int64_t> w{in};
  w.insert(w.end(), hidden.begin(), hidden.end());
  w.push_back(out);
  return w;
}

// The interaction block's own tensors (linear_up to skip_tp).
void read_interaction(const Reader& r, const MaceConfig& c, const MaceLayerIrreps& ir,
                      const std::string& I, int n_el, MaceLayerWeights& lw) {
  using nn::IrrepsLinear;
  lw.linear_up =
      r.flat(I + "linear_up.weight", IrrepsLinear<double>::weight_count(ir.in, ir.edge, 1));
  const ConvTP<double> conv(ir.edge, c.max_ell, ir.target);
  if (ir.kind == InteractionKind::ResidualNonLinear) {
    const int K0 = ir.in.count(so3::Irrep{0, 1});
    const int64_t in = c.num_bessel + 2 * K0;
    lw.alpha = r.scalar(I + "alpha");
    lw.beta = r.scalar(I + "beta");
    lw.source_embedding = r.flat(I + "source_embedding.weight", int64_t(n_el) * K0);
    lw.target_embedding = r.flat(I + "target_embedding.weight", int64_t(n_el) * K0);
    lw.radial_net = read_layer_norm_mlp(r, I + "conv_tp_weights",
                                        mlp_widths(in, c.radial_mlp, conv.weight_count()));
    lw.density_net = read_layer_norm_mlp(r, I + "density_fn", mlp_widths(in, {64}, 1));
    lw.skip = r.flat(I + "skip_tp.weight", IrrepsLinear<double>::weight_count(ir.in, ir.out, 1));
    lw.linear_res = r.flat(I + "linear_res.weight",
                           IrrepsLinear<double>::weight_count(ir.edge, ir.nonlinear, 1));
    lw.linear_1 = r.flat(I + "linear_1.weight",
                         IrrepsLinear<double>::weight_count(conv.mid().irreps, ir.nonlinear, 1));
    lw.linear_2 =
        r.flat(I + "linear_2.weight", IrrepsLinear<double>::weight_count(ir.target, ir.target, 1));
    return;
  }
  const auto widths = mlp_widths(c.num_bessel, c.radial_mlp, conv.weight_count());
  for (size_t k = 0; k + 1 < widths.size(); ++k)
    lw.radial_mlp.push_back(r.array(I + "conv_tp_weights.layer" + std::to_string(k) + ".weight",
                                    {widths[k], widths[k + 1]}));
  lw.linear = r.flat(I + "linear.weight",
                     IrrepsLinear<double>::weight_count(conv.mid().irreps, ir.target, 1));
  lw.skip = r.flat(I + "skip_tp.weight",
                   ir.residual ? IrrepsLinear<double>::weight_count(ir.in, ir.out, n_el)
                               : IrrepsLinear<double>::weight_count(ir.target, ir.target, n_el));
  if (ir.kind == InteractionKind::Density || ir.kind == InteractionKind::DensityResidual)
    lw.density = r.array(I + "density_fn.layer0.weight", {c.num_bessel, 1});
}

// readouts.<l> for one head. A LinearReadoutBlock maps the scalars to
// n_heads outputs ([K][n_heads]): the head's column. A NonLinearReadoutBlock
// has n_heads x M hidden units of which mace keeps the head's M (mask_head):
// linear_1's columns [head M, head M + M), linear_2's rows of them and the
// head's column; linear_2's e3nn normalisation is 1/sqrt(n_heads M), so its
// values are scaled by 1/sqrt(n_heads) for a linear with fan-in M.
void read_readout(const Reader& r, const MaceConfig& c, const MaceLayerIrreps& ir,
                  const std::string& R, int head, MaceLayerWeights& lw) {
  if (!ir.readout) return;
  const int64_t H = int64_t(c.heads.size()), K = ir.out[0].mul;
  if (ir.nonlinear_readout) {
    const int64_t M = c.mlp_irreps.dim();
    lw.readout_linear_1 = r.columns(R + "linear_1.weight", K, H * M, 0, K, head * M, M, 1.0);
    lw.readout_linear_2 = r.columns(R + "linear_2.weight", H * M, H, head * M, M, head, 1,
                                    1.0 / std::sqrt(double(H)));
  } else {
    lw.readout_linear = r.columns(R + "linear.weight", K, H, 0, K, head, 1, 1.0);
  }
}

}  // namespace

MaceWeights read_mace_weights(const io::SafetensorsFile& f, const MaceConfig& c, int head) {
  using nn::IrrepsLinear;
  const Reader r(f);
  const int n_el = int(c.atomic_numbers.size());
  const int n_heads = int(c.heads.size());
  const int K = c.hidden_irreps[0].mul;
  MaceWeights w;
  w.source = f.path();
  w.head = head;

  w.r_max = r.scalar("radial_embedding.cutoff_fn.r_max");
  if (std::abs(w.r_max - c.r_max) > 1e-6 * c.r_max)
    r.fail("radial_embedding.cutoff_fn.r_max", "= " + std::to_string(w.r_max) +
                                                   " disagrees with the config's r_max " +
                                                   std::to_string(c.r_max));
  w.envelope_p = int(r.integer("radial_embedding.cutoff_fn.p"));
  w.bessel_prefactor = r.scalar("radial_embedding.bessel_fn.prefactor");
  w.bessel_weights = r.flat("radial_embedding.bessel_fn.bessel_weights", c.num_bessel);
  const std::string T = "radial_embedding.distance_transform.";
  if (c.distance_transform == DistanceTransform::Agnesi) {
    w.distance_transform.q = r.scalar(T + "q");
    w.distance_transform.p = r.scalar(T + "p");
    w.distance_transform.a = r.scalar(T + "a");
  } else if (c.distance_transform == DistanceTransform::Soft) {
    w.distance_transform.alpha = r.scalar(T + "alpha");
  }
  if (c.distance_transform != DistanceTransform::None)
    w.distance_transform.covalent_radii = r.flat(T + "covalent_radii", 119).values;
  if (c.pair_repulsion) {
    w.zbl.c = r.flat("pair_repulsion_fn.c", 4).values;
    w.zbl.p = int(r.integer("pair_repulsion_fn.p"));
    w.zbl.a_exp = r.scalar("pair_repulsion_fn.a_exp");
    w.zbl.a_prefactor = r.scalar("pair_repulsion_fn.a_prefactor");
    w.zbl.covalent_radii = r.flat("pair_repulsion_fn.covalent_radii", 119).values;
  }
  // o3.Linear(n_el x 0e -> K x 0e) on one-hot attributes
  w.node_embedding = r.flat("node_embedding.linear.weight", int64_t(n_el) * K);
  int64_t emb_total = 0;
  for (const auto& spec : c.embedding_specs) {
    w.embedders.push_back(r.array("joint_embedding.embedders." + spec.name + ".weight",
                                  {spec.num_classes, spec.emb_dim}));
    emb_total += spec.emb_dim;
  }
  if (!c.embedding_specs.empty()) {
    w.embedding_project = r.array("joint_embedding.project.0.weight", {K, emb_total});
    if (c.use_embedding_readout)
      w.embedding_readout =
          r.columns("embedding_readout.linear.weight", K, n_heads, 0, K, head, 1, 1.0);
  }
  w.atomic_energies = r.head_row("atomic_energies_fn.atomic_energies", n_el, head, n_heads);
  if (c.model_class == "ScaleShiftMACE") {
    w.scale = r.head_value("scale_shift.scale", head, n_heads);
    w.shift = r.head_value("scale_shift.shift", head, n_heads);
  }

  const int L = c.num_interactions;
  const int contraction_sets = c.use_agnostic_product ? 1 : n_el;
  for (int l = 0; l < L; ++l) {
    const MaceLayerIrreps ir = mace_layer_irreps(c, l);
    const std::string I = "interactions." + std::to_string(l) + ".";
    const std::string P = "products." + std::to_string(l) + ".";
    MaceLayerWeights lw;
    read_interaction(r, c, ir, I, n_el, lw);
    lw.contraction = read_contraction(r, P + "symmetric_contractions", ir.target, ir.out,
                                      c.correlation[l], contraction_sets);
    lw.product_linear =
        r.flat(P + "linear.weight", IrrepsLinear<double>::weight_count(ir.out, ir.out, 1));
    read_readout(r, c, ir, "readouts." + std::to_string(l) + ".", head, lw);
    w.layers.push_back(std::move(lw));
  }
  return w;
}

}  // namespace equinet::mace
