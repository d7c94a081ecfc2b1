#include "equinet/io/safetensors.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "equinet/error.hpp"

namespace equinet::io {
namespace {

using nlohmann::json;

struct DTypeInfo {
  DType dtype;
  const char* name;
  std::size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8},   {DType::F32, "F32", 4}, {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},   {DType::I8, "I8", 1},   {DType::U8, "U8", 1},
    {DType::BOOL, "BOOL", 1},
};

const DTypeInfo& dtype_info(DType dtype) {
  for (const auto& info : kDTypes)
    if (info.dtype == dtype) return info;
  throw Error("safetensors: invalid DType value " + std::to_string(static_cast<int>(dtype)));
}

bool parse_dtype(const std::string& name, DType& dtype) {
  for (const auto& info : kDTypes)
    if (name == info.name) {
      dtype = info.dtype;
      return true;
    }
  return false;
}

bool is_floating(DType d) {
  return d == DType::F64 || d == DType::F32 || d == DType::F16 || d == DType::BF16;
}

// Reads element i of type T from possibly unaligned little-endian storage
// (this code assumes a little-endian host, checked below).
template <typename T>
T load(const uint8_t* data, std::size_t i) {
  T value;
  std::memcpy(&value, data + i * sizeof(T), sizeof(T));
  return value;
}

double half_to_double(uint16_t h) {
  const int sign = (h >> 15) ? -1 : 1;
  const int exponent = (h >> 10) & 0x1f;
  const int mantissa = h & 0x3ff;
  if (exponent == 0) return sign * std::ldexp(mantissa, -24);  // zero or subnormal
  if (exponent == 31)
    return mantissa ? std::numeric_limits<double>::quiet_NaN()
                    : sign * std::numeric_limits<double>::infinity();
  return sign * std::ldexp(mantissa + 1024, exponent - 25);
}

double bfloat16_to_double(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

bool host_is_little_endian() {
  const uint16_t one = 1;
  uint8_t first;
  std::memcpy(&first, &one, 1);
  return first == 1;
}

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

}  // namespace

std::size_t dtype_size(DType dtype) { return dtype_info(dtype).size; }
const char* dtype_name(DType dtype) { return dtype_info(dtype).name; }

int64_t TensorView::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string shape_to_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

// ---------------------------------------------------------------- reading

SafetensorsFile SafetensorsFile::open(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (!fs::exists(status)) throw Error("safetensors file " + in_quotes(path) + " does not exist");
  if (!fs::is_regular_file(status))
    throw Error("safetensors file " + in_quotes(path) + " is not a regular file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("safetensors file " + in_quotes(path) + " cannot be read (open failed)");
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  if (in.bad()) throw Error("safetensors file " + in_quotes(path) + " cannot be read (I/O error)");
  return from_bytes(std::move(bytes), path);
}

void SafetensorsFile::fail(const std::string& key, const std::string& what) const {
  std::string msg = "safetensors file " + in_quotes(label_);
  if (!key.empty()) msg += ": tensor " + in_quotes(key);
  throw Error(msg + ": " + what);
}

SafetensorsFile SafetensorsFile::from_bytes(std::vector<uint8_t> bytes, std::string label) {
  if (!host_is_little_endian())
    throw Error("safetensors: big-endian hosts are not supported (reading " + in_quotes(label) +
                ")");
  SafetensorsFile f;
  f.label_ = std::move(label);
  const auto shared = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  f.bytes_ = shared;
  const std::vector<uint8_t>& b = *shared;

  if (b.size() < 8)
    f.fail("", "file too small (" + std::to_string(b.size()) +
                   " bytes) to hold the 8-byte header length");
  const uint64_t header_len = load<uint64_t>(b.data(), 0);
  if (header_len > b.size() - 8)
    f.fail("", "header length " + std::to_string(header_len) + " exceeds the " +
                   std::to_string(b.size() - 8) + " bytes after the length field");
  const uint8_t* data_begin = b.data() + 8 + header_len;
  const uint64_t data_size = b.size() - 8 - header_len;

  // Parse the header, rejecting duplicate top-level keys (nlohmann would keep
  // the last one silently).
  json header;
  std::string duplicate;
  {
    std::set<std::string> seen;
    auto callback = [&](int depth, json::parse_event_t event, json& parsed) {
      if (event == json::parse_event_t::key && depth == 1 && parsed.is_string()) {
        if (!seen.insert(parsed.get<std::string>()).second && duplicate.empty())
          duplicate = parsed.get<std::string>();
      }
      return true;
    };
    try {
      header = json::parse(b.begin() + 8, b.begin() + 8 + header_len, callback);
    } catch (const json::exception& e) {
      f.fail("", std::string("header is not valid JSON: ") + e.what());
    }
  }
  if (!header.is_object()) f.fail("", "header is not a JSON object");
  if (!duplicate.empty()) f.fail(duplicate, "key appears twice in the header");

  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& key = it.key();
    const json& entry = it.value();
    if (key == "__metadata__") {
      if (!entry.is_object()) f.fail("", "__metadata__ is not a JSON object");
      for (auto m = entry.begin(); m != entry.end(); ++m) {
        if (!m.value().is_string())
          f.fail("", "__metadata__ value of " + in_quotes(m.key()) + " is not a string");
        f.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    if (key.empty()) f.fail(key, "empty tensor name");
    if (!entry.is_object()) f.fail(key, "entry is not a JSON object");
    for (const char* field : {"dtype", "shape", "data_offsets"})
      if (!entry.contains(field)) f.fail(key, std::string("missing '") + field + "'");

    TensorView t;
    t.name = key;
    const json& dtype = entry["dtype"];
    if (!dtype.is_string()) f.fail(key, "'dtype' is not a string");
    if (!parse_dtype(dtype.get<std::string>(), t.dtype))
      f.fail(key, "unknown dtype " + in_quotes(dtype.get<std::string>()));

    const json& shape = entry["shape"];
    if (!shape.is_array()) f.fail(key, "'shape' is not an array");
    uint64_t numel = 1;
    bool numel_overflow = false;
    for (const json& d : shape) {
      if (!d.is_number_integer()) f.fail(key, "'shape' has a non-integer entry " + d.dump());
      if (d.is_number_unsigned() ? d.get<uint64_t>() > uint64_t(INT64_MAX) : false)
        f.fail(key, "'shape' entry " + d.dump() + " is too large");
      const int64_t dim = d.get<int64_t>();
      if (dim < 0) f.fail(key, "'shape' has a negative dimension " + std::to_string(dim));
      t.shape.push_back(dim);
      numel_overflow |= __builtin_mul_overflow(numel, uint64_t(dim), &numel);
    }

    const json& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned())
      f.fail(key, "'data_offsets' is not a pair of non-negative integers: " + offsets.dump());
    const uint64_t begin = offsets[0].get<uint64_t>();
    const uint64_t end = offsets[1].get<uint64_t>();
    if (end < begin)
      f.fail(key, "data_offsets end " + std::to_string(end) + " is before begin " +
                      std::to_string(begin));
    if (end > data_size)
      f.fail(key, "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                      "] go beyond the data section of " + std::to_string(data_size) + " bytes");
    uint64_t expected = 0;
    if (numel_overflow || __builtin_mul_overflow(numel, dtype_size(t.dtype), &expected))
      f.fail(key, "shape " + shape_to_string(t.shape) + " is too large");
    if (expected != end - begin)
      f.fail(key, "byte size " + std::to_string(end - begin) + " does not match shape " +
                      shape_to_string(t.shape) + " of " + dtype_name(t.dtype) + " (" +
                      std::to_string(expected) + " bytes)");
    t.data = data_begin + begin;
    t.nbytes = static_cast<std::size_t>(end - begin);
    f.tensors_.push_back(std::move(t));
  }

  // Order by offset (ties: empty tensors first, then by name) and reject overlaps. Gaps
  // are tolerated: they are harmless and some writers align tensors.
  std::sort(f.tensors_.begin(), f.tensors_.end(), [&](const TensorView& a, const TensorView& c) {
    if (a.data != c.data) return a.data < c.data;
    if (a.nbytes != c.nbytes) return a.nbytes < c.nbytes;
    return a.name < c.name;  // deterministic order for empty tensors
  });
  for (std::size_t i = 1; i < f.tensors_.size(); ++i) {
    const TensorView& prev = f.tensors_[i - 1];
    const TensorView& cur = f.tensors_[i];
    if (cur.data < prev.data + prev.nbytes)
      f.fail(cur.name, "data overlaps tensor " + in_quotes(prev.name));
  }
  for (std::size_t i = 0; i < f.tensors_.size(); ++i) f.index_[f.tensors_[i].name] = i;
  return f;
}

bool SafetensorsFile::contains(const std::string& key) const { return index_.count(key) > 0; }

const TensorView& SafetensorsFile::tensor(const std::string& key) const {
  const auto it = index_.find(key);
  if (it == index_.end()) fail(key, "not found in the file");
  return tensors_[it->second];
}

std::vector<std::string> SafetensorsFile::keys() const {
  std::vector<std::string> out;
  out.reserve(tensors_.size());
  for (const auto& t : tensors_) out.push_back(t.name);
  return out;
}

const std::string& SafetensorsFile::metadata_value(const std::string& key) const {
  const auto it = metadata_.find(key);
  if (it == metadata_.end())
    throw Error("safetensors file " + in_quotes(label_) + ": __metadata__ has no key " +
                in_quotes(key));
  return it->second;
}

const std::vector<uint8_t>& SafetensorsFile::bytes() const {
  static const std::vector<uint8_t> empty;
  return bytes_ ? *bytes_ : empty;
}

void SafetensorsFile::check_shape(const TensorView& t, const std::vector<int64_t>& expected) const {
  if (t.shape != expected)
    fail(t.name,
         "has shape " + shape_to_string(t.shape) + ", expected " + shape_to_string(expected));
}

std::vector<double> SafetensorsFile::read_f64(const std::string& key) const {
  const TensorView& t = tensor(key);
  const std::size_t n = static_cast<std::size_t>(t.numel());
  std::vector<double> out(n);
  switch (t.dtype) {
    case DType::F64:
      if (n) std::memcpy(out.data(), t.data, n * sizeof(double));
      break;
    case DType::F32:
      for (std::size_t i = 0; i < n; ++i) out[i] = load<float>(t.data, i);
      break;
    case DType::F16:
      for (std::size_t i = 0; i < n; ++i) out[i] = half_to_double(load<uint16_t>(t.data, i));
      break;
    case DType::BF16:
      for (std::size_t i = 0; i < n; ++i) out[i] = bfloat16_to_double(load<uint16_t>(t.data, i));
      break;
    default:
      fail(key, std::string("has dtype ") + dtype_name(t.dtype) +
                    ", expected a floating-point dtype (F64, F32, F16, BF16)");
  }
  return out;
}

std::vector<double> SafetensorsFile::read_f64(const std::string& key,
                                              const std::vector<int64_t>& expected_shape) const {
  const TensorView& t = tensor(key);
  if (is_floating(t.dtype)) check_shape(t, expected_shape);
  return read_f64(key);  // reports a wrong dtype first
}

std::vector<int64_t> SafetensorsFile::read_i64(const std::string& key) const {
  const TensorView& t = tensor(key);
  const std::size_t n = static_cast<std::size_t>(t.numel());
  std::vector<int64_t> out(n);
  switch (t.dtype) {
    case DType::I64:
      if (n) std::memcpy(out.data(), t.data, n * sizeof(int64_t));
      break;
    case DType::I32:
      for (std::size_t i = 0; i < n; ++i) out[i] = load<int32_t>(t.data, i);
      break;
    case DType::I16:
      for (std::size_t i = 0; i < n; ++i) out[i] = load<int16_t>(t.data, i);
      break;
    case DType::I8:
      for (std::size_t i = 0; i < n; ++i) out[i] = load<int8_t>(t.data, i);
      break;
    case DType::U8:
      for (std::size_t i = 0; i < n; ++i) out[i] = load<uint8_t>(t.data, i);
      break;
    case DType::BOOL:
      for (std::size_t i = 0; i < n; ++i) {
        out[i] = load<uint8_t>(t.data, i);
        if (out[i] > 1)
          fail(key, "BOOL element " + std::to_string(i) + " has byte value " +
                        std::to_string(out[i]) + " (must be 0 or 1)");
      }
      break;
    default:
      fail(key,
           std::string("has dtype ") + dtype_name(t.dtype) + ", expected an integer or BOOL dtype");
  }
  return out;
}

std::vector<int64_t> SafetensorsFile::read_i64(const std::string& key,
                                               const std::vector<int64_t>& expected_shape) const {
  const TensorView& t = tensor(key);
  if (!is_floating(t.dtype)) check_shape(t, expected_shape);
  return read_i64(key);
}

const TensorView& SafetensorsFile::scalar(const std::string& key) const {
  const TensorView& t = tensor(key);
  if (!(t.shape.empty() || (t.shape.size() == 1 && t.shape[0] == 1)))
    fail(key, "has shape " + shape_to_string(t.shape) + ", expected a scalar ([] or [1])");
  return t;
}

double SafetensorsFile::read_scalar_f64(const std::string& key) const {
  scalar(key);
  return read_f64(key)[0];
}

int64_t SafetensorsFile::read_scalar_int(const std::string& key) const {
  scalar(key);
  return read_i64(key)[0];
}

bool SafetensorsFile::read_bool(const std::string& key) const {
  const TensorView& t = scalar(key);
  if (t.dtype != DType::BOOL)
    fail(key, std::string("has dtype ") + dtype_name(t.dtype) + ", expected BOOL");
  return read_i64(key)[0] != 0;
}

// ---------------------------------------------------------------- writing

namespace {

template <typename T>
TensorData make_tensor(DType dtype, std::vector<int64_t> shape, const std::vector<T>& values) {
  TensorData t;
  t.dtype = dtype;
  t.shape = std::move(shape);
  t.bytes.resize(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

}  // namespace

TensorData TensorData::f64(std::vector<int64_t> shape, const std::vector<double>& values) {
  return make_tensor(DType::F64, std::move(shape), values);
}
TensorData TensorData::f32(std::vector<int64_t> shape, const std::vector<float>& values) {
  return make_tensor(DType::F32, std::move(shape), values);
}
TensorData TensorData::i64(std::vector<int64_t> shape, const std::vector<int64_t>& values) {
  return make_tensor(DType::I64, std::move(shape), values);
}
TensorData TensorData::i32(std::vector<int64_t> shape, const std::vector<int32_t>& values) {
  return make_tensor(DType::I32, std::move(shape), values);
}
TensorData TensorData::boolean(std::vector<int64_t> shape, const std::vector<bool>& values) {
  std::vector<uint8_t> bytes(values.begin(), values.end());
  return make_tensor(DType::BOOL, std::move(shape), bytes);
}

std::vector<uint8_t> serialize_safetensors(const std::map<std::string, TensorData>& tensors,
                                           const std::map<std::string, std::string>& metadata) {
  json header = json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& [name, t] : tensors) {
    if (name.empty() || name == "__metadata__")
      throw Error("write_safetensors: invalid tensor name " + in_quotes(name));
    uint64_t numel = 1;
    for (int64_t d : t.shape) {
      if (d < 0)
        throw Error("write_safetensors: tensor " + in_quotes(name) + " has negative shape " +
                    shape_to_string(t.shape));
      numel *= static_cast<uint64_t>(d);
    }
    if (numel * dtype_size(t.dtype) != t.bytes.size())
      throw Error("write_safetensors: tensor " + in_quotes(name) + " has " +
                  std::to_string(t.bytes.size()) + " bytes but shape " + shape_to_string(t.shape) +
                  " of " + dtype_name(t.dtype) + " needs " +
                  std::to_string(numel * dtype_size(t.dtype)));
    header[name] = {{"dtype", dtype_name(t.dtype)},
                    {"shape", t.shape},
                    {"data_offsets", {offset, offset + t.bytes.size()}}};
    offset += t.bytes.size();
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // align the data section to 8 bytes

  std::vector<uint8_t> out(8 + text.size() + offset);
  const uint64_t len = text.size();
  std::memcpy(out.data(), &len, 8);
  std::memcpy(out.data() + 8, text.data(), text.size());
  uint8_t* p = out.data() + 8 + text.size();
  for (const auto& [name, t] : tensors) {
    if (!t.bytes.empty()) std::memcpy(p, t.bytes.data(), t.bytes.size());
    p += t.bytes.size();
  }
  return out;
}

void write_safetensors(const std::string& path, const std::map<std::string, TensorData>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  const std::vector<uint8_t> bytes = serialize_safetensors(tensors, metadata);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error("write_safetensors: cannot open " + in_quotes(path) + " for writing");
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) throw Error("write_safetensors: error while writing " + in_quotes(path));
}

}  // namespace equinet::io
