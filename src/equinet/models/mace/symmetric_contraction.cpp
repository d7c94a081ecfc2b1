#include "equinet/models/mace/symmetric_contraction.hpp"

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "equinet/detail/parallel.hpp"
#include "equinet/detail/simd.hpp"
#include "equinet/error.hpp"
#include "equinet/io/safetensors.hpp"  // shape_to_string

namespace equinet::mace {

namespace {

[[noreturn]] void fail_shape(const std::string& source, const nn::WeightArray& a,
                             const std::vector<int64_t>& expected) {
  throw Error(source + ": tensor '" + a.key + "' has shape " + io::shape_to_string(a.shape) +
              ", expected " + io::shape_to_string(expected));
}

void check_array(const std::string& source, const nn::WeightArray& a,
                 const std::vector<int64_t>& expected) {
  if (a.shape != expected) fail_shape(source, a, expected);
  int64_t n = 1;
  for (int64_t d : a.shape) n *= d;
  if (n != a.size())
    throw Error(source + ": tensor '" + a.key + "' has " + std::to_string(a.size()) +
                " values for shape " + io::shape_to_string(a.shape));
}

}  // namespace

template <typename T>
SymmetricContraction<T>::SymmetricContraction(const SymmetricContractionWeights& weights_in,
                                              const so3::Irreps& in, const so3::Irreps& out,
                                              int correlation, int num_elements,
                                              const std::string& source)
    : out_(out), num_elements_(num_elements) {
  channels_ = in[0].mul;
  if (channels_ > kMaxChannels)
    throw Error(source + ": symmetric contraction: more than " + std::to_string(kMaxChannels) +
                " channels are not supported");
  for (const auto& b : in.blocks())
    if (b.mul != channels_)
      throw Error(source + ": symmetric contraction: input irreps " + in.str() +
                  " must have equal multiplicities");
  if (correlation < 1 || correlation > 4)
    throw Error(source + ": symmetric contraction: correlation " + std::to_string(correlation) +
                " is not supported (1..4)");
  if (weights_in.contractions.size() != out.size())
    throw Error(source +
                ": symmetric contraction: " + std::to_string(weights_in.contractions.size()) +
                " contractions for output " + out.str() + ", expected one per block");
  in_dim_ = 0;
  for (const auto& b : in.blocks()) in_dim_ += b.ir.dim();
  for (size_t blk = 0; blk < out.size(); ++blk) {
    if (out[blk].mul != channels_)
      throw Error(source + ": symmetric contraction: output " + out.str() + " must have " +
                  std::to_string(channels_) + " channels");
    const auto& given = weights_in.contractions[blk];
    if (int(given.U.size()) != correlation || int(given.W.size()) != correlation)
      throw Error(source + ": symmetric contraction " + std::to_string(blk) + ": " +
                  std::to_string(given.U.size()) + " U and " + std::to_string(given.W.size()) +
                  " weight arrays, expected " + std::to_string(correlation) + " of each");
    const int d_out = out[blk].ir.dim();
    Output o;
    o.block = int(blk);
    std::vector<std::vector<double>> coeffs;  // per monomial: [k] for its ν
    std::vector<int> nu_of;
    struct Key {
      int m, nu;
      std::array<int, 4> idx;
      bool operator<(const Key& b) const {
        return std::tie(m, nu, idx) < std::tie(b.m, b.nu, b.idx);
      }
    };
    std::map<Key, size_t> seen;
    std::vector<const std::vector<double>*> weights(correlation + 1);  // [ν] -> [e][k][u]
    std::vector<int> kdim(correlation + 1);
    for (int nu = 1; nu <= correlation; ++nu) {
      const nn::WeightArray& Ua = given.U[nu - 1];
      std::vector<int64_t> shape;
      if (d_out > 1) shape.push_back(d_out);
      for (int k = 0; k < nu; ++k) shape.push_back(in_dim_);
      if (Ua.shape.size() != shape.size() + 1) {
        shape.push_back(Ua.shape.empty() ? 1 : Ua.shape.back());
        fail_shape(source, Ua, shape);
      }
      const int K = int(Ua.shape.back());
      shape.push_back(K);
      check_array(source, Ua, shape);
      const auto& U = Ua.values;
      kdim[nu] = K;
      check_array(source, given.W[nu - 1], {num_elements, K, channels_});
      weights[nu] = &given.W[nu - 1].values;
      // walk U, canonicalise (i1..iν) by sorting
      int64_t n_idx = 1;
      for (int k = 0; k < nu; ++k) n_idx *= in_dim_;
      for (int m = 0; m < d_out; ++m)
        for (int64_t flat = 0; flat < n_idx; ++flat) {
          const double* u = U.data() + (m * n_idx + flat) * K;
          bool any = false;
          for (int k = 0; k < K; ++k) any |= u[k] != 0.0;
          if (!any) continue;
          Key key{m, nu, {0, 0, 0, 0}};
          int64_t rem = flat;
          for (int k = nu - 1; k >= 0; --k) {
            key.idx[k] = int(rem % in_dim_);
            rem /= in_dim_;
          }
          // insertion sort of at most 4 indices (std::sort trips a GCC 12
          // -Warray-bounds false positive on this tiny range)
          for (int a = 1; a < nu; ++a)
            for (int b = a; b > 0 && key.idx[b - 1] > key.idx[b]; --b)
              std::swap(key.idx[b - 1], key.idx[b]);
          auto it = seen.find(key);
          if (it == seen.end()) {
            it = seen.emplace(key, coeffs.size()).first;
            coeffs.emplace_back(K, 0.0);
            nu_of.push_back(nu);
            o.monomials.push_back({m, nu, {key.idx[0], key.idx[1], key.idx[2], key.idx[3]}});
          }
          for (int k = 0; k < K; ++k) coeffs[it->second][k] += u[k];
        }
    }
    // values[e][p][u] = Σ_k coeff[p][k] W_ν[e][k][u]; drop monomials whose
    // permutation sum vanished.
    std::vector<Monomial> kept;
    std::vector<size_t> kept_src;
    for (size_t p = 0; p < coeffs.size(); ++p) {
      double mx = 0;
      for (double c : coeffs[p]) mx = std::max(mx, std::abs(c));
      if (mx > 1e-14) {
        kept.push_back(o.monomials[p]);
        kept_src.push_back(p);
      }
    }
    // order by (degree, prefix, last index) so that monomials sharing all
    // but their last factor form one group (Group)
    std::vector<size_t> order(kept.size());
    for (size_t q = 0; q < order.size(); ++q) order[q] = q;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      const Monomial &x = kept[a], &y = kept[b];
      return std::tie(x.degree, x.idx[0], x.idx[1], x.idx[2], x.idx[3]) <
             std::tie(y.degree, y.idx[0], y.idx[1], y.idx[2], y.idx[3]);
    });
    o.monomials.clear();
    for (size_t q : order) o.monomials.push_back(kept[q]);
    for (int q = 0; q < int(o.monomials.size()); ++q) {
      const Monomial& mono = o.monomials[q];
      const bool same = !o.groups.empty() && o.groups.back().degree == mono.degree &&
                        std::equal(mono.idx, mono.idx + mono.degree - 1, o.groups.back().prefix);
      if (!same) {
        Group grp{mono.degree, {0, 0, 0}, q, q};
        std::copy(mono.idx, mono.idx + mono.degree - 1, grp.prefix);
        o.groups.push_back(grp);
      }
      o.groups.back().end = q + 1;
    }
    o.values.assign(size_t(num_elements) * kept.size() * channels_, T(0));
    for (int e = 0; e < num_elements; ++e)
      for (size_t q = 0; q < kept.size(); ++q) {
        const size_t p = kept_src[order[q]];
        const int nu = nu_of[p], K = kdim[nu];
        for (int u = 0; u < channels_; ++u) {
          double s = 0;
          for (int k = 0; k < K; ++k)
            s += coeffs[p][k] * (*weights[nu])[(size_t(e) * K + k) * channels_ + u];
          o.values[(size_t(e) * kept.size() + q) * channels_ + u] = T(s);
        }
      }
    outputs_.push_back(std::move(o));
  }
}

template <typename T>
int64_t SymmetricContraction<T>::monomial_count() const {
  int64_t n = 0;
  for (const auto& o : outputs_) n += int64_t(o.monomials.size());
  return n;
}

// Per group: P = product of the shared prefix factors, dP[k] = ∂P/∂prefix_k.
template <typename T>
template <typename V>
V SymmetricContraction<T>::prefix_product(const Group& grp, const V* xp, V* dP) {
  switch (grp.degree - 1) {
    case 0:
      return V{} + T(1);
    case 1:
      dP[0] = V{} + T(1);
      return xp[0];
    case 2:
      dP[0] = xp[1];
      dP[1] = xp[0];
      return xp[0] * xp[1];
    default: {
      const V x01 = xp[0] * xp[1];
      dP[0] = xp[1] * xp[2];
      dP[1] = xp[0] * xp[2];
      dP[2] = x01;
      return x01 * xp[2];
    }
  }
}

template <typename T>
template <int W, int NB>
void SymmetricContraction<T>::forward_node(const T* a, int species, T* b) const {
  using L = detail::Lanes<T, W>;
  using V = typename L::vec;
  constexpr int kBlocks = NB ? NB : kMaxChannels / W;
  const int K = channels_, nb = NB ? NB : K / W;
  V P[kBlocks];
  for (const auto& o : outputs_) {
    const size_t np = o.monomials.size();
    const T* vals = o.values.data() + size_t(species) * np * K;
    T* bo = b + out_.offsets[o.block];
    for (const Group& grp : o.groups) {
      for (int c = 0; c < nb; ++c) {
        V xp[3]{}, dP[3]{};
        for (int k = 0; k + 1 < grp.degree; ++k) xp[k] = L::load(a + grp.prefix[k] * K + c * W);
        P[c] = prefix_product(grp, xp, dP);
      }
      for (int q = grp.begin; q < grp.end; ++q) {
        const Monomial& mono = o.monomials[q];
        T* dst = bo + mono.m_out * K;
        const T* xl = a + mono.idx[mono.degree - 1] * K;
        const T* v = vals + q * K;
        for (int c = 0; c < nb; ++c)
          L::store(dst + c * W,
                   L::load(dst + c * W) + L::load(v + c * W) * P[c] * L::load(xl + c * W));
      }
    }
  }
}

// For monomial v P x_last with output adjoint g: x_last gets g v P; the
// prefix factors get dP times the group's sum of g v x_last.
template <typename T>
template <int W, int NB>
void SymmetricContraction<T>::reverse_node(const T* a, int species, const T* g, T* ga) const {
  using L = detail::Lanes<T, W>;
  using V = typename L::vec;
  constexpr int kBlocks = NB ? NB : kMaxChannels / W;
  const int K = channels_, nb = NB ? NB : K / W;
  V P[kBlocks], t[kBlocks], dP[kBlocks][3];
  for (const auto& o : outputs_) {
    const size_t np = o.monomials.size();
    const T* vals = o.values.data() + size_t(species) * np * K;
    const T* go = g + out_.offsets[o.block];
    for (const Group& grp : o.groups) {
      for (int c = 0; c < nb; ++c) {
        V xp[3]{};
        for (int k = 0; k + 1 < grp.degree; ++k) xp[k] = L::load(a + grp.prefix[k] * K + c * W);
        P[c] = prefix_product(grp, xp, dP[c]);
        t[c] = V{};
      }
      for (int q = grp.begin; q < grp.end; ++q) {
        const Monomial& mono = o.monomials[q];
        const int last = mono.idx[mono.degree - 1];
        const T *v = vals + q * K, *gm = go + mono.m_out * K, *xl = a + last * K;
        T* gl = ga + last * K;
        for (int c = 0; c < nb; ++c) {
          const V sv = L::load(v + c * W) * L::load(gm + c * W);
          t[c] += sv * L::load(xl + c * W);
          L::store(gl + c * W, L::load(gl + c * W) + sv * P[c]);
        }
      }
      for (int c = 0; c < nb; ++c)
        for (int k = 0; k + 1 < grp.degree; ++k) {
          T* gp = ga + grp.prefix[k] * K + c * W;
          L::store(gp, L::load(gp) + t[c] * dP[c][k]);
        }
    }
  }
}

// f(i, lanes, blocks) for every node i in parallel, with the kernel shape
// of this contraction's channel count.
template <typename T>
template <typename F>
void SymmetricContraction<T>::each_node(const char* label, int64_t n, F&& f) const {
  const int w = detail::lanes_dividing<T>(channels_);
  detail::with_kernel_shape<T>(w, channels_ / w, [&](auto lanes, auto blocks) {
    detail::parallel_for(label, n, [&](int64_t i) { f(i, lanes, blocks); });
  });
}

template <typename T>
void SymmetricContraction<T>::forward(int64_t n, const T* A, const int* species, T* B) const {
  const int din = in_dim_ * channels_, dout = out_.dim;
  each_node("eq.symm_forward", n, [&](int64_t i, auto lanes, auto blocks) {
    T* b = B + i * dout;
    std::fill(b, b + dout, T(0));
    forward_node<decltype(lanes)::value, decltype(blocks)::value>(A + i * din, species[i], b);
  });
}

template <typename T>
void SymmetricContraction<T>::reverse(int64_t n, const T* A, const int* species, const T* B_adj,
                                      T* A_adj) const {
  const int din = in_dim_ * channels_, dout = out_.dim;
  each_node("eq.symm_reverse", n, [&](int64_t i, auto lanes, auto blocks) {
    T* ga = A_adj + i * din;
    std::fill(ga, ga + din, T(0));
    reverse_node<decltype(lanes)::value, decltype(blocks)::value>(A + i * din, species[i],
                                                                  B_adj + i * dout, ga);
  });
}

template class SymmetricContraction<float>;
template class SymmetricContraction<double>;

}  // namespace equinet::mace
