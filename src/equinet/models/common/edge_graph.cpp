#include "equinet/models/common/edge_graph.hpp"

#include <cstddef>
using std::size_t;

namespace equinet::models {

template <typename T>
void EdgeGraph<T>::index_by_sender() {
  send_offsets.assign(size_t(n_nodes) + 1, 0);
  for (int s : this->senders) ++send_offsets[size_t(s) + 1];
  for (int64_t i = 0; i < n_nodes; ++i) send_offsets[i + 1] += send_offsets[i];
  by_sender.resize(this->senders.size());
  // fill positions in `fill_` (kept between calls: no allocation per step)
  fill_.assign(send_offsets.begin(), send_offsets.end() - 1);
  for (int64_t e = 0; e < this->n_edges(); ++e) by_sender[fill_[this->senders[e]]++] = e;
}

template struct EdgeGraph<float>;
template struct EdgeGraph<double>;

}  // namespace equinet::models
