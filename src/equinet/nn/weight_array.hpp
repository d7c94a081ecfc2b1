// A named array of trained weights as a block receives it: the tensor's key
// (named in errors), its shape and its values in row-major order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace equinet::nn {

struct WeightArray {
  std::string key;
  std::vector<int64_t> shape;
  std::vector<double> values;
  int64_t size() const { return int64_t(values.size()); }
};

}  // namespace equinet::nn
