// The ground floor of the core: the one exception type every layer throws.
// Every user-facing failure (bad file, unknown element, bad geometry) is an
// equinet::Error whose message names the file, key, frame or atom.
#pragma once

#include <stdexcept>

namespace equinet {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace equinet
