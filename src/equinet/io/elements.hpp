// Element symbols <-> atomic numbers (1..118).
#pragma once

#include <string>

namespace equinet {

// Name of an element from its atomic number ("Si"; "" if unknown), and back (0 if unknown).
std::string element_symbol(int atomic_number);
int atomic_number_from_symbol(const std::string& symbol);

}  // namespace equinet
