// A validating reader and a writer for the safetensors container
// (https://github.com/huggingface/safetensors): an 8-byte little-endian header
// length N, N bytes of JSON header, then the raw little-endian tensor data.
//
// Every defect found while reading throws equinet::Error naming the file (or
// the label given to from_bytes) and, where there is one, the tensor key.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace equinet::io {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

// Bytes per element (BOOL is one byte).
std::size_t dtype_size(DType dtype);
// The header spelling: "F64", "BOOL", ...
const char* dtype_name(DType dtype);

// One tensor of an open file. `data` points into the file's bytes (possibly
// unaligned: copy with memcpy) and stays valid as long as any copy of the
// SafetensorsFile it came from is alive.
struct TensorView {
  std::string name;
  DType dtype = DType::F64;
  std::vector<int64_t> shape;  // empty for a scalar
  const uint8_t* data = nullptr;
  std::size_t nbytes = 0;
  int64_t numel() const;  // product of shape (1 for a scalar)
};

// Formats a shape as "[3, 5, 3]" (for error messages).
std::string shape_to_string(const std::vector<int64_t>& shape);

class SafetensorsFile {
 public:
  SafetensorsFile() = default;  // an empty file with no tensors

  // Reads the whole file and validates it.
  static SafetensorsFile open(const std::string& path);
  // Validates bytes already in memory; `label` stands for the file in errors.
  static SafetensorsFile from_bytes(std::vector<uint8_t> bytes, std::string label);

  const std::string& path() const { return label_; }  // the path or label
  bool contains(const std::string& key) const;
  const TensorView& tensor(const std::string& key) const;  // throws if missing
  std::vector<std::string> keys() const;                   // in data-offset order
  std::size_t size() const { return tensors_.size(); }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // A metadata value; throws naming the file and key if absent.
  const std::string& metadata_value(const std::string& key) const;
  const std::vector<uint8_t>& bytes() const;  // the raw file, e.g. for embedding

  // Typed copies with checks (dtype, shape, BOOL bytes 0/1); errors name file
  // and key. An empty expected_shape means a scalar.
  // Floating point (F64, F32, F16, BF16) -> double; all conversions are exact.
  std::vector<double> read_f64(const std::string& key,
                               const std::vector<int64_t>& expected_shape) const;
  std::vector<double> read_f64(const std::string& key) const;  // any shape
  // Integers and BOOL (I64, I32, I16, I8, U8, BOOL) -> int64.
  std::vector<int64_t> read_i64(const std::string& key,
                                const std::vector<int64_t>& expected_shape) const;
  std::vector<int64_t> read_i64(const std::string& key) const;  // any shape
  // Scalars: shape [] or [1].
  double read_scalar_f64(const std::string& key) const;
  int64_t read_scalar_int(const std::string& key) const;  // integer dtypes or BOOL
  bool read_bool(const std::string& key) const;           // BOOL only

 private:
  std::string label_;
  std::shared_ptr<const std::vector<uint8_t>> bytes_;
  std::vector<TensorView> tensors_;  // sorted by data offset
  std::unordered_map<std::string, std::size_t> index_;
  std::map<std::string, std::string> metadata_;

  const TensorView& scalar(const std::string& key) const;
  void check_shape(const TensorView& t, const std::vector<int64_t>& expected) const;
  [[noreturn]] void fail(const std::string& key, const std::string& what) const;
};

// A tensor to write: dtype, shape and its little-endian bytes.
struct TensorData {
  DType dtype = DType::F64;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;

  static TensorData f64(std::vector<int64_t> shape, const std::vector<double>& values);
  static TensorData f32(std::vector<int64_t> shape, const std::vector<float>& values);
  static TensorData i64(std::vector<int64_t> shape, const std::vector<int64_t>& values);
  static TensorData i32(std::vector<int64_t> shape, const std::vector<int32_t>& values);
  static TensorData boolean(std::vector<int64_t> shape, const std::vector<bool>& values);
};

// Serialises tensors (data in key order, header padded with spaces to a
// multiple of 8 bytes) and metadata. Throws equinet::Error if a tensor's byte
// size does not match its shape and dtype, or a key is empty or "__metadata__".
std::vector<uint8_t> serialize_safetensors(const std::map<std::string, TensorData>& tensors,
                                           const std::map<std::string, std::string>& metadata = {});
void write_safetensors(const std::string& path, const std::map<std::string, TensorData>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace equinet::io
