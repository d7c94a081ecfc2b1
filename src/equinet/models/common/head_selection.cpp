#include "equinet/models/common/head_selection.hpp"

#include <algorithm>
#include <cctype>

#include "equinet/error.hpp"

namespace equinet::models {
namespace {

std::string listed(const std::vector<std::string>& heads) {
  std::string s;
  for (size_t k = 0; k < heads.size(); ++k) s += (k ? ", " : "") + heads[k];
  return s;
}

bool is_default(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return name == "default";
}

int default_index(const std::vector<std::string>& heads) {
  for (size_t k = 0; k < heads.size(); ++k)
    if (is_default(heads[k])) return int(k);
  return heads.size() == 1 ? 0 : -1;
}

}  // namespace

int select_head(const std::vector<std::string>& heads, const std::string& requested,
                const std::string& file) {
  if (heads.empty()) throw Error(file + ": the model lists no output heads");
  if (requested.empty()) {
    const int k = default_index(heads);
    if (k < 0)
      throw Error(file + ": the model has " + std::to_string(heads.size()) +
                  " heads and none is named 'Default': choose one (heads: " + listed(heads) + ")");
    return k;
  }
  const auto it = std::find(heads.begin(), heads.end(), requested);
  if (it == heads.end())
    throw Error(file + ": the model has no head '" + requested + "' (heads: " + listed(heads) +
                ")");
  return int(it - heads.begin());
}

std::string default_head(const std::vector<std::string>& heads) {
  const int k = default_index(heads);
  return k < 0 ? std::string() : heads[size_t(k)];
}

}  // namespace equinet::models
