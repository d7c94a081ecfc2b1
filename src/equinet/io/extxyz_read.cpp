// Extended XYZ reader (see extxyz.hpp for the format).
#include <cctype>
#include <filesystem>
#include <fstream>
#include <istream>
#include <set>
#include <string_view>

#include "equinet/io/detail/text_numbers.hpp"
#include "equinet/io/extxyz.hpp"
#include "equinet/error.hpp"
#include "equinet/io/elements.hpp"

namespace equinet::io {
namespace {

using detail::parse_int;
using detail::parse_real;

// Reads lines and formats errors as "file:line: what".
class LineReader {
 public:
  LineReader(std::istream& in, std::string label) : in_(in), label_(std::move(label)) {}

  bool next(std::string& line) {
    if (!std::getline(in_, line)) return false;
    ++line_no_;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF files
    return true;
  }
  int line_no() const { return line_no_; }
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(label_ + ":" + std::to_string(line_no_) + ": " + what);
  }
  [[noreturn]] void fail(const std::string& what, std::string_view token) const {
    fail(what + " '" + std::string(token) + "'");
  }

 private:
  std::istream& in_;
  std::string label_;
  int line_no_ = 0;
};

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::vector<std::string_view> split(std::string_view s, bool on_commas) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  auto sep = [&](char c) { return is_space(c) || (on_commas && c == ','); };
  while (i < s.size()) {
    while (i < s.size() && sep(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !sep(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// ---------------------------------------------------------------- comment line

struct KeyValue {
  std::string key;
  std::string value;  // delimiters removed, escapes resolved
};

// Splits `key=value key="quoted value" key={a b} flag` into pairs; a bare key
// means "T". Quotes ' and " take backslash escapes; brackets {} [] () nest.
std::vector<KeyValue> tokenize_comment(const std::string& line, const LineReader& r) {
  std::vector<KeyValue> out;
  std::size_t i = 0;
  const std::size_t n = line.size();
  auto skip_space = [&] {
    while (i < n && is_space(line[i])) ++i;
  };
  // Reads a key or value starting at i; `stop_at_equals` ends a bare word at '='.
  auto read_item = [&](bool stop_at_equals) {
    std::string item;
    const std::size_t start = i;
    const char open = line[i];
    if (open == '"' || open == '\'') {
      for (++i; i < n && line[i] != open; ++i) {
        if (line[i] == '\\' && i + 1 < n) ++i;
        item += line[i];
      }
      if (i >= n) r.fail("unterminated quote in", std::string_view(line).substr(start));
      ++i;
    } else if (open == '{' || open == '[' || open == '(') {
      std::string closers;
      for (; i < n; ++i) {
        const char c = line[i];
        if (c == '{' || c == '[' || c == '(') {
          closers += c == '{' ? '}' : c == '[' ? ']' : ')';
          if (closers.size() > 1) item += c;
        } else if (!closers.empty() && c == closers.back()) {
          closers.pop_back();
          if (closers.empty()) break;
          item += c;
        } else {
          item += c;
        }
      }
      if (i >= n) r.fail("unterminated bracket in", std::string_view(line).substr(start));
      ++i;
    } else {
      while (i < n && !is_space(line[i]) && !(stop_at_equals && line[i] == '=')) item += line[i++];
    }
    return item;
  };

  skip_space();
  while (i < n) {
    const std::size_t key_start = i;
    KeyValue kv;
    kv.key = read_item(true);
    if (kv.key.empty()) r.fail("missing key before", std::string_view(line).substr(key_start));
    skip_space();
    if (i < n && line[i] == '=') {
      ++i;
      skip_space();
      if (i >= n) r.fail("missing value after key", kv.key);
      kv.value = read_item(false);
    } else {
      kv.value = "T";  // a bare key is a true flag
    }
    out.push_back(std::move(kv));
    skip_space();
  }
  return out;
}

bool parse_bool_token(std::string_view s, bool& out, bool long_forms) {
  if (s == "T" || (long_forms && (s == "True" || s == "true"))) return out = true, true;
  if (s == "F" || (long_forms && (s == "False" || s == "false"))) return (out = false), true;
  return false;
}

// ASE's typing: all ints, else all reals, else all T/F, else a string.
InfoValue to_info_value(const std::string& text) {
  const auto items = split(text, true);
  if (items.empty()) return InfoValue::string(text);
  const bool single = items.size() == 1;
  InfoValue v;
  bool ok = true;
  for (auto s : items) {
    int64_t i;
    if (!(ok = parse_int(s, i))) break;
    v.values.push_back(static_cast<double>(i));
  }
  if (ok) return v.kind = single ? InfoValue::Kind::Int : InfoValue::Kind::IntArray, v;
  v.values.clear();
  for (auto s : items) {
    double x;
    if (!(ok = parse_real(s, x))) break;
    v.values.push_back(x);
  }
  if (ok) return v.kind = single ? InfoValue::Kind::Real : InfoValue::Kind::RealArray, v;
  v.values.clear();
  for (auto s : items) {
    bool b;
    if (!(ok = parse_bool_token(s, b, false))) break;
    v.values.push_back(b ? 1.0 : 0.0);
  }
  if (ok) return v.kind = single ? InfoValue::Kind::Bool : InfoValue::Kind::BoolArray, v;
  return InfoValue::string(text);
}

// ---------------------------------------------------------------- Properties

struct Column {
  std::string name;
  ColumnType type;
  int ncols;
};

std::vector<Column> parse_properties(const std::string& spec, const LineReader& r) {
  const std::string where = "in Properties=" + spec + " :";
  std::vector<std::string_view> fields;
  std::string_view rest = spec;
  while (true) {
    const auto colon = rest.find(':');
    fields.push_back(rest.substr(0, colon));
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  if (fields.size() % 3 != 0)
    r.fail(where + " expected name:type:columns triples, found " + std::to_string(fields.size()) +
           " fields");
  std::vector<Column> cols;
  for (std::size_t f = 0; f < fields.size(); f += 3) {
    Column c;
    c.name = std::string(fields[f]);
    if (c.name.empty()) r.fail(where + " empty property name");
    for (const auto& other : cols)
      if (other.name == c.name) r.fail(where + " duplicate property", c.name);
    const std::string_view t = fields[f + 1];
    if (t == "R")
      c.type = ColumnType::Real;
    else if (t == "I")
      c.type = ColumnType::Int;
    else if (t == "L")
      c.type = ColumnType::Bool;
    else if (t == "S")
      c.type = ColumnType::String;
    else
      r.fail(where + " unknown type (not R, I, L, S) of " + c.name + ":", t);
    int64_t n;
    if (!parse_int(fields[f + 2], n) || n < 1 || n > 1000000)
      r.fail(where + " bad column count of " + c.name + ":", fields[f + 2]);
    c.ncols = static_cast<int>(n);
    cols.push_back(c);
  }
  auto require = [&](const char* name, ColumnType type, int ncols, const char* form) {
    for (const auto& c : cols)
      if (c.name == name && (c.type != type || c.ncols != ncols))
        r.fail(where + " property " + name + " must be " + form);
  };
  require("species", ColumnType::String, 1, "species:S:1");
  require("pos", ColumnType::Real, 3, "pos:R:3");
  require("Z", ColumnType::Int, 1, "Z:I:1");
  auto has = [&](const char* name) {
    for (const auto& c : cols)
      if (c.name == name) return true;
    return false;
  };
  if (!has("pos")) r.fail(where + " no pos:R:3 column");
  if (!has("species") && !has("Z")) r.fail(where + " neither species:S:1 nor Z:I:1");
  return cols;
}

const char* type_name(ColumnType t) {
  switch (t) {
    case ColumnType::Real:
      return "real";
    case ColumnType::Int:
      return "integer";
    case ColumnType::Bool:
      return "logical";
    default:
      return "string";
  }
}

// "SI" -> "Si", as ASE does.
std::string capitalize(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<char>(i == 0 ? std::toupper(static_cast<unsigned char>(out[i]))
                                      : std::tolower(static_cast<unsigned char>(out[i])));
  return out;
}

// ---------------------------------------------------------------- one frame

void apply_comment(Frame& frame, std::vector<Column>& cols, const std::string& line,
                   const LineReader& r) {
  std::string properties = "species:S:1:pos:R:3";  // plain XYZ default
  std::string pbc_text;                            // empty when absent
  std::set<std::string> seen;
  for (auto& kv : tokenize_comment(line, r)) {
    if (!seen.insert(kv.key).second) r.fail("duplicate key", kv.key);
    if (kv.key == "Properties") {
      properties = kv.value;
    } else if (kv.key == "Lattice") {
      const auto items = split(kv.value, true);
      if (items.size() != 9)
        r.fail("Lattice needs 9 numbers, found " + std::to_string(items.size()) + " in", kv.value);
      for (int k = 0; k < 9; ++k)
        if (!parse_real(items[k], frame.cell[k])) r.fail("bad number in Lattice:", items[k]);
      frame.has_cell = true;
    } else if (kv.key == "pbc") {
      const auto items = split(kv.value, true);
      if (items.size() != 1 && items.size() != 3)
        r.fail("pbc needs 1 or 3 of T/F, found", kv.value);
      for (std::size_t k = 0; k < 3; ++k)
        if (!parse_bool_token(items[items.size() == 1 ? 0 : k], frame.pbc[k], true))
          r.fail("bad logical in pbc:", items[items.size() == 1 ? 0 : k]);
      pbc_text = kv.value;
    } else {
      frame.info[kv.key] = to_info_value(kv.value);
    }
  }
  if (pbc_text.empty())
    for (bool& p : frame.pbc) p = frame.has_cell;
  if (!frame.has_cell && (frame.pbc[0] || frame.pbc[1] || frame.pbc[2]))
    r.fail("periodic without a Lattice: pbc", pbc_text);
  cols = parse_properties(properties, r);
}

void read_atom_line(Frame& frame, const std::vector<Column>& cols, int expected_columns,
                    std::vector<int>& z_column, const std::string& line, const LineReader& r) {
  const auto items = split(line, false);
  if (static_cast<int>(items.size()) != expected_columns)
    r.fail("expected " + std::to_string(expected_columns) + " columns (from Properties), found " +
               std::to_string(items.size()) + " in",
           line);
  std::size_t k = 0;
  for (const auto& c : cols) {
    for (int j = 0; j < c.ncols; ++j, ++k) {
      const std::string_view tok = items[k];
      const std::string what =
          std::string("bad ") + type_name(c.type) + " in column " + c.name + ":";
      if (c.name == "species") {
        const std::string sym = capitalize(tok);
        const int z = atomic_number_from_symbol(sym);
        if (z == 0) r.fail("unknown element symbol", tok);
        frame.symbols.push_back(sym);
        frame.numbers.push_back(z);
        continue;
      }
      double value = 0;
      switch (c.type) {
        case ColumnType::Real:
          if (!parse_real(tok, value)) r.fail(what, tok);
          break;
        case ColumnType::Int: {
          int64_t i;
          if (!parse_int(tok, i)) r.fail(what, tok);
          value = static_cast<double>(i);
          break;
        }
        case ColumnType::Bool: {
          bool b;
          if (!parse_bool_token(tok, b, true)) r.fail(what, tok);
          value = b;
          break;
        }
        case ColumnType::String:
          frame.arrays[c.name].strings.emplace_back(tok);
          continue;
      }
      if (c.name == "pos") {
        frame.positions.push_back(value);
      } else if (c.name == "Z") {
        if (value < 1 || value > 118) r.fail("unknown atomic number in column Z:", tok);
        z_column.push_back(static_cast<int>(value));
      } else {
        frame.arrays[c.name].values.push_back(value);
      }
    }
  }
  // With both species and Z columns, they must name the same element.
  if (!z_column.empty() && z_column.size() == frame.numbers.size() &&
      z_column.back() != frame.numbers.back())
    r.fail("Z column " + std::to_string(z_column.back()) + " disagrees with species",
           frame.symbols.back());
}

}  // namespace

std::vector<Frame> read_extxyz(std::istream& in, const std::string& label) {
  LineReader r(in, label);
  std::vector<Frame> frames;
  std::string line;
  while (r.next(line)) {
    if (split(line, false).empty()) continue;  // blank lines between frames
    int64_t n_atoms;
    const auto count = split(line, false);
    if (count.size() != 1 || !parse_int(count[0], n_atoms) || n_atoms < 0)
      r.fail(frames.empty() ? "expected an atom count, found"
                            : "expected an atom count (does the previous frame's count match "
                              "its atom lines?), found",
             line);
    const int count_line = r.line_no();
    Frame frame;
    std::vector<Column> cols;
    if (!r.next(line)) r.fail("file ends before the comment line of a frame");
    apply_comment(frame, cols, line, r);
    int expected_columns = 0;
    for (const auto& c : cols) {
      expected_columns += c.ncols;
      if (c.name != "species" && c.name != "pos" && c.name != "Z") {
        frame.arrays[c.name].type = c.type;
        frame.arrays[c.name].ncols = c.ncols;
      }
    }
    std::vector<int> z_column;
    for (int64_t a = 0; a < n_atoms; ++a) {
      if (!r.next(line))
        r.fail("file ends after " + std::to_string(a) + " of " + std::to_string(n_atoms) +
               " atoms announced on line " + std::to_string(count_line));
      read_atom_line(frame, cols, expected_columns, z_column, line, r);
    }
    if (frame.symbols.empty()) {
      frame.numbers = z_column;
      for (int z : z_column) frame.symbols.push_back(element_symbol(z));
    }
    frames.push_back(std::move(frame));
  }
  if (in.bad()) throw Error(label + ": read error");
  return frames;
}

std::vector<Frame> read_extxyz(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw Error("extxyz file '" + path + "' does not exist");
  if (!fs::is_regular_file(status)) throw Error("extxyz file '" + path + "' is not a regular file");
  std::ifstream in(path);
  if (!in) throw Error("extxyz file '" + path + "' cannot be read (open failed)");
  return read_extxyz(in, path);
}

}  // namespace equinet::io
