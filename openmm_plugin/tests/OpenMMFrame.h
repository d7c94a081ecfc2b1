// OpenMM accepts only "reduced" triclinic boxes: a = (ax,0,0), b = (bx,by,0),
// c = (cx,cy,cz) with ax >= 2|bx|, ax >= 2|cx|, by >= 2|cy|. A reference
// structure is rotated into that frame (and its cell reduced, which keeps the
// lattice); MACE is invariant under rotations, and forces rotate with the
// frame.
#pragma once

#include <array>
#include <cmath>
#include <vector>

#include "ReferenceData.h"

namespace EquinetTest {

struct OpenMMFrame {
  std::array<double, 9> rotation{1, 0, 0, 0, 1, 0, 0, 0, 1};  // rows: new axes
  std::array<double, 9> cell{};                               // reduced, rows, Å

  std::array<double, 3> rotate(const double* v) const {
    std::array<double, 3> out{};
    for (int a = 0; a < 3; a++)
      for (int k = 0; k < 3; k++) out[a] += rotation[3 * a + k] * v[k];
    return out;
  }
  std::array<double, 3> rotateBack(const double* v) const {
    std::array<double, 3> out{};
    for (int a = 0; a < 3; a++)
      for (int k = 0; k < 3; k++) out[k] += rotation[3 * a + k] * v[a];
    return out;
  }
};

inline OpenMMFrame openmmFrame(const Structure& s) {
  OpenMMFrame frame;
  if (!s.periodic) return frame;
  const double* a = &s.cell[0];
  const double* b = &s.cell[3];
  auto dot = [](const double* x, const double* y) {
    return x[0] * y[0] + x[1] * y[1] + x[2] * y[2];
  };
  // Gram-Schmidt on a, b; the third axis completes a right-handed frame, so
  // the rotation is proper and c lands on the side its handedness puts it.
  double e1[3], e2[3], e3[3];
  const double na = std::sqrt(dot(a, a));
  for (int k = 0; k < 3; k++) e1[k] = a[k] / na;
  const double ba = dot(b, e1);
  for (int k = 0; k < 3; k++) e2[k] = b[k] - ba * e1[k];
  const double n2 = std::sqrt(dot(e2, e2));
  for (int k = 0; k < 3; k++) e2[k] /= n2;
  e3[0] = e1[1] * e2[2] - e1[2] * e2[1];
  e3[1] = e1[2] * e2[0] - e1[0] * e2[2];
  e3[2] = e1[0] * e2[1] - e1[1] * e2[0];
  for (int k = 0; k < 3; k++) {
    frame.rotation[k] = e1[k];
    frame.rotation[3 + k] = e2[k];
    frame.rotation[6 + k] = e3[k];
  }
  std::array<double, 3> ra = frame.rotate(a), rb = frame.rotate(b), rc = frame.rotate(&s.cell[6]);
  ra[1] = ra[2] = rb[2] = 0.0;  // exact zeros, as OpenMM demands
  if (rc[2] < 0)                // left-handed cell: -c spans the same lattice
    for (double& x : rc) x = -x;
  // Lattice reduction: subtract whole lattice vectors (same lattice).
  auto subtract = [](std::array<double, 3>& v, const std::array<double, 3>& w, double n) {
    for (int k = 0; k < 3; k++) v[k] -= n * w[k];
  };
  subtract(rc, rb, std::round(rc[1] / rb[1]));
  subtract(rc, ra, std::round(rc[0] / ra[0]));
  subtract(rb, ra, std::round(rb[0] / ra[0]));
  for (int k = 0; k < 3; k++) {
    frame.cell[k] = ra[k];
    frame.cell[3 + k] = rb[k];
    frame.cell[6 + k] = rc[k];
  }
  return frame;
}

}  // namespace EquinetTest
