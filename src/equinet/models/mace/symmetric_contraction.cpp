#include "equinet/models/mace/symmetric_contraction.hpp"

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "equinet/io/safetensors.hpp"
#include "equinet/potential.hpp"

namespace equinet::mace {

template <typename T>
SymmetricContraction<T>::SymmetricContraction(const io::SafetensorsFile& file,
                                              const std::string& prefix, const so3::Irreps& in,
                                              const so3::Irreps& out, int correlation,
                                              int num_elements)
    : out_(out), num_elements_(num_elements) {
  channels_ = in[0].mul;
  for (const auto& b : in.blocks())
    if (b.mul != channels_)
      throw Error(file.path() + ": " + prefix + ": input irreps " + in.str() +
                  " must have equal multiplicities");
  in_dim_ = 0;
  for (const auto& b : in.blocks()) in_dim_ += b.ir.dim();
  for (size_t blk = 0; blk < out.size(); ++blk) {
    if (out[blk].mul != channels_)
      throw Error(file.path() + ": " + prefix + ": output " + out.str() + " must have " +
                  std::to_string(channels_) + " channels");
    const std::string base = prefix + ".contractions." + std::to_string(blk);
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
    std::vector<std::vector<double>> weights(correlation + 1);  // [ν] -> [e][k][u]
    std::vector<int> kdim(correlation + 1);
    for (int nu = 1; nu <= correlation; ++nu) {
      const std::string ukey = base + ".U_matrix_" + std::to_string(nu);
      const auto& t = file.tensor(ukey);
      std::vector<int64_t> shape;
      if (d_out > 1) shape.push_back(d_out);
      for (int k = 0; k < nu; ++k) shape.push_back(in_dim_);
      if (int64_t(t.shape.size()) != int64_t(shape.size()) + 1)
        throw Error(file.path() + ": tensor '" + ukey + "' has shape " +
                    io::shape_to_string(t.shape) + ", expected rank " +
                    std::to_string(shape.size() + 1));
      const int K = int(t.shape.back());
      shape.push_back(K);
      const auto U = file.read_f64(ukey, shape);
      kdim[nu] = K;
      const std::string wkey = nu == correlation
                                   ? base + ".weights_max"
                                   : base + ".weights." + std::to_string(correlation - 1 - nu);
      weights[nu] = file.read_f64(wkey, {num_elements, K, channels_});
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
    o.monomials = kept;
    o.values.assign(size_t(num_elements) * kept.size() * channels_, T(0));
    for (int e = 0; e < num_elements; ++e)
      for (size_t q = 0; q < kept.size(); ++q) {
        const size_t p = kept_src[q];
        const int nu = nu_of[p], K = kdim[nu];
        for (int u = 0; u < channels_; ++u) {
          double s = 0;
          for (int k = 0; k < K; ++k)
            s += coeffs[p][k] * weights[nu][(size_t(e) * K + k) * channels_ + u];
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

template <typename T>
void SymmetricContraction<T>::forward(int64_t n, const T* A, const int* species, T* B) const {
  const int K = channels_, din = in_dim_ * K, dout = out_.dim;
  Kokkos::parallel_for("eq.symm_forward",
                       Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, n),
                       [&](int64_t i) {
                         const T* a = A + i * din;
                         T* b = B + i * dout;
                         std::fill(b, b + dout, T(0));
                         for (const auto& o : outputs_) {
                           const size_t np = o.monomials.size();
                           const T* vals = o.values.data() + size_t(species[i]) * np * K;
                           T* bo = b + out_.offsets[o.block];
                           for (size_t p = 0; p < np; ++p) {
                             const auto& mono = o.monomials[p];
                             const T* v = vals + p * K;
                             T* dst = bo + mono.m_out * K;
                             const T* x0 = a + mono.idx[0] * K;
                             switch (mono.degree) {
                               case 1:
                                 for (int u = 0; u < K; ++u) dst[u] += v[u] * x0[u];
                                 break;
                               case 2: {
                                 const T* x1 = a + mono.idx[1] * K;
                                 for (int u = 0; u < K; ++u) dst[u] += v[u] * x0[u] * x1[u];
                                 break;
                               }
                               case 3: {
                                 const T *x1 = a + mono.idx[1] * K, *x2 = a + mono.idx[2] * K;
                                 for (int u = 0; u < K; ++u) dst[u] += v[u] * x0[u] * x1[u] * x2[u];
                                 break;
                               }
                               default: {
                                 const T *x1 = a + mono.idx[1] * K, *x2 = a + mono.idx[2] * K,
                                         *x3 = a + mono.idx[3] * K;
                                 for (int u = 0; u < K; ++u)
                                   dst[u] += v[u] * x0[u] * x1[u] * x2[u] * x3[u];
                               }
                             }
                           }
                         }
                       });
}

template <typename T>
void SymmetricContraction<T>::reverse(int64_t n, const T* A, const int* species, const T* B_adj,
                                      T* A_adj) const {
  const int K = channels_, din = in_dim_ * K, dout = out_.dim;
  Kokkos::parallel_for("eq.symm_reverse",
                       Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, n),
                       [&](int64_t i) {
                         const T* a = A + i * din;
                         const T* g = B_adj + i * dout;
                         T* ga = A_adj + i * din;
                         std::fill(ga, ga + din, T(0));
                         for (const auto& o : outputs_) {
                           const size_t np = o.monomials.size();
                           const T* vals = o.values.data() + size_t(species[i]) * np * K;
                           const T* go = g + out_.offsets[o.block];
                           for (size_t p = 0; p < np; ++p) {
                             const auto& mono = o.monomials[p];
                             const T* v = vals + p * K;
                             const T* gm = go + mono.m_out * K;
                             const int d = mono.degree;
                             const T* x[4];
                             T* gx[4];
                             for (int k = 0; k < d; ++k) {
                               x[k] = a + mono.idx[k] * K;
                               gx[k] = ga + mono.idx[k] * K;
                             }
                             switch (d) {
                               case 1:
                                 for (int u = 0; u < K; ++u) gx[0][u] += v[u] * gm[u];
                                 break;
                               case 2:
                                 for (int u = 0; u < K; ++u) {
                                   const T s = v[u] * gm[u];
                                   gx[0][u] += s * x[1][u];
                                   gx[1][u] += s * x[0][u];
                                 }
                                 break;
                               case 3:
                                 for (int u = 0; u < K; ++u) {
                                   const T s = v[u] * gm[u];
                                   gx[0][u] += s * x[1][u] * x[2][u];
                                   gx[1][u] += s * x[0][u] * x[2][u];
                                   gx[2][u] += s * x[0][u] * x[1][u];
                                 }
                                 break;
                               default:
                                 for (int u = 0; u < K; ++u) {
                                   const T s = v[u] * gm[u];
                                   const T x01 = x[0][u] * x[1][u], x23 = x[2][u] * x[3][u];
                                   gx[0][u] += s * x[1][u] * x23;
                                   gx[1][u] += s * x[0][u] * x23;
                                   gx[2][u] += s * x01 * x[3][u];
                                   gx[3][u] += s * x01 * x[2][u];
                                 }
                             }
                           }
                         }
                       });
}

template class SymmetricContraction<float>;
template class SymmetricContraction<double>;

}  // namespace equinet::mace
