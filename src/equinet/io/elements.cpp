// Element symbols <-> atomic numbers (io/elements.hpp).
#include <array>
#include <string>

#include "equinet/io/elements.hpp"

namespace equinet {
namespace {

constexpr int kNumElements = 118;

// Index = atomic number; index 0 is unused.
constexpr std::array<const char*, kNumElements + 1> kSymbols = {
    "",   "H",  "He", "Li", "Be", "B",  "C",  "N",  "O",  "F",  "Ne", "Na", "Mg", "Al", "Si",
    "P",  "S",  "Cl", "Ar", "K",  "Ca", "Sc", "Ti", "V",  "Cr", "Mn", "Fe", "Co", "Ni", "Cu",
    "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y",  "Zr", "Nb", "Mo", "Tc", "Ru",
    "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I",  "Xe", "Cs", "Ba", "La", "Ce", "Pr",
    "Nd", "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W",
    "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac",
    "Th", "Pa", "U",  "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf",
    "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og"};

}  // namespace

// "" for a number outside 1..118.
std::string element_symbol(int atomic_number) {
  if (atomic_number < 1 || atomic_number > kNumElements) return "";
  return kSymbols[atomic_number];
}

// Exact, case-sensitive match ("Si", not "SI"); 0 if unknown.
int atomic_number_from_symbol(const std::string& symbol) {
  for (int z = 1; z <= kNumElements; ++z)
    if (symbol == kSymbols[z]) return z;
  return 0;
}

}  // namespace equinet
