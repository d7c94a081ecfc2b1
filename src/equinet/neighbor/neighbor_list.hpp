// Full neighbour lists (both directions, periodic images included) built with
// Kokkos in time linear in the number of atoms.
//
// Edge convention (MACE's, i.e. ASE/matscipy's, set of edges):
//   every ordered triple (receiver i, sender j, lattice image n) with
//   |r_ij| < cutoff (strictly), except i == j with n == (0,0,0).
//   Self-images (i == j, n != 0) ARE edges.
//
// Sign convention of the shift (the one thing callers must get right):
//   S   = n[0] * a0 + n[1] * a1 + n[2] * a2      (a_k = row k of cell, Å)
//   r_ij = (pos[i] - pos[j]) - S                  (Å)
// i.e. the sender is atom j translated by S, and r_ij points from the sender
// to the receiver. n[k] is 0 in every non-periodic direction.
// MACE (edge_index = [sender, receiver], vectors = pos[receiver] -
// pos[sender] + shifts) uses the opposite sign: mace shifts = -S and
// mace unit_shifts = -n, with sender = senders[e], receiver = i.
//
// The positions given to build() are the ones these vectors refer to: atoms
// may lie anywhere (outside the cell, negative fractional coordinates); the
// builder wraps them internally for binning and folds the wrapping into n.
#pragma once

#include <Kokkos_Core.hpp>
#include <cstdint>
#include <memory>
#include <vector>

namespace equinet::neighbor {

struct NeighborList {
  int64_t n_atoms = 0;
  double cutoff = 0.0;            // Å, as given to build()
  std::vector<int64_t> offsets;   // n_atoms + 1: edges of receiver i are [offsets[i], offsets[i+1])
  std::vector<int> senders;       // per edge: sender atom j
  std::vector<double> shifts;     // 3 per edge: S (Å), see the sign convention above
  std::vector<int> shift_images;  // 3 per edge: n, so that S = n . cell
  // Within one receiver, edges are sorted by (j, n[0], n[1], n[2]), so the
  // list does not depend on the thread count or the execution space.

  int64_t n_edges() const { return offsets.empty() ? 0 : offsets.back(); }
};

// Writes r_ij = pos[i] - pos[j] - S for every edge (n_edges x 3, edge order),
// computed in double and then rounded to T.
template <class T>
void compute_edge_vectors(const NeighborList& list, const double* positions, T* vectors);

// Owns the Kokkos workspace; a builder reused on systems that do not grow
// does not reallocate. Kokkos must be initialised by the caller. A builder is
// not thread-safe: one build() at a time (it launches parallel kernels itself).
template <class ExecutionSpace>
class BasicNeighborBuilder {
 public:
  BasicNeighborBuilder();
  ~BasicNeighborBuilder();
  BasicNeighborBuilder(BasicNeighborBuilder&&) noexcept;
  BasicNeighborBuilder& operator=(BasicNeighborBuilder&&) noexcept;

  // positions: n_atoms x 3 (Å). cell: 9 numbers, rows are lattice vectors
  // (only rows of periodic directions are read; nullptr allowed when no
  // direction is periodic). pbc: 3 flags (nullptr = all false).
  // Throws equinet::Error on bad input (non-finite position, cutoff <= 0,
  // degenerate periodic cell, coincident atoms or images); n_atoms == 0
  // gives an empty list.
  void build(int64_t n_atoms, const double* positions, const double* cell, const bool* pbc,
             double cutoff, NeighborList& out);

 private:
  struct Workspace;
  std::unique_ptr<Workspace> workspace_;
};

using NeighborBuilder = BasicNeighborBuilder<Kokkos::DefaultHostExecutionSpace>;

#ifdef KOKKOS_ENABLE_SERIAL
extern template class BasicNeighborBuilder<Kokkos::Serial>;
#endif
#ifdef KOKKOS_ENABLE_OPENMP
extern template class BasicNeighborBuilder<Kokkos::OpenMP>;
#endif
#ifdef KOKKOS_ENABLE_THREADS
extern template class BasicNeighborBuilder<Kokkos::Threads>;
#endif
extern template void compute_edge_vectors<float>(const NeighborList&, const double*, float*);
extern template void compute_edge_vectors<double>(const NeighborList&, const double*, double*);

}  // namespace equinet::neighbor
