#include "equinet/models/common/edge_forces.hpp"

#include <Kokkos_Core.hpp>

#include "equinet/detail/parallel.hpp"

namespace equinet::models {

template <typename T>
void derive_from_edge_forces(const EdgeGraph<T>& g, const T* f, double* forces, double* virial,
                             double* atom_virials) {
  const T* vec = g.vectors.data();
  if (forces || atom_virials) {
    detail::parallel_for("eq.derive_force", g.n_nodes, [&](int64_t i) {
      double F[3] = {0, 0, 0}, W[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
      auto add = [&](int64_t e, double sign) {
        for (int a = 0; a < 3; ++a) {
          F[a] += sign * double(f[3 * e + a]);
          for (int b = 0; b < 3; ++b)
            W[3 * a + b] -= 0.5 * double(vec[3 * e + a]) * double(f[3 * e + b]);
        }
      };
      if (i < g.n_centers)
        for (int64_t e = g.recv_offsets[i]; e < g.recv_offsets[i + 1]; ++e) add(e, -1.0);
      for (int64_t k = g.send_offsets[i]; k < g.send_offsets[i + 1]; ++k)
        add(g.by_sender[size_t(k)], 1.0);
      if (forces)
        for (int a = 0; a < 3; ++a) forces[3 * i + a] = F[a];
      if (atom_virials)
        for (int k = 0; k < 9; ++k) atom_virials[9 * i + k] = W[k];
    });
  }
  if (virial) {
    // serial: 9 flops per edge, and a fixed summation order
    const int64_t n_edges = g.n_edges();
    for (int k = 0; k < 9; ++k) virial[k] = 0;
    for (int64_t e = 0; e < n_edges; ++e)
      for (int a = 0; a < 3; ++a)
        for (int b = 0; b < 3; ++b)
          virial[3 * a + b] -= double(vec[3 * e + a]) * double(f[3 * e + b]);
  }
}

template void derive_from_edge_forces<float>(const EdgeGraph<float>&, const float*, double*,
                                             double*, double*);
template void derive_from_edge_forces<double>(const EdgeGraph<double>&, const double*, double*,
                                              double*, double*);

}  // namespace equinet::models
