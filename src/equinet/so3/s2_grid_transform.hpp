// Exact transforms between spherical-harmonic coefficients and values on a
// Gauss–Legendre (in cos θ, θ from the polar y axis) × uniform (azimuth φ in
// the z-x plane) grid, done ring by ring in two separable stages:
//   Y_lm(θ, φ) = Λ_lm(θ) t_m(φ),  t_m = cos(mφ) (m >= 0), sin(|m|φ) (m < 0),
// (1) Legendre stage, per ring: F_m(θ_i) = Σ_l c_lm Λ_lm(θ_i)   O(L^2) per ring,
// (2) azimuth stage:             f(θ_i, φ_j) = Σ_m F_m(θ_i) t_m(φ_j)   O(L n_az),
// so a transform costs O(L^3) instead of the O(L^4) of a dense matrix.
// The azimuth stage is a real DFT vectorised over channels. When n_az is a
// multiple of 4 it uses the symmetries φ -> -φ and φ -> φ+π of cos/sin (the
// first two stages of an FFT): each coefficient meets n_az/4+1 points
// instead of n_az, a 4x saving; for the sizes used here (n_az <= 68) this
// beats one FFT per channel, which would not vectorise over channels.
//
// Exactness (why the minimal sizes): a product of spherical functions of
// degrees d1, d2 projected onto degree d3 integrates a polynomial of degree
// D = d1 + d2 + d3 on the sphere. After the φ sum the ring integrand is a
// polynomial in cos θ of degree <= D (Gauss–Legendre with n points is exact
// to degree 2n-1), and the φ sum of a trigonometric polynomial of degree D is
// exact with n_az > D points. Hence n_polar >= floor(D/2)+1, n_az >= D+1.
// The (lmax, degree) constructor rounds n_az up to a multiple of 4 (fast path).
//
// The grid tensor products use the channel-blocked, ring-paired kernels of
// s2_grid_block.hpp on the tables of this class; synthesis/synthesis_transpose
// here are the ring-by-ring reference (tests) and work for any n_azimuth.
//
// Layouts: coefficients X[lm * C + c] (lm = l*l+l+m, channel fastest), ring
// values V[j * C + c]. Tables are built in double and stored as T.
#pragma once

#include <cstddef>
#include <vector>

namespace equinet::so3 {

// The smallest grid integrating polynomials of degree `degree` exactly.
inline int s2_grid_min_polar(int degree) { return degree / 2 + 1; }
inline int s2_grid_min_azimuth(int degree) { return degree + 1; }
// What the (lmax, degree) constructor uses: the minimum rounded up to a multiple of 4.
inline int s2_grid_fast_azimuth(int degree) { return (degree + 4) / 4 * 4; }

// What a ring transform synthesises from the coefficients: the function,
// or the components e_θ·∇f and e_φ·∇f of its surface gradient. With
// (e_θ, e_φ, r) right-handed, r·(∇f × ∇g) = f_θ g_φ - f_φ g_θ.
enum class RingBasis { Value = 0, PolarGradient = 1, AzimuthalGradient = 2 };

template <typename T>
class S2GridTransform {
 public:
  // Transforms degrees <= lmax on the minimal grid exact for `degree`.
  S2GridTransform(int lmax, int degree);
  S2GridTransform(int lmax, int n_polar, int n_azimuth);

  int lmax() const { return lmax_; }
  int n_polar() const { return n_polar_; }
  int n_azimuth() const { return n_azimuth_; }
  int size() const { return n_polar_ * n_azimuth_; }
  // Quadrature weight of every point of ring i, divided by 4π, so that
  // Σ_points weight · f · Y_lm is the coefficient of Y_lm in f.
  T weight(int ring) const { return weights_[ring]; }
  // Unit vector of point j of ring i.
  void point(int ring, int j, double r[3]) const;
  // Table entry Λ_lm(θ_ring) of `basis` (the polar factor; 0 where the basis
  // vanishes, e.g. the azimuthal gradient of m = 0), as used by synthesis.
  T legendre(RingBasis basis, int ring, int lm) const {
    return legendre_[static_cast<int>(basis)][size_t(ring) * n_lm_ + lm];
  }
  // n_azimuth % 4 == 0: the azimuth stage uses the symmetries φ -> -φ, φ -> φ+π.
  bool symmetric_azimuth() const { return fast_; }
  // Scratch (elements of T) that synthesis/synthesis_transpose need for C channels.
  std::size_t scratch_size(int C) const {
    return std::size_t(2 * lmax_ + 1 + 4 * (n_azimuth_ / 4 + 1)) * C;
  }

  // V[j*C+c] = Σ_{l<=L,m} X[lm*C+c] B_lm(θ_ring, φ_j) for the chosen basis B.
  void synthesis(RingBasis basis, int ring, int L, int C, const T* X, T* V, T* scratch) const;
  // The exact transpose: X[lm*C+c] += Σ_j B_lm(θ_ring, φ_j) V[j*C+c].
  void synthesis_transpose(RingBasis basis, int ring, int L, int C, const T* V, T* X,
                           T* scratch) const;

 private:
  int lmax_, n_polar_, n_azimuth_, n_lm_;
  std::vector<double> cos_theta_;
  std::vector<T> weights_;
  std::vector<T> legendre_[3];  // [basis][ring * n_lm + lm]
  std::vector<int> slot_[3];    // [basis][lm]: azimuthal slot m or -m
  std::vector<T> trig_;         // [j * (2 lmax + 1) + lmax + s] = t_s(φ_j)
  bool fast_;                   // n_az % 4 == 0: symmetric azimuth stage
  void azimuth_synthesis(int L, int C, const T* F, T* V, T* acc) const;
  void azimuth_transpose(int L, int C, const T* V, T* F, T* acc) const;
};

extern template class S2GridTransform<float>;
extern template class S2GridTransform<double>;

}  // namespace equinet::so3
