#include "equinet/nn/radial_table.hpp"

#include <algorithm>
#include <cmath>

namespace equinet::nn {

template <typename T>
RadialTable<T>::RadialTable(int width, double r_max, int intervals,
                            const std::function<void(double, double*, double*)>& f)
    : width_(width), intervals_(intervals), h_(r_max / intervals), r_max_(r_max) {
  std::vector<double> v0(width), d0(width), v1(width), d1(width);
  coeffs_.resize(size_t(intervals + 1) * 4 * width);  // zero-filled last piece
  // the first node sits just off r = 0, where the Bessel basis has a removable singularity
  f(std::max(1e-6, 0.0), v0.data(), d0.data());
  for (int i = 0; i < intervals; ++i) {
    f((i + 1) * h_, v1.data(), d1.data());
    T* c = coeffs_.data() + size_t(i) * 4 * width;
    for (int k = 0; k < width; ++k) {
      const double p0 = v0[k], p1 = v1[k], m0 = d0[k] * h_, m1 = d1[k] * h_;
      c[k] = T(p0);
      c[width + k] = T(m0);
      c[2 * width + k] = T(3 * (p1 - p0) - 2 * m0 - m1);
      c[3 * width + k] = T(2 * (p0 - p1) + m0 + m1);
    }
    v0.swap(v1);
    d0.swap(d1);
  }
}

template <typename T>
typename RadialTable<T>::Piece RadialTable<T>::piece(T r) const {
  const T inv_h = T(1.0 / h_);
  if (!(r < T(r_max_))) return {coeffs_.data() + size_t(intervals_) * 4 * width_, T(0), inv_h};
  const double x = double(r) / h_;
  const int i = std::min(intervals_ - 1, std::max(0, int(x)));
  return {coeffs_.data() + size_t(i) * 4 * width_, T(x - i), inv_h};
}

template class RadialTable<float>;
template class RadialTable<double>;

}  // namespace equinet::nn
