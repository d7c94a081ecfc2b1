// Channel-blocked kernels of the exact S2 grid transforms (s2_grid_transform.hpp)
// for the grid tensor products: the whole pipeline of one row runs on a block
// of Kc = K·W channels (K registers of W lanes, detail/simd.hpp), so that
// coefficients, Legendre-stage rows and ring values of a block stay in L1,
// and every stage is a small matrix product computed in register tiles
// (R rows × K registers of accumulators; per step K data loads and R
// coefficient loads feed R·K multiply-adds).
//
// Ring pairing: the Gauss–Legendre nodes are symmetric, θ_{n-1-i} = π − θ_i,
// and Λ_lm(π−θ) = ±(−1)^(l+m) Λ_lm(θ) (+ for the value and the azimuthal
// gradient, − for the polar gradient; the sign is read off the tables and
// checked when the tables are built). The Legendre stage therefore sums the
// even and the odd (l+m) terms once per ring pair and forms both rings as
// e ± o; the transpose sums the pair's ring values as G_i ± G_mirror once and
// multiplies them by the table of one ring of the pair: both stages cost half.
//
// Layouts of one channel block (rows of Kc values, channel fastest):
//   coefficients in "m-parity order": for m = −L..L, parity q = 0, 1, the
//     degrees l = |m|+q, |m|+q+2, ... <= L (one group: contiguous rows);
//   Legendre-stage output of a ring in "part order": cos m even (m = 0, 2, ..),
//     cos m odd, sin m even (m = 2, 4, ..), sin m odd — the four parts the
//     symmetric azimuth stage sums separately (see s2_grid_transform.cpp);
//   ring values V[j] for the n_az points of the ring.
// Tables are stored with every entry repeated W times (one vector load).
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "equinet/detail/simd.hpp"
#include "equinet/so3/s2_grid_transform.hpp"

namespace equinet::so3 {

// The m-parity order of the coefficients of degrees <= L.
class MParityOrder {
 public:
  MParityOrder() = default;
  explicit MParityOrder(int L) : L_(L), off_(size_t(2 * (2 * L + 1)) + 1, 0) {
    int next = 0;
    for (int m = -L; m <= L; ++m)
      for (int q = 0; q < 2; ++q) {
        off_[2 * (m + L) + q] = next;
        for (int l = std::abs(m) + q; l <= L; l += 2) lm_.push_back(l * l + l + m), ++next;
      }
    off_.back() = next;
  }
  int L() const { return L_; }
  int size() const { return int(lm_.size()); }
  // first row and number of rows of group (m, q)
  int offset(int m, int q) const { return off_[2 * (m + L_) + q]; }
  int count(int m, int q) const {
    const int d = L_ - std::abs(m) - q;
    return d < 0 ? 0 : d / 2 + 1;
  }
  // lm = l*l+l+m of row i
  int lm(int i) const { return lm_[i]; }

 private:
  int L_ = 0;
  std::vector<int> off_, lm_;
};

// Where azimuthal slot s (t_s = cos(sφ) for s >= 0, sin(|s|φ) for s < 0) of
// degree <= L lives in part order.
struct PartOrder {
  int off[4], n[4];
  explicit PartOrder(int L) {
    n[0] = L / 2 + 1, n[1] = (L + 1) / 2, n[2] = L / 2, n[3] = (L + 1) / 2;
    off[0] = 0, off[1] = n[0], off[2] = n[0] + n[1], off[3] = off[2] + n[2];
  }
  int index(int s) const {
    const int a = std::abs(s);
    if (s >= 0) return (a % 2) ? off[1] + (a - 1) / 2 : off[0] + a / 2;
    return (a % 2) ? off[3] + (a - 1) / 2 : off[2] + a / 2 - 1;
  }
};

template <typename T>
class S2GridBlock {
 public:
  static constexpr int W = detail::kMaxLanes<T>;
  using Ln = detail::Lanes<T, W>;
  using vec = typename Ln::vec;

  explicit S2GridBlock(const S2GridTransform<T>& g)
      : lmax_(g.lmax()),
        n_polar_(g.n_polar()),
        n_az_(g.n_azimuth()),
        nj_(g.n_azimuth() / 4 + 1),
        n_pairs_((g.n_polar() + 1) / 2),
        kmax_(g.lmax() / 2 + 1),
        order_(g.lmax()) {
    if (!g.symmetric_azimuth())
      throw std::invalid_argument("S2GridBlock: n_azimuth must be a multiple of 4");
    for (int i = 0; i < n_polar_; ++i) {
      double a[3], b[3];
      g.point(i, 0, a);
      g.point(n_polar_ - 1 - i, 0, b);
      if (std::abs(a[1] + b[1]) > 1e-12)
        throw std::logic_error("S2GridBlock: Gauss-Legendre rings are not symmetric");
      weight_.push_back(g.weight(i));
    }
    // Λ in m-parity order of lmax, [row][pair][W]; the mirror sign of each basis
    for (int b = 0; b < 3; ++b) {
      const RingBasis basis = RingBasis(b);
      mirror_odd_[b] = -1;
      for (int i = 0; i < order_.size() && n_polar_ > 1; ++i) {
        const int lm = order_.lm(i), l = int(std::sqrt(double(lm))), m = lm - l * l - l;
        for (int p = 0; p < n_polar_ / 2; ++p) {
          const double u = double(g.legendre(basis, p, lm)),
                       v = double(g.legendre(basis, n_polar_ - 1 - p, lm));
          if (std::abs(u) < 1e-3) continue;
          const int odd = (v / u < 0) != ((l + m) % 2 != 0);  // v = (-1)^(l+m+odd) u
          if (mirror_odd_[b] < 0) mirror_odd_[b] = odd;
          if (mirror_odd_[b] != odd || std::abs(std::abs(v / u) - 1) > 1e-4)
            throw std::logic_error("S2GridBlock: no ring-pair symmetry for a basis");
        }
      }
      if (mirror_odd_[b] < 0) mirror_odd_[b] = 0;
      auto& t = lam_[b];
      t.resize(size_t(order_.size()) * n_pairs_ * W);
      for (int i = 0; i < order_.size(); ++i)
        for (int p = 0; p < n_pairs_; ++p)
          for (int w = 0; w < W; ++w)
            t[(size_t(i) * n_pairs_ + p) * W + w] = g.legendre(basis, p, order_.lm(i));
    }
    // trig[part][k][j][W]: part 0 cos(2k φ_j), 1 cos((2k+1) φ_j), 2 sin((2k+2) φ_j), 3 sin((2k+1)
    // φ_j)
    trig_.resize(size_t(4) * kmax_ * nj_ * W);
    for (int P = 0; P < 4; ++P)
      for (int k = 0; k < kmax_; ++k)
        for (int j = 0; j < nj_; ++j) {
          const int m = P == 0 ? 2 * k : P == 2 ? 2 * k + 2 : 2 * k + 1;
          const double phi = 2.0 * M_PI * j / n_az_;
          const T v = T(P < 2 ? std::cos(m * phi) : std::sin(m * phi));
          for (int w = 0; w < W; ++w) trig_[((size_t(P) * kmax_ + k) * nj_ + j) * W + w] = v;
        }
  }

  int n_polar() const { return n_polar_; }
  int n_azimuth() const { return n_az_; }
  T weight(int ring) const { return weight_[ring]; }

  // Scratch sizes, in rows of Kc values:
  // Legendre-stage rows of all rings for degree L.
  size_t legendre_rows(int L) const { return size_t(n_polar_) * (2 * L + 1); }
  // scratch of azimuth_synthesis / azimuth_transpose (rows)
  size_t azimuth_scratch_rows() const { return size_t(4) * nj_; }
  // scratch of legendre_transpose (rows)
  size_t pair_rows(int L) const { return size_t(2) * n_pairs_ * (2 * L + 1); }

  // F[ring][part order of L] = Legendre stage of the coefficients Xm (m-parity order of L).
  template <int K>
  void legendre_synthesis(RingBasis basis, const MParityOrder& ord, const T* Xm, T* F) const {
    constexpr int Kc = K * W;
    const int L = ord.L(), ns = 2 * L + 1, b = int(basis), odd = mirror_odd_[b];
    const PartOrder parts(L);
    for (int m = -L; m <= L; ++m) {
      const int slot = parts.index(basis == RingBasis::AzimuthalGradient ? -m : m);
      // group q holds the terms of parity (l+m+odd) % 2 = (q+odd) % 2: even for e
      const int qe = odd, qo = 1 - odd;
      const int ne = ord.count(m, qe), no = ord.count(m, qo);
      const T *xe = Xm + size_t(ord.offset(m, qe)) * Kc, *xo = Xm + size_t(ord.offset(m, qo)) * Kc;
      const T* ce = &lam_[b][size_t(order_.offset(m, qe)) * n_pairs_ * W];
      const T* co = &lam_[b][size_t(order_.offset(m, qo)) * n_pairs_ * W];
      const ptrdiff_t ks = ptrdiff_t(n_pairs_) * W;
      for_tiles<tile_rows(K, 2)>(n_pairs_, [&](int p0, auto r) {
        constexpr int R = decltype(r)::value;
        vec e[R][K], o[R][K];
        tile<K, R>(ne, ce + size_t(p0) * W, W, ks, xe, Kc, e);
        tile<K, R>(no, co + size_t(p0) * W, W, ks, xo, Kc, o);
        for (int i = 0; i < R; ++i) {
          const int p = p0 + i, q = n_polar_ - 1 - p;
          T* fp = F + (size_t(p) * ns + slot) * Kc;
          T* fq = F + (size_t(q) * ns + slot) * Kc;
          for (int v = 0; v < K; ++v) {
            Ln::store(fp + v * W, e[i][v] + o[i][v]);
            if (q != p) Ln::store(fq + v * W, e[i][v] - o[i][v]);
          }
        }
      });
    }
  }

  // V[j] (n_az rows) = azimuth stage of one ring's Legendre rows F (part order of L).
  template <int K>
  void azimuth_synthesis(int L, const T* F, T* V, T* S) const {
    constexpr int Kc = K * W;
    azimuth_sums<K>(L, F, S);
    // values at φ_j, -φ_j, φ_j+π, π-φ_j from the even/odd cos/sin sums
    const int n = n_az_, h = n / 2;
    for (int j = 0; j < nj_; ++j) {
      T *v0 = V + size_t(j) * Kc, *v1 = V + size_t((n - j) % n) * Kc, *v2 = V + size_t(j + h) * Kc,
        *v3 = V + size_t(h - j) * Kc;
      for (int v = 0; v < K; ++v) {
        const vec ce = Ln::load(S + size_t(j) * Kc + v * W),
                  co = Ln::load(S + size_t(nj_ + j) * Kc + v * W),
                  se = Ln::load(S + size_t(2 * nj_ + j) * Kc + v * W),
                  so = Ln::load(S + size_t(3 * nj_ + j) * Kc + v * W);
        const vec p = ce + co, q = ce - co, r = se + so, u = se - so;
        Ln::store(v0 + v * W, p + r);
        Ln::store(v1 + v * W, p - r);
        Ln::store(v2 + v * W, q + u);
        Ln::store(v3 + v * W, q - u);
      }
    }
  }

  // G (part order of L) = the exact transpose of azimuth_synthesis applied to V.
  template <int K>
  void azimuth_transpose(int L, const T* V, T* G, T* Q) const {
    constexpr int Kc = K * W;
    const int n = n_az_, h = n / 2;
    for (int j = 0; j < nj_; ++j) {
      // j = 0 and j = n/4 see each of their two distinct points twice
      const vec half = Ln::splat((j == 0 || 4 * j == n) ? T(0.5) : T(1));
      const T *v0 = V + size_t(j) * Kc, *v1 = V + size_t((n - j) % n) * Kc,
              *v2 = V + size_t(j + h) * Kc, *v3 = V + size_t(h - j) * Kc;
      for (int v = 0; v < K; ++v) {
        const vec a0 = Ln::load(v0 + v * W), a1 = Ln::load(v1 + v * W), a2 = Ln::load(v2 + v * W),
                  a3 = Ln::load(v3 + v * W);
        const vec p = a0 + a1, q = a2 + a3, r = a0 - a1, u = a2 - a3;
        Ln::store(Q + size_t(j) * Kc + v * W, half * (p + q));
        Ln::store(Q + size_t(nj_ + j) * Kc + v * W, half * (p - q));
        Ln::store(Q + size_t(2 * nj_ + j) * Kc + v * W, half * (r + u));
        Ln::store(Q + size_t(3 * nj_ + j) * Kc + v * W, half * (r - u));
      }
    }
    azimuth_project<K>(L, Q, G);
  }

  // The azimuth stage in parts: S[P][j] (4 nj rows) = the four sums (cos/sin,
  // even/odd m) of one ring's Legendre rows F (part order of L) at φ_j, j <= n/4.
  template <int K>
  void azimuth_sums(int L, const T* F, T* S) const {
    constexpr int Kc = K * W;
    const PartOrder parts(L);
    for (int P = 0; P < 4; ++P) {
      const T* data = F + size_t(parts.off[P]) * Kc;
      const T* coef = &trig_[size_t(P) * kmax_ * nj_ * W];
      const int n = parts.n[P];
      for_tiles<tile_rows(K, 1)>(nj_, [&](int j0, auto r) {
        constexpr int R = decltype(r)::value;
        vec a[R][K];
        tile<K, R>(n, coef + size_t(j0) * W, W, ptrdiff_t(nj_) * W, data, Kc, a);
        for (int i = 0; i < R; ++i)
          for (int v = 0; v < K; ++v)
            Ln::store(S + (size_t(P * nj_ + j0 + i)) * Kc + v * W, a[i][v]);
      });
    }
  }

  // Pointwise on the ring without storing ring values: from the sums S[in] of N
  // inputs (azimuth_sums), op(a, h) maps the N values at the four points
  // φ_j, -φ_j, φ_j+π, π-φ_j (a[N][4]) to M values h[M][4]; Q[out] receives
  // what azimuth_transpose would form from the M ring functions (input of
  // azimuth_project). Same arithmetic as azimuth_synthesis + op + azimuth_transpose.
  template <int K, int N, int M, class Op>
  void pointwise(const T* const (&S)[N], const Op& op, T* const (&Q)[M]) const {
    constexpr int Kc = K * W;
    const int n = n_az_;
    for (int j = 0; j < nj_; ++j) {
      const vec half = Ln::splat((j == 0 || 4 * j == n) ? T(0.5) : T(1));
      for (int v = 0; v < K; ++v) {
        vec a[N][4], hv[M][4];
        for (int i = 0; i < N; ++i) {
          const T* s = S[i] + size_t(j) * Kc + v * W;
          const vec ce = Ln::load(s), co = Ln::load(s + size_t(nj_) * Kc),
                    se = Ln::load(s + size_t(2 * nj_) * Kc),
                    so = Ln::load(s + size_t(3 * nj_) * Kc);
          const vec p = ce + co, q = ce - co, r = se + so, u = se - so;
          a[i][0] = p + r, a[i][1] = p - r, a[i][2] = q + u, a[i][3] = q - u;
        }
        op(a, hv);
        for (int o = 0; o < M; ++o) {
          const vec p = hv[o][0] + hv[o][1], q = hv[o][2] + hv[o][3], r = hv[o][0] - hv[o][1],
                    u = hv[o][2] - hv[o][3];
          T* d = Q[o] + size_t(j) * Kc + v * W;
          Ln::store(d, half * (p + q));
          Ln::store(d + size_t(nj_) * Kc, half * (p - q));
          Ln::store(d + size_t(2 * nj_) * Kc, half * (r + u));
          Ln::store(d + size_t(3 * nj_) * Kc, half * (r - u));
        }
      }
    }
  }

  // G (part order of L) = the transposed azimuth sums of Q[P][j] (4 nj rows).
  template <int K>
  void azimuth_project(int L, const T* Q, T* G) const {
    constexpr int Kc = K * W;
    const PartOrder parts(L);
    for (int P = 0; P < 4; ++P) {
      const T* data = Q + size_t(P) * nj_ * Kc;
      const T* coef = &trig_[size_t(P) * kmax_ * nj_ * W];
      for_tiles<tile_rows(K, 1)>(parts.n[P], [&](int k0, auto r) {
        constexpr int R = decltype(r)::value;
        vec a[R][K];
        tile<K, R>(nj_, coef + size_t(k0) * nj_ * W, ptrdiff_t(nj_) * W, W, data, Kc, a);
        for (int i = 0; i < R; ++i)
          for (int v = 0; v < K; ++v)
            Ln::store(G + size_t(parts.off[P] + k0 + i) * Kc + v * W, a[i][v]);
      });
    }
  }

  // Zm (m-parity order of L; overwritten, or added to if `add`) = the exact
  // transpose of legendre_synthesis applied to G[ring][part order of L].
  // GP: scratch of pair_rows(L) rows.
  template <int K>
  void legendre_transpose(RingBasis basis, const MParityOrder& ord, const T* G, T* GP, T* Zm,
                          bool add) const {
    constexpr int Kc = K * W;
    const int L = ord.L(), ns = 2 * L + 1, b = int(basis), odd = mirror_odd_[b];
    // GP[slot][e/o][pair] = G_p ± G_mirror
    for (int p = 0; p < n_pairs_; ++p) {
      const int q = n_polar_ - 1 - p;
      for (int s = 0; s < ns; ++s) {
        const T *gp = G + (size_t(p) * ns + s) * Kc, *gq = G + (size_t(q) * ns + s) * Kc;
        T* e = GP + (size_t(2 * s) * n_pairs_ + p) * Kc;
        T* o = e + size_t(n_pairs_) * Kc;
        for (int v = 0; v < K; ++v) {
          const vec x = Ln::load(gp + v * W);
          if (q == p) {
            Ln::store(e + v * W, x);
            Ln::store(o + v * W, x);
          } else {
            const vec y = Ln::load(gq + v * W);
            Ln::store(e + v * W, x + y);
            Ln::store(o + v * W, x - y);
          }
        }
      }
    }
    const PartOrder parts(L);
    for (int m = -L; m <= L; ++m) {
      const int slot = parts.index(basis == RingBasis::AzimuthalGradient ? -m : m);
      for (int q = 0; q < 2; ++q) {
        const int eo = (q + odd) % 2;  // 0: even terms, read G_p + G_mirror
        const T* data = GP + (size_t(2 * slot + eo) * n_pairs_) * Kc;
        const T* coef = &lam_[b][size_t(order_.offset(m, q)) * n_pairs_ * W];
        T* z = Zm + size_t(ord.offset(m, q)) * Kc;
        for_tiles<tile_rows(K, 1)>(ord.count(m, q), [&](int k0, auto r) {
          constexpr int R = decltype(r)::value;
          vec a[R][K];
          tile<K, R>(n_pairs_, coef + size_t(k0) * n_pairs_ * W, ptrdiff_t(n_pairs_) * W, W, data,
                     Kc, a);
          for (int i = 0; i < R; ++i)
            for (int v = 0; v < K; ++v) {
              T* zz = z + size_t(k0 + i) * Kc + v * W;
              Ln::store(zz, add ? Ln::load(zz) + a[i][v] : a[i][v]);
            }
        });
      }
    }
  }

 private:
  int lmax_, n_polar_, n_az_, nj_, n_pairs_, kmax_;
  MParityOrder order_;             // of lmax: rows of the Legendre tables
  int mirror_odd_[3] = {0, 0, 0};  // Λ(π−θ) = (−1)^(l+m+odd) Λ(θ)
  std::vector<T> lam_[3];          // [basis][(row * n_pairs + pair) * W + lane]
  std::vector<T> trig_;            // [((part * kmax + k) * nj + j) * W + lane]
  std::vector<T> weight_;

  // Rows R of a register tile when `tiles` tiles of R x K accumulators are
  // live with K data registers and a coefficient (at most 4 rows).
  static constexpr int tile_rows(int K, int tiles) {
    const int r = (detail::kVectorRegisters - K - 2) / (K * tiles);
    return r < 1 ? 1 : r > 4 ? 4 : r;
  }

  // a[r][v] = Σ_k coef[r*rs + k*ks] data[k*ds + v*W] (coefficients stored splatted)
  template <int K, int R>
  static inline void tile(int n, const T* coef, ptrdiff_t rs, ptrdiff_t ks, const T* data,
                          ptrdiff_t ds, vec (&a)[R][K]) {
    for (int r = 0; r < R; ++r)
      for (int v = 0; v < K; ++v) a[r][v] = vec{};
    for (int k = 0; k < n; ++k) {
      vec d[K];
      for (int v = 0; v < K; ++v) d[v] = Ln::load(data + k * ds + v * W);
      for (int r = 0; r < R; ++r) {
        const vec c = Ln::load(coef + r * rs + k * ks);
        for (int v = 0; v < K; ++v) a[r][v] += c * d[v];
      }
    }
  }

  // f(i0, integral_constant<R>) over [0, n) in tiles of RMax rows, then one smaller tile.
  template <int RMax, class F>
  static inline void for_tiles(int n, const F& f) {
    int i = 0;
    for (; i + RMax <= n; i += RMax) f(i, std::integral_constant<int, RMax>());
    tail<RMax - 1>(i, n - i, f);
  }
  template <int R, class F>
  static inline void tail(int i, int rem, const F& f) {
    if constexpr (R > 0) {
      if (rem == R)
        f(i, std::integral_constant<int, R>());
      else
        tail<R - 1>(i, rem, f);
    }
  }
};

}  // namespace equinet::so3
