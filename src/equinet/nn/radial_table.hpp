// A vector-valued function of the edge length, tabulated on a uniform grid
// of [0, r_max] and interpolated by cubic Hermite splines through exact
// values and exact derivatives (stored once per node: half the memory of
// per-interval polynomial coefficients). Interpolation error per interval is at most
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

  // values (and d/dr if non-null) at r in (0, r_max]; r >= r_max gives zeros.
  void evaluate(T r, T* values, T* derivatives) const;

  // The spline piece holding r, for kernels that evaluate it in place: the
  // rows p0, m0, p1, m1 (values and h * derivatives at its two nodes) at
  // c, c + w, c + 2w, c + 3w (w = width()), and the Hermite basis weights
  // at t: value[k] = Σ_j a[j] row_j[k], d/dr = Σ_j b[j] row_j[k] (b includes
  // 1/h). r >= r_max gives an all-zero piece.
  struct Piece {
    const T* c;
    T a[4], b[4];
  };
  Piece piece(T r) const;

 private:
  int width_ = 0, intervals_ = 0;
  double h_ = 0, r_max_ = 0;
  // [node][2][width]: value, h * derivative at node i (r = i h); each
  // piece reads two consecutive nodes, so the table holds each node once.
  // Two more all-zero nodes serve r >= r_max.
  std::vector<T> nodes_;
};

}  // namespace equinet::nn
