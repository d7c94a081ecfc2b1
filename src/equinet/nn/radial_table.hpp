// A vector-valued function of the edge length, tabulated on a uniform grid
// of [0, r_max] and interpolated by cubic Hermite splines through exact
// values and exact derivatives. Interpolation error per interval is at most
// h^4/384 max|f''''| for values (h^3/72-ish for derivatives); the tables
// replace MACE's radial MLPs when a user opts in (LoadOptions).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace equinet::nn {

template <typename T>
class RadialTable {
 public:
  RadialTable() = default;
  // f(r, values, derivatives) fills `width` values and d/dr at r.
  RadialTable(int width, double r_max, int intervals,
              const std::function<void(double, double*, double*)>& f);

  bool empty() const { return intervals_ == 0; }
  int width() const { return width_; }
  int intervals() const { return intervals_; }

  // The spline piece holding r, for kernels that evaluate it in place:
  // value[k] = c[k] + t (c[w+k] + t (c[2w+k] + t c[3w+k])) with w = width(),
  // d/dr = (c[w+k] + 2t c[2w+k] + 3t^2 c[3w+k]) * inv_h. r >= r_max gives an
  // all-zero piece.
  struct Piece {
    const T* c;
    T t, inv_h;
  };
  Piece piece(T r) const;

 private:
  int width_ = 0, intervals_ = 0;
  double h_ = 0, r_max_ = 0;
  // [interval][4][width]: c0 + t c1 + t^2 c2 + t^3 c3, t in [0,1]; one
  // more all-zero interval for r >= r_max
  std::vector<T> coeffs_;
};

}  // namespace equinet::nn
