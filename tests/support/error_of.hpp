// The message of the equinet::Error thrown by fn(), or "" if none is thrown.
#pragma once

#include <string>

#include "equinet/potential.hpp"

namespace equinet::testing {

template <typename F>
std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace equinet::testing
