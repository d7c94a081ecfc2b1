#include "equinet/nn/radial_table.hpp"

#include <algorithm>
#include <cmath>

namespace equinet::nn {

template <typename T>
RadialTable<T>::RadialTable(int width, double r_max, int intervals,
                            const std::function<void(double, double*, double*)>& f)
    : width_(width), intervals_(intervals), h_(r_max / intervals), r_max_(r_max) {
  std::vector<double> v(width), d(width);
  nodes_.assign(size_t(intervals + 3) * 2 * width, T(0));  // + two zero nodes
  for (int i = 0; i <= intervals; ++i) {
    // the first node sits just off r = 0, where the Bessel basis has a removable singularity
    f(i == 0 ? 1e-6 : i * h_, v.data(), d.data());
    T* node = nodes_.data() + size_t(i) * 2 * width;
    for (int k = 0; k < width; ++k) {
      node[k] = T(v[k]);
      node[width + k] = T(d[k] * h_);
    }
  }
}

template <typename T>
typename RadialTable<T>::Piece RadialTable<T>::piece(T r) const {
  Piece p{};
  if (!(r < T(r_max_))) {
    p.c = nodes_.data() + size_t(intervals_ + 1) * 2 * width_;
    return p;
  }
  const double x = double(r) / h_;
  const int i = std::min(intervals_ - 1, std::max(0, int(x)));
  const T t = T(x - i), t2 = t * t, t3 = t2 * t, inv_h = T(1.0 / h_);
  p.c = nodes_.data() + size_t(i) * 2 * width_;
  // cubic Hermite basis h00, h10, h01, h11 and their t-derivatives over h
  p.a[0] = T(2) * t3 - T(3) * t2 + T(1);
  p.a[1] = t3 - T(2) * t2 + t;
  p.a[2] = T(3) * t2 - T(2) * t3;
  p.a[3] = t3 - t2;
  p.b[0] = (T(6) * t2 - T(6) * t) * inv_h;
  p.b[1] = (T(3) * t2 - T(4) * t + T(1)) * inv_h;
  p.b[2] = (T(6) * t - T(6) * t2) * inv_h;
  p.b[3] = (T(3) * t2 - T(2) * t) * inv_h;
  return p;
}

template <typename T>
void RadialTable<T>::evaluate(T r, T* values, T* derivatives) const {
  const Piece p = piece(r);
  const int w = width_;
  for (int k = 0; k < w; ++k) {
    const T r0 = p.c[k], r1 = p.c[w + k], r2 = p.c[2 * w + k], r3 = p.c[3 * w + k];
    values[k] = p.a[0] * r0 + p.a[1] * r1 + p.a[2] * r2 + p.a[3] * r3;
    if (derivatives) derivatives[k] = p.b[0] * r0 + p.b[1] * r1 + p.b[2] * r2 + p.b[3] * r3;
  }
}

template class RadialTable<float>;
template class RadialTable<double>;

}  // namespace equinet::nn
