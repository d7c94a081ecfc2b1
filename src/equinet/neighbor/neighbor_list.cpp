#include "equinet/neighbor/neighbor_list.hpp"

namespace equinet::neighbor {

template <class T>
void compute_edge_vectors(const NeighborList& list, const double* positions, T* vectors) {
  for (int64_t i = 0; i < list.n_atoms; ++i) {
    for (int64_t e = list.offsets[i]; e < list.offsets[i + 1]; ++e) {
      const int64_t j = list.senders[e];
      // Same expression as the search's cutoff test: (x_i - x_j) - S.
      for (int d = 0; d < 3; ++d)
        vectors[3 * e + d] =
            T((positions[3 * i + d] - positions[3 * j + d]) - list.shifts[3 * e + d]);
    }
  }
}

template void compute_edge_vectors<float>(const NeighborList&, const double*, float*);
template void compute_edge_vectors<double>(const NeighborList&, const double*, double*);

}  // namespace equinet::neighbor
