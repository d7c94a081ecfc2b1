// Extended XYZ writer (see extxyz.hpp for the format).
#include <cctype>
#include <cmath>
#include <fstream>
#include <ostream>

#include "equinet/io/detail/text_numbers.hpp"
#include "equinet/io/extxyz.hpp"
#include "equinet/error.hpp"
#include "equinet/io/elements.hpp"

namespace equinet::io {
namespace {

using detail::format_int;
using detail::format_real;

[[noreturn]] void fail(std::size_t frame, const std::string& what) {
  throw Error("write_extxyz: frame " + std::to_string(frame) + ": " + what);
}

bool is_plain_word(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (std::isspace(static_cast<unsigned char>(c)) || c == '=' || c == '"' || c == '\'' ||
        c == '\\' || c == '{' || c == '}' || c == '[' || c == ']' || c == '(' || c == ')')
      return false;
  return true;
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string format_item(InfoValue::Kind kind, double v) {
  switch (kind) {
    case InfoValue::Kind::Bool:
    case InfoValue::Kind::BoolArray:
      return v != 0 ? "T" : "F";
    case InfoValue::Kind::Int:
    case InfoValue::Kind::IntArray:
      return format_int(static_cast<int64_t>(v));
    default:
      return format_real(v);
  }
}

std::string format_info(const InfoValue& v) {
  if (v.kind == InfoValue::Kind::String) return is_plain_word(v.text) ? v.text : quote(v.text);
  std::string s;
  for (double x : v.values) s += (s.empty() ? "" : " ") + format_item(v.kind, x);
  return v.is_array() ? "\"" + s + "\"" : s;
}

// The symbols to write, checked against numbers where both are given.
std::vector<std::string> species_of(const Frame& f, std::size_t index) {
  const std::size_t n = static_cast<std::size_t>(f.size());
  if (!f.symbols.empty() && f.symbols.size() != n)
    fail(index, std::to_string(f.symbols.size()) + " symbols for " + std::to_string(n) + " atoms");
  if (!f.numbers.empty() && f.numbers.size() != n)
    fail(index, std::to_string(f.numbers.size()) + " numbers for " + std::to_string(n) + " atoms");
  if (n > 0 && f.symbols.empty() && f.numbers.empty()) fail(index, "neither symbols nor numbers");
  std::vector<std::string> out(n);
  for (std::size_t a = 0; a < n; ++a) {
    const int z = f.symbols.empty() ? f.numbers[a] : atomic_number_from_symbol(f.symbols[a]);
    if (z == 0 || element_symbol(z).empty())
      fail(index,
           "atom " + std::to_string(a) + ": unknown element " +
               (f.symbols.empty() ? std::to_string(f.numbers[a]) : "'" + f.symbols[a] + "'"));
    if (!f.symbols.empty() && !f.numbers.empty() && f.numbers[a] != z)
      fail(index, "atom " + std::to_string(a) + ": symbol '" + f.symbols[a] +
                      "' disagrees with number " + std::to_string(f.numbers[a]));
    out[a] = element_symbol(z);
  }
  return out;
}

char type_letter(ColumnType t) {
  switch (t) {
    case ColumnType::Real:
      return 'R';
    case ColumnType::Int:
      return 'I';
    case ColumnType::Bool:
      return 'L';
    default:
      return 'S';
  }
}

void check_frame(const Frame& f, std::size_t index) {
  if (f.positions.size() % 3 != 0)
    fail(index, "positions has " + std::to_string(f.positions.size()) + " values, not n x 3");
  const std::size_t n = static_cast<std::size_t>(f.size());
  for (const auto& [name, arr] : f.arrays) {
    if (!is_plain_word(name) || name.find(':') != std::string::npos || name == "species" ||
        name == "pos" || name == "Z")
      fail(index, "invalid per-atom array name '" + name + "'");
    if (arr.ncols < 1) fail(index, "array '" + name + "' has ncols < 1");
    const std::size_t have =
        arr.type == ColumnType::String ? arr.strings.size() : arr.values.size();
    if (have != n * static_cast<std::size_t>(arr.ncols))
      fail(index, "array '" + name + "' has " + std::to_string(have) + " values, expected " +
                      std::to_string(n) + " x " + std::to_string(arr.ncols));
    if (arr.type == ColumnType::Int)
      for (double v : arr.values)
        if (!(std::abs(v) < 9.2e18) || v != std::floor(v))
          fail(index, "integer array '" + name + "' holds the non-integer " + format_real(v));
    for (const auto& s : arr.strings)
      if (!is_plain_word(s))
        fail(index, "array '" + name + "' has an unwritable string '" + s + "'");
  }
  for (const auto& [key, value] : f.info) {
    if (!is_plain_word(key) || key == "Lattice" || key == "Properties" || key == "pbc")
      fail(index, "invalid info key '" + key + "'");
    if (value.kind != InfoValue::Kind::String && !value.is_array() && value.values.size() != 1)
      fail(index, "info '" + key + "' is a scalar kind with " +
                      std::to_string(value.values.size()) + " values");
    if (value.kind == InfoValue::Kind::Int || value.kind == InfoValue::Kind::IntArray)
      for (double v : value.values)
        if (!(std::abs(v) < 9.2e18) || v != std::floor(v))
          fail(index, "integer info '" + key + "' holds the non-integer " + format_real(v));
  }
  if (!f.has_cell && (f.pbc[0] || f.pbc[1] || f.pbc[2]))
    fail(index, "pbc is set but the frame has no cell");
}

void write_frame(std::ostream& out, const Frame& f, std::size_t index) {
  const std::vector<std::string> species = species_of(f, index);
  const std::size_t n = species.size();

  out << n << '\n';
  if (f.has_cell) {
    out << "Lattice=\"";
    for (int k = 0; k < 9; ++k) out << (k ? " " : "") << format_real(f.cell[k]);
    out << "\" ";
  }
  out << "Properties=species:S:1:pos:R:3";
  for (const auto& [name, arr] : f.arrays)
    out << ':' << name << ':' << type_letter(arr.type) << ':' << arr.ncols;
  for (const auto& [key, value] : f.info) out << ' ' << key << '=' << format_info(value);
  out << " pbc=\"" << (f.pbc[0] ? 'T' : 'F') << ' ' << (f.pbc[1] ? 'T' : 'F') << ' '
      << (f.pbc[2] ? 'T' : 'F') << "\"\n";

  for (std::size_t a = 0; a < n; ++a) {
    out << species[a];
    for (int k = 0; k < 3; ++k) out << ' ' << format_real(f.positions[3 * a + k]);
    for (const auto& [name, arr] : f.arrays) {
      for (int j = 0; j < arr.ncols; ++j) {
        const std::size_t i = a * arr.ncols + j;
        out << ' ';
        switch (arr.type) {
          case ColumnType::Real:
            out << format_real(arr.values[i]);
            break;
          case ColumnType::Int:
            out << format_int(static_cast<int64_t>(arr.values[i]));
            break;
          case ColumnType::Bool:
            out << (arr.values[i] != 0 ? 'T' : 'F');
            break;
          case ColumnType::String:
            out << arr.strings[i];
            break;
        }
      }
    }
    out << '\n';
  }
}

// Checks everything first so that a bad frame leaves no partial output.
void validate(const std::vector<Frame>& frames) {
  for (std::size_t i = 0; i < frames.size(); ++i) {
    check_frame(frames[i], i);
    species_of(frames[i], i);
  }
}

}  // namespace

void write_extxyz(std::ostream& out, const std::vector<Frame>& frames) {
  validate(frames);
  for (std::size_t i = 0; i < frames.size(); ++i) write_frame(out, frames[i], i);
  if (!out) throw Error("write_extxyz: stream error");
}

void write_extxyz(const std::string& path, const std::vector<Frame>& frames) {
  validate(frames);  // before truncating the file
  std::ofstream out(path);
  if (!out) throw Error("write_extxyz: cannot open '" + path + "' for writing");
  write_extxyz(out, frames);
  out.close();
  if (!out) throw Error("write_extxyz: error while writing '" + path + "'");
}

}  // namespace equinet::io
