// Which output head of a multi-head model a load uses (LoadOptions::head):
// the same rule for every family, as mace's MACECalculator applies it.
#pragma once

#include <string>
#include <vector>

namespace equinet::models {

// The index of `requested` in `heads`; with `requested` empty, the head
// named "default" in any case, else the only head. Throws equinet::Error
// naming `file` and listing the heads for a name the model lacks or when no
// default exists; never silently head 0.
int select_head(const std::vector<std::string>& heads, const std::string& requested,
                const std::string& file);

// The head select_head would pick without a request, or "" when it would throw.
std::string default_head(const std::vector<std::string>& heads);

}  // namespace equinet::models
