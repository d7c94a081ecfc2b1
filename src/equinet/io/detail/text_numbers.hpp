// Locale-independent, exact number <-> text conversions for the text formats.
#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace equinet::io::detail {

// Whole-token parses (a leading '+' is accepted, as Python's int/float do).
inline bool parse_int(std::string_view s, int64_t& out) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

inline bool parse_real(std::string_view s, double& out) {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') s.remove_prefix(1);
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && !s.empty();
}

// Shortest text that reads back as the same double; always looks like a
// real ("1.0", not "1"), so that a reader does not take it for an integer.
inline std::string format_real(double x) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), x);
  std::string s(buf, end);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // 'n': inf, nan
  return s;
}

inline std::string format_int(int64_t i) { return std::to_string(i); }

}  // namespace equinet::io::detail
