#include "equinet/neighbor/verlet_list.hpp"

#include <algorithm>
#include <string>

#include "equinet/detail/parallel.hpp"
#include "equinet/error.hpp"

namespace equinet::neighbor {

VerletNeighborList::VerletNeighborList(double skin) : skin_(skin) {
  if (!(skin >= 0)) throw Error("neighbour list: skin must be >= 0");
}

bool VerletNeighborList::reusable(int64_t n, const double* pos, const double* cell, const bool* pbc,
                                  double cutoff) const {
  if (!valid_ || skin_ <= 0 || n != candidates_.n_atoms || cutoff != built_cutoff_) return false;
  for (int d = 0; d < 3; ++d) {
    const bool p = pbc && pbc[d];
    if (p != pbc_[d]) return false;
    if (p)
      for (int k = 0; k < 3; ++k)
        if (cell[3 * d + k] != cell_[3 * d + k]) return false;
  }
  // Two atoms each moved by at most skin/2 cannot have closed a gap of skin.
  // A NaN fails the comparison and so leads to a rebuild, which reports it.
  const double limit = 0.25 * skin_ * skin_;
  int ok = 1;
  Kokkos::parallel_reduce(
      "eq.verlet_check", Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, n),
      [&](int64_t i, int& good) {
        double d2 = 0;
        for (int d = 0; d < 3; ++d) {
          const double dx = pos[3 * i + d] - reference_[3 * i + d];
          d2 += dx * dx;
        }
        good = good && d2 <= limit ? 1 : 0;
      },
      Kokkos::LAnd<int>(ok));
  return ok != 0;
}

bool VerletNeighborList::mark(int64_t n, const double* pos, double cutoff) {
  const NeighborList& c = candidates_;
  const double c2 = cutoff * cutoff;
  detail::grow(counts_, size_t(n) + 1);
  detail::grow(kept_, size_t(c.n_edges()));
  // Coincident atoms: the first offender (lowest receiver) is reported.
  int64_t coincident = n;
  Kokkos::parallel_reduce(
      "eq.verlet_count", Kokkos::RangePolicy<Kokkos::DefaultHostExecutionSpace>(0, n),
      [&](int64_t i, int64_t& first) {
        int64_t k = 0;
        for (int64_t e = c.offsets[i]; e < c.offsets[i + 1]; ++e) {
          const int64_t j = c.senders[e];
          double r2 = 0;
          for (int d = 0; d < 3; ++d) {
            // the search's expression, so that the kept set is the one it would find
            const double x = (pos[3 * i + d] - pos[3 * j + d]) - c.shifts[3 * e + d];
            r2 += x * x;
          }
          const bool in = r2 < c2;
          kept_[e] = in;
          k += in;
          if (r2 < kOverlapDistance * kOverlapDistance) first = std::min(first, i);
        }
        counts_[i] = k;
      },
      Kokkos::Min<int64_t>(coincident));
  return coincident >= n;  // the reducer leaves its identity (the largest value) if none
}

int64_t VerletNeighborList::kept_count(int64_t n) const {
  int64_t total = 0;
  for (int64_t i = 0; i < n; ++i) total += counts_[i];
  return total;
}

template <typename Write>
void VerletNeighborList::fill(int64_t n, std::vector<int64_t>& offsets, const Write& write) const {
  const NeighborList& c = candidates_;
  offsets.resize(size_t(n) + 1);
  offsets[0] = 0;
  for (int64_t i = 0; i < n; ++i) offsets[i + 1] = offsets[i] + counts_[i];
  detail::parallel_for("eq.verlet_fill", n, [&](int64_t i) {
    int64_t o = offsets[i];
    for (int64_t e = c.offsets[i]; e < c.offsets[i + 1]; ++e)
      if (kept_[e]) write(i, e, o++);
  });
}

void VerletNeighborList::refresh(int64_t n, const double* pos, const double* cell, const bool* pbc,
                                 double cutoff) {
  if (reusable(n, pos, cell, pbc, cutoff)) return;
  valid_ = false;
  builder_.build(n, pos, cell, pbc, cutoff + skin_, candidates_);
  ++builds_;
  reference_.assign(pos, pos + 3 * n);
  for (int d = 0; d < 3; ++d) {
    pbc_[d] = pbc && pbc[d];
    for (int k = 0; k < 3; ++k) cell_[3 * d + k] = pbc_[d] ? cell[3 * d + k] : 0.0;
  }
  built_cutoff_ = cutoff;
  valid_ = skin_ > 0;  // skin 0: the candidates serve this call only
}

void VerletNeighborList::update(int64_t n, const double* pos, const double* cell, const bool* pbc,
                                double cutoff, NeighborList& out) {
  if (skin_ <= 0) {
    builder_.build(n, pos, cell, pbc, cutoff, out);
    return;
  }
  refresh(n, pos, cell, pbc, cutoff);
  if (!mark(n, pos, cutoff)) {
    valid_ = false;  // the builder finds and names the pair
    builder_.build(n, pos, cell, pbc, cutoff, out);
    return;
  }
  const NeighborList& c = candidates_;
  out.n_atoms = n;
  out.cutoff = cutoff;
  const int64_t E = kept_count(n);
  out.senders.resize(size_t(E));
  out.shifts.resize(size_t(E) * 3);
  out.shift_images.resize(size_t(E) * 3);
  fill(n, out.offsets, [&](int64_t, int64_t e, int64_t o) {
    out.senders[o] = c.senders[e];
    for (int d = 0; d < 3; ++d) {
      out.shifts[3 * o + d] = c.shifts[3 * e + d];
      out.shift_images[3 * o + d] = c.shift_images[3 * e + d];
    }
  });
}

template <typename T>
void VerletNeighborList::update(int64_t n, const double* pos, const double* cell, const bool* pbc,
                                double cutoff, EdgeList<T>& out) {
  refresh(n, pos, cell, pbc, cutoff);
  if (!mark(n, pos, cutoff)) {
    valid_ = false;
    builder_.build(n, pos, cell, pbc, cutoff, error_list_);  // throws, naming the pair
    throw Error("neighbour list: coincident atoms");         // not reached
  }
  const NeighborList& c = candidates_;
  const int64_t E = kept_count(n);
  out.senders.resize(size_t(E));
  out.receivers.resize(size_t(E));
  out.vectors.resize(size_t(E) * 3);
  fill(n, out.recv_offsets, [&](int64_t i, int64_t e, int64_t o) {
    const int64_t j = c.senders[e];
    out.senders[o] = int(j);
    out.receivers[o] = int(i);
    for (int d = 0; d < 3; ++d)
      out.vectors[3 * o + d] = T((pos[3 * i + d] - pos[3 * j + d]) - c.shifts[3 * e + d]);
  });
}

template void VerletNeighborList::update<float>(int64_t, const double*, const double*, const bool*,
                                                double, EdgeList<float>&);
template void VerletNeighborList::update<double>(int64_t, const double*, const double*, const bool*,
                                                 double, EdgeList<double>&);

}  // namespace equinet::neighbor
