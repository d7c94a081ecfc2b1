// Extended XYZ (ASE / libAtoms flavour) reader and writer.
//
// Per frame: line 1 = atom count; line 2 = key=value pairs (values bare,
// "quoted" or {bracketed}), with the special keys
//   Lattice="a1x a1y a1z a2x a2y a2z a3x a3y a3z"   rows are lattice vectors
//   Properties=species:S:1:pos:R:3:forces:R:3       name:type:columns, types S R I L
//   pbc="T T F"                                      default: T T T with Lattice, else F F F
// then one line per atom with the Properties columns.
//
// Reading throws equinet::Error naming the file, line number and offending
// token. Writing uses shortest round-trip formatting, so write then read
// reproduces every double exactly.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace equinet::io {

// A comment-line value, typed the way ASE parses it: integers, then reals,
// then T/F booleans, else a string; several whitespace/comma separated
// items make an array. 3x3 values (stress, virial) are 9-element arrays kept
// in file order, which ASE reads as column-major (Fortran order) — the same as
// row-major for the symmetric stress and virial.
struct InfoValue {
  enum class Kind { Bool, Int, Real, String, BoolArray, IntArray, RealArray };
  Kind kind = Kind::String;
  std::vector<double> values;  // numeric and boolean (0/1) kinds; scalars have one element;
                               // integers are exact up to 2^53
  std::string text;            // String kind

  static InfoValue boolean(bool b);
  static InfoValue integer(int64_t i);
  static InfoValue real(double x);
  static InfoValue string(std::string s);
  static InfoValue real_array(std::vector<double> v);
  static InfoValue int_array(const std::vector<int64_t>& v);
  static InfoValue bool_array(const std::vector<bool>& v);

  bool is_array() const;
  // The number (Int, Real or Bool scalar); throws equinet::Error otherwise.
  double as_real() const;
  // The numbers of any numeric or boolean kind (a scalar gives one).
  const std::vector<double>& as_array() const;
};

enum class ColumnType { Real, Int, Bool, String };  // R, I, L, S

// A per-atom property other than species, Z and pos: n_atoms x ncols,
// row-major. String columns fill `strings`, the others `values`.
struct PerAtomArray {
  ColumnType type = ColumnType::Real;
  int ncols = 1;
  std::vector<double> values;
  std::vector<std::string> strings;
};

struct Frame {
  std::vector<double> positions;     // n x 3, Å
  std::vector<int> numbers;          // atomic numbers
  std::vector<std::string> symbols;  // element symbols; writing needs symbols or numbers
  bool has_cell = false;
  double cell[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};  // rows are lattice vectors
  bool pbc[3] = {false, false, false};
  std::map<std::string, InfoValue> info;       // comment-line keys except Lattice, Properties, pbc
  std::map<std::string, PerAtomArray> arrays;  // e.g. forces (3 cols), node_energy (1)

  int64_t size() const { return static_cast<int64_t>(positions.size() / 3); }  // atoms
};

// Reads every frame. Species come from the species column (capitalised as ASE
// does: "SI" -> "Si") or, if absent, from a Z column; if both are present they
// must agree.
std::vector<Frame> read_extxyz(const std::string& path);
// `label` stands for the file name in error messages.
std::vector<Frame> read_extxyz(std::istream& in, const std::string& label);

// Writes species (from symbols, or from numbers when symbols is empty), pos,
// then the arrays in name order; info keys in name order. Throws
// equinet::Error naming the frame and field if sizes are inconsistent.
void write_extxyz(const std::string& path, const std::vector<Frame>& frames);
void write_extxyz(std::ostream& out, const std::vector<Frame>& frames);

}  // namespace equinet::io
