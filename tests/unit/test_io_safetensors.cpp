// Tests of the safetensors reader/writer: a real MACE interchange file, round
// trips, and one case per defect the reader must reject.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "equinet/io/safetensors.hpp"
#include "equinet/potential.hpp"
#include "support/error_of.hpp"

namespace {

using equinet::Error;
using equinet::io::DType;
using equinet::io::SafetensorsFile;
using equinet::io::TensorData;

namespace fs = std::filesystem;

fs::path temp_path(const std::string& name) {
  // The pid keeps concurrent runs of this binary apart.
  return fs::temp_directory_path() /
         ("equinet_test_io_safetensors_" + std::to_string(getpid()) + "_" + name);
}

// Builds a file from a literal JSON header and `data_size` bytes of data.
std::vector<uint8_t> with_header(const std::string& header, std::size_t data_size) {
  std::vector<uint8_t> b(8 + header.size() + data_size, 0);
  const uint64_t len = header.size();
  std::memcpy(b.data(), &len, 8);
  std::memcpy(b.data() + 8, header.data(), header.size());
  return b;
}

// The message of the equinet::Error thrown by fn, or "" if none was thrown.
using equinet::testing::error_of;

// ---------------------------------------------------------------- real file

TEST(IoSafetensors, ReadsMaceInterchangeFile) {
  const std::string path = std::string(EQUINET_SHARED_DIR) + "/testdata/mace/small.safetensors";
  if (!fs::exists(path)) GTEST_SKIP() << path << " not present";
  const SafetensorsFile f = SafetensorsFile::open(path);
  EXPECT_EQ(f.path(), path);
  EXPECT_EQ(f.metadata_value("equinet.source"), "mace");
  EXPECT_TRUE(f.metadata().count("equinet.config"));
  EXPECT_EQ(f.size(), 77u);  // 78 header entries less __metadata__

  const std::string w3j = "interactions.1.conv_tp._compiled_main_left_right._w3j_1_2_1";
  ASSERT_TRUE(f.contains(w3j));
  const auto& t = f.tensor(w3j);
  EXPECT_EQ(t.dtype, DType::F64);
  EXPECT_EQ(t.shape, (std::vector<int64_t>{3, 5, 3}));
  EXPECT_EQ(t.numel(), 45);
  // A Wigner 3j block has Frobenius norm 1 and its (0,0,2) entry is 1/sqrt(10).
  const std::vector<double> w = f.read_f64(w3j, {3, 5, 3});
  double norm2 = 0;
  for (double x : w) norm2 += x * x;
  EXPECT_NEAR(norm2, 1.0, 1e-14);
  EXPECT_NEAR(w[2], 1.0 / std::sqrt(10.0), 1e-15);

  const auto& p = f.tensor("radial_embedding.cutoff_fn.p");
  EXPECT_EQ(p.dtype, DType::I32);
  EXPECT_TRUE(p.shape.empty());
  EXPECT_EQ(f.read_scalar_int("radial_embedding.cutoff_fn.p"), 5);
  EXPECT_EQ(f.read_scalar_f64("r_max"), 4.0);
  EXPECT_EQ(f.read_i64("atomic_numbers", {2}), (std::vector<int64_t>{1, 8}));

  // keys() follows the data offsets.
  const auto keys = f.keys();
  ASSERT_EQ(keys.size(), f.size());
  for (std::size_t i = 1; i < keys.size(); ++i)
    EXPECT_LE(f.tensor(keys[i - 1]).data, f.tensor(keys[i]).data);

  EXPECT_EQ(f.bytes().size(), fs::file_size(path));
}

// Every tensor of both interchange files reads through the typed accessors.
TEST(IoSafetensors, EveryTensorOfInterchangeFilesReads) {
  for (const std::string name : {"small", "periodic"}) {
    const std::string path =
        std::string(EQUINET_SHARED_DIR) + "/testdata/mace/" + name + ".safetensors";
    if (!fs::exists(path)) GTEST_SKIP() << path << " not present";
    SCOPED_TRACE(path);
    const SafetensorsFile f = SafetensorsFile::open(path);
    std::size_t data_bytes = 0;
    for (const auto& key : f.keys()) {
      const auto& t = f.tensor(key);
      data_bytes += t.nbytes;
      const bool floating = t.dtype == DType::F64 || t.dtype == DType::F32;
      const std::size_t n =
          floating ? f.read_f64(key, t.shape).size() : f.read_i64(key, t.shape).size();
      EXPECT_EQ(int64_t(n), t.numel()) << key;
      EXPECT_EQ(t.nbytes, n * equinet::io::dtype_size(t.dtype)) << key;
    }
    // The tensors tile the data section exactly (the exporter leaves no gaps).
    uint64_t header_len;
    std::memcpy(&header_len, f.bytes().data(), 8);
    EXPECT_EQ(8 + header_len + data_bytes, f.bytes().size());
  }
}

// ---------------------------------------------------------------- round trip

TEST(IoSafetensors, WriteReadRoundTrip) {
  const std::vector<double> d = {1.0, -0.0, 1e-310, std::numeric_limits<double>::max(),
                                 0.1, 3.0,  -2.5,   7.0};
  const std::vector<float> s = {1.5f, -2.25f, 3.0e-40f};
  std::map<std::string, TensorData> tensors;
  tensors["d"] = TensorData::f64({2, 4}, d);
  tensors["s"] = TensorData::f32({3}, s);
  tensors["i"] = TensorData::i64({}, {-42});
  tensors["j"] = TensorData::i32({2}, {7, -9});
  tensors["b"] = TensorData::boolean({}, {true});
  tensors["empty"] = TensorData::f64({0, 3}, {});
  const std::map<std::string, std::string> meta = {{"equinet.source", "equinet"},
                                                   {"note", "a \"quoted\" value"}};
  const auto path = temp_path("roundtrip.safetensors");
  equinet::io::write_safetensors(path.string(), tensors, meta);

  const SafetensorsFile f = SafetensorsFile::open(path.string());
  EXPECT_EQ(f.metadata(), meta);
  EXPECT_EQ(f.size(), tensors.size());
  const std::vector<double> d2 = f.read_f64("d", {2, 4});
  ASSERT_EQ(d2.size(), d.size());
  EXPECT_EQ(std::memcmp(d2.data(), d.data(), d.size() * sizeof(double)), 0);  // bitwise
  EXPECT_EQ(f.read_f64("s", {3}), (std::vector<double>{1.5, -2.25, double(3.0e-40f)}));
  EXPECT_EQ(f.read_scalar_int("i"), -42);
  EXPECT_EQ(f.read_i64("j", {2}), (std::vector<int64_t>{7, -9}));
  EXPECT_TRUE(f.read_bool("b"));
  EXPECT_TRUE(f.read_f64("empty", {0, 3}).empty());

  // The data section starts 8-byte aligned, and serialising again gives the
  // same bytes as the file.
  uint64_t header_len;
  std::memcpy(&header_len, f.bytes().data(), 8);
  EXPECT_EQ(header_len % 8, 0u);
  EXPECT_EQ(equinet::io::serialize_safetensors(tensors, meta), f.bytes());
  fs::remove(path);
}

TEST(IoSafetensors, HalfPrecisionConversionsAreExact) {
  auto u16 = [](std::vector<uint16_t> v, DType dt) {
    TensorData t;
    t.dtype = dt;
    t.shape = {int64_t(v.size())};
    t.bytes.resize(v.size() * 2);
    std::memcpy(t.bytes.data(), v.data(), t.bytes.size());
    return t;
  };
  const auto bytes = equinet::io::serialize_safetensors(
      {{"h", u16({0x3C00, 0xC000, 0x0001, 0x7BFF, 0xFC00, 0x3555}, DType::F16)},
       {"b", u16({0x3F80, 0xC049}, DType::BF16)}});
  const auto f = SafetensorsFile::from_bytes(bytes, "half");
  const auto h = f.read_f64("h", {6});
  EXPECT_EQ(h[0], 1.0);
  EXPECT_EQ(h[1], -2.0);
  EXPECT_EQ(h[2], std::ldexp(1.0, -24));  // smallest subnormal
  EXPECT_EQ(h[3], 65504.0);               // largest finite half
  EXPECT_EQ(h[4], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(h[5], 0x555 * std::ldexp(1.0, -12));  // 0.333251953125
  EXPECT_EQ(f.read_f64("b"), (std::vector<double>{1.0, -3.140625}));
}

// ---------------------------------------------------------------- typed access errors

class IoSafetensorsAccess : public ::testing::Test {
 protected:
  SafetensorsFile f = SafetensorsFile::from_bytes(
      equinet::io::serialize_safetensors({{"w", TensorData::f64({2, 3}, {1, 2, 3, 4, 5, 6})},
                                          {"n", TensorData::i64({2}, {1, 2})},
                                          {"flag", TensorData::i32({}, {1})}}),
      "model.st");
};

TEST_F(IoSafetensorsAccess, ErrorsNameFileAndKey) {
  struct Case {
    std::function<void()> fn;
    std::string key, fragment;
  };
  const std::vector<Case> cases = {
      {[&] { f.tensor("missing"); }, "missing", "not found"},
      {[&] {
         f.read_f64("w", {3, 2});
       },
       "w", "expected [3, 2]"},
      {[&] { f.read_f64("n", {2}); }, "n", "floating-point"},
      {[&] {
         f.read_i64("w", {2, 3});
       },
       "w", "integer"},
      {[&] { f.read_scalar_f64("w"); }, "w", "scalar"},
      {[&] { f.read_bool("flag"); }, "flag", "expected BOOL"},
      {[&] { f.metadata_value("equinet.source"); }, "equinet.source", "__metadata__"},
  };
  for (const auto& c : cases) {
    const std::string msg = error_of(c.fn);
    EXPECT_NE(msg.find("model.st"), std::string::npos) << msg;
    EXPECT_NE(msg.find("'" + c.key + "'"), std::string::npos) << msg;
    EXPECT_NE(msg.find(c.fragment), std::string::npos) << msg;
  }
}

TEST(IoSafetensors, BoolBytesMustBeZeroOrOne) {
  TensorData t = TensorData::boolean({2}, {true, false});
  t.bytes[1] = 2;
  const auto f = SafetensorsFile::from_bytes(equinet::io::serialize_safetensors({{"m", t}}), "x");
  const std::string msg = error_of([&] { f.read_i64("m"); });
  EXPECT_NE(msg.find("'m'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("0 or 1"), std::string::npos) << msg;
}

TEST(IoSafetensors, MissingFileNamesPath) {
  const auto path = temp_path("does_not_exist.safetensors");
  const std::string msg = error_of([&] { SafetensorsFile::open(path.string()); });
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
  EXPECT_NE(msg.find("does not exist"), std::string::npos) << msg;
  const std::string dir_msg =
      error_of([&] { SafetensorsFile::open(fs::temp_directory_path().string()); });
  EXPECT_NE(dir_msg.find("not a regular file"), std::string::npos) << dir_msg;
}

TEST(IoSafetensors, WriterRejectsInconsistentTensor) {
  TensorData t = TensorData::f64({3}, {1.0, 2.0});
  const std::string msg = error_of([&] { equinet::io::serialize_safetensors({{"w", t}}); });
  EXPECT_NE(msg.find("'w'"), std::string::npos) << msg;
  const std::string path_msg =
      error_of([&] { equinet::io::write_safetensors("/nonexistent-dir/x.safetensors", {}); });
  EXPECT_NE(path_msg.find("/nonexistent-dir/x.safetensors"), std::string::npos) << path_msg;
}

// ---------------------------------------------------------------- corrupt files

struct Corruption {
  std::string name;
  std::vector<uint8_t> bytes;
  std::string key;       // tensor key the message must name ("" for file-level defects)
  std::string fragment;  // part of the expected message
};

std::ostream& operator<<(std::ostream& os, const Corruption& c) { return os << c.name; }

std::vector<Corruption> corruptions() {
  const std::string ok_w = R"("w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]})";
  auto hdr = [](const std::string& body) { return "{" + body + "}"; };
  std::vector<Corruption> c;
  c.push_back({"too_small", {1, 2, 3}, "", "too small"});
  {
    auto b = with_header(hdr(ok_w), 16);
    const uint64_t len = 1000;
    std::memcpy(b.data(), &len, 8);
    c.push_back({"header_beyond_file", b, "", "header length 1000"});
  }
  c.push_back({"malformed_json", with_header(R"({"w": {"dtype": )", 16), "", "not valid JSON"});
  c.push_back({"header_not_object", with_header("[1, 2]", 0), "", "not a JSON object"});
  c.push_back({"entry_not_object", with_header(hdr(R"("w": 3)"), 0), "w", "not a JSON object"});
  c.push_back({"missing_dtype", with_header(hdr(R"("w":{"shape":[2],"data_offsets":[0,16]})"), 16),
               "w", "missing 'dtype'"});
  c.push_back({"missing_shape",
               with_header(hdr(R"("w":{"dtype":"F64","data_offsets":[0,16]})"), 16), "w",
               "missing 'shape'"});
  c.push_back({"missing_data_offsets", with_header(hdr(R"("w":{"dtype":"F64","shape":[2]})"), 16),
               "w", "missing 'data_offsets'"});
  c.push_back({"dtype_not_string",
               with_header(hdr(R"("w":{"dtype":8,"shape":[2],"data_offsets":[0,16]})"), 16), "w",
               "'dtype' is not a string"});
  c.push_back({"unknown_dtype",
               with_header(hdr(R"("w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]})"), 16),
               "w", "unknown dtype 'F128'"});
  c.push_back({"shape_not_array",
               with_header(hdr(R"("w":{"dtype":"F64","shape":2,"data_offsets":[0,16]})"), 16), "w",
               "'shape' is not an array"});
  c.push_back({"shape_not_integer",
               with_header(hdr(R"("w":{"dtype":"F64","shape":[2.0],"data_offsets":[0,16]})"), 16),
               "w", "non-integer"});
  c.push_back({"negative_shape",
               with_header(hdr(R"("w":{"dtype":"F64","shape":[-2],"data_offsets":[0,16]})"), 16),
               "w", "negative dimension -2"});
  c.push_back(
      {"shape_overflow",
       with_header(
           hdr(R"("w":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,16]})"),
           16),
       "w", "too large"});
  c.push_back({"offsets_not_pair",
               with_header(hdr(R"("w":{"dtype":"F64","shape":[2],"data_offsets":[16]})"), 16), "w",
               "data_offsets"});
  c.push_back({"offsets_negative",
               with_header(hdr(R"("w":{"dtype":"F64","shape":[2],"data_offsets":[-8,8]})"), 16),
               "w", "data_offsets"});
  c.push_back({"offsets_strings",
               with_header(hdr(R"("w":{"dtype":"F64","shape":[2],"data_offsets":["0","16"]})"), 16),
               "w", "data_offsets"});
  c.push_back({"end_before_begin",
               with_header(hdr(R"("w":{"dtype":"F64","shape":[0],"data_offsets":[16,8]})"), 16),
               "w", "before begin"});
  c.push_back({"beyond_data_section",
               with_header(hdr(R"("w":{"dtype":"F64","shape":[4],"data_offsets":[0,32]})"), 16),
               "w", "beyond the data section"});
  c.push_back(
      {"overlapping",
       with_header(hdr(ok_w + R"(,"v":{"dtype":"F64","shape":[2],"data_offsets":[8,24]})"), 24),
       "v", "overlaps tensor 'w'"});
  c.push_back({"byte_size_mismatch",
               with_header(hdr(R"("w":{"dtype":"F64","shape":[3],"data_offsets":[0,16]})"), 16),
               "w", "does not match shape [3]"});
  c.push_back({"metadata_not_object", with_header(hdr(R"("__metadata__":["a"],)" + ok_w), 16), "",
               "__metadata__ is not a JSON object"});
  c.push_back({"metadata_value_not_string",
               with_header(hdr(R"("__metadata__":{"equinet.source":1},)" + ok_w), 16),
               "equinet.source", "__metadata__ value of 'equinet.source' is not a string"});
  c.push_back({"duplicate_key", with_header(hdr(ok_w + "," + ok_w), 16), "w", "twice"});
  return c;
}

class IoSafetensorsCorrupt : public ::testing::TestWithParam<Corruption> {};

TEST_P(IoSafetensorsCorrupt, RejectedWithFileAndKey) {
  const Corruption& c = GetParam();
  // Through a real file, as a user would hit it.
  const auto path = temp_path(c.name + ".safetensors");
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(c.bytes.data()), std::streamsize(c.bytes.size()));
  }
  const std::string msg = error_of([&] { SafetensorsFile::open(path.string()); });
  fs::remove(path);
  ASSERT_FALSE(msg.empty()) << "no error for " << c.name;
  EXPECT_NE(msg.find(path.string()), std::string::npos) << msg;
  if (!c.key.empty()) {
    EXPECT_NE(msg.find("'" + c.key + "'"), std::string::npos) << msg;
  }
  EXPECT_NE(msg.find(c.fragment), std::string::npos) << msg;
  RecordProperty("message", msg);
  // And the same through from_bytes, with the label standing for the file.
  const std::string mem = error_of([&] { SafetensorsFile::from_bytes(c.bytes, "in-memory"); });
  EXPECT_NE(mem.find("'in-memory'"), std::string::npos) << mem;
}

INSTANTIATE_TEST_SUITE_P(AllDefects, IoSafetensorsCorrupt, ::testing::ValuesIn(corruptions()),
                         [](const auto& info) { return info.param.name; });

// The cases above differ from a valid file only in the defect: the same
// builder with no defect must load.
TEST(IoSafetensors, CorruptionBaselineIsValid) {
  const auto f = SafetensorsFile::from_bytes(
      with_header(
          R"({"__metadata__":{"a":"b"},"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]},)"
          R"("v":{"dtype":"F64","shape":[2],"data_offsets":[16,32]}})",
          32),
      "ok");
  EXPECT_EQ(f.keys(), (std::vector<std::string>{"w", "v"}));
  EXPECT_EQ(f.metadata_value("a"), "b");
}

}  // namespace
