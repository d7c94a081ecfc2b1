// InfoValue: construction and typed access.
#include "equinet/io/extxyz.hpp"
#include "equinet/error.hpp"

namespace equinet::io {

InfoValue InfoValue::boolean(bool b) { return {Kind::Bool, {b ? 1.0 : 0.0}, {}}; }
InfoValue InfoValue::integer(int64_t i) { return {Kind::Int, {static_cast<double>(i)}, {}}; }
InfoValue InfoValue::real(double x) { return {Kind::Real, {x}, {}}; }
InfoValue InfoValue::string(std::string s) { return {Kind::String, {}, std::move(s)}; }
InfoValue InfoValue::real_array(std::vector<double> v) {
  return {Kind::RealArray, std::move(v), {}};
}

InfoValue InfoValue::int_array(const std::vector<int64_t>& v) {
  return {Kind::IntArray, std::vector<double>(v.begin(), v.end()), {}};
}

InfoValue InfoValue::bool_array(const std::vector<bool>& v) {
  InfoValue out{Kind::BoolArray, {}, {}};
  for (bool b : v) out.values.push_back(b ? 1.0 : 0.0);
  return out;
}

bool InfoValue::is_array() const {
  return kind == Kind::BoolArray || kind == Kind::IntArray || kind == Kind::RealArray;
}

double InfoValue::as_real() const {
  if (kind == Kind::String || is_array() || values.size() != 1)
    throw Error("extxyz info value is not a single number" +
                (kind == Kind::String ? ": '" + text + "'" : std::string()));
  return values[0];
}

const std::vector<double>& InfoValue::as_array() const {
  if (kind == Kind::String) throw Error("extxyz info value '" + text + "' is not numeric");
  return values;
}

}  // namespace equinet::io
