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
  // n values stored as [n] or with leading unit dimensions (one head: [1, n]).
  WeightArray per_element(const std::string& key, int64_t n) const {
    const auto& shape = shape_of(key);
    bool ok = !shape.empty() && shape.back() == n;
    for (size_t k = 0; k + 1 < shape.size(); ++k) ok = ok && shape[k] == 1;
    if (!ok)
      fail(key, "has shape " + io::shape_to_string(shape) + ", expected [" + std::to_string(n) +
                    "] (one value per element, single head)");
    return {key, shape, f_.read_f64(key)};
  }

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
  const bool pseudo = c.hidden_irreps.count(so3::Irrep{0, -1}) > 0;
  MaceLayerIrreps ir;
  ir.residual = layer > 0 || c.first_layer_residual;
  ir.in = layer == 0 ? scalars(K) : c.hidden_irreps;
  ir.target = interaction_irreps(c.max_ell, K, layer > 0 && pseudo);
  ir.out = layer == c.num_interactions - 1 ? so3::Irreps({c.hidden_irreps[0]}) : c.hidden_irreps;
  return ir;
}

int64_t MaceWeights::num_parameters() const {
  int64_t n = node_embedding.size();
  for (const auto& l : layers) {
    n += l.linear_up.size() + l.linear.size() + l.skip.size() + l.product_linear.size() +
         l.readout_linear.size() + l.readout_linear_1.size() + l.readout_linear_2.size();
    for (const auto& m : l.radial_mlp) n += m.size();
    for (const auto& c : l.contraction.contractions)
      for (const auto& w : c.W) n += w.size();
  }
  return n;
}

MaceWeights read_mace_weights(const io::SafetensorsFile& f, const MaceConfig& c) {
  using nn::IrrepsLinear;
  const Reader r(f);
  const int n_el = int(c.atomic_numbers.size());
  const int K = c.hidden_irreps[0].mul;
  MaceWeights w;
  w.source = f.path();

  w.r_max = r.scalar("radial_embedding.cutoff_fn.r_max");
  if (std::abs(w.r_max - c.r_max) > 1e-12)
    r.fail("radial_embedding.cutoff_fn.r_max", "= " + std::to_string(w.r_max) +
                                                   " disagrees with the config's r_max " +
                                                   std::to_string(c.r_max));
  w.envelope_p = int(r.integer("radial_embedding.cutoff_fn.p"));
  w.bessel_prefactor = r.scalar("radial_embedding.bessel_fn.prefactor");
  w.bessel_weights = r.flat("radial_embedding.bessel_fn.bessel_weights", c.num_bessel);
  // o3.Linear(n_el x 0e -> K x 0e) on one-hot attributes
  w.node_embedding = r.flat("node_embedding.linear.weight", int64_t(n_el) * K);
  w.atomic_energies = r.per_element("atomic_energies_fn.atomic_energies", n_el);
  if (c.model_class == "ScaleShiftMACE") {
    w.scale = r.scalar("scale_shift.scale");
    w.shift = r.scalar("scale_shift.shift");
  }

  const int L = c.num_interactions;
  for (int l = 0; l < L; ++l) {
    const MaceLayerIrreps ir = mace_layer_irreps(c, l);
    const std::string I = "interactions." + std::to_string(l) + ".";
    const std::string P = "products." + std::to_string(l) + ".";
    const std::string R = "readouts." + std::to_string(l) + ".";
    MaceLayerWeights lw;
    lw.linear_up =
        r.flat(I + "linear_up.weight", IrrepsLinear<double>::weight_count(ir.in, ir.in, 1));
    const ConvTP<double> conv(ir.in, c.max_ell, ir.target);
    std::vector<int64_t> widths{c.num_bessel};
    widths.insert(widths.end(), c.radial_mlp.begin(), c.radial_mlp.end());
    widths.push_back(conv.weight_count());
    for (size_t k = 0; k + 1 < widths.size(); ++k)
      lw.radial_mlp.push_back(r.array(I + "conv_tp_weights.layer" + std::to_string(k) + ".weight",
                                      {widths[k], widths[k + 1]}));
    lw.linear = r.flat(I + "linear.weight",
                       IrrepsLinear<double>::weight_count(conv.mid().irreps, ir.target, 1));
    lw.skip = r.flat(I + "skip_tp.weight",
                     ir.residual ? IrrepsLinear<double>::weight_count(ir.in, ir.out, n_el)
                                 : IrrepsLinear<double>::weight_count(ir.target, ir.target, n_el));
    lw.contraction = read_contraction(r, P + "symmetric_contractions", ir.target, ir.out,
                                      c.correlation[l], n_el);
    lw.product_linear =
        r.flat(P + "linear.weight", IrrepsLinear<double>::weight_count(ir.out, ir.out, 1));
    if (l == L - 1 && L > 1) {
      const int width = c.mlp_irreps.dim();
      lw.readout_linear_1 = r.flat(R + "linear_1.weight",
                                   IrrepsLinear<double>::weight_count(ir.out, scalars(width), 1));
      lw.readout_linear_2 = r.flat(R + "linear_2.weight", width);
    } else {
      lw.readout_linear =
          r.flat(R + "linear.weight", IrrepsLinear<double>::weight_count(ir.out, scalars(1), 1));
    }
    w.layers.push_back(std::move(lw));
  }
  return w;
}

}  // namespace equinet::mace
