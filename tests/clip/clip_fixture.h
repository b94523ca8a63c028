// Shared by the clip tests: paths into shared/fixtures/tiny-clip, its expected.json, temp folders,
// and a writer for small safetensors files (valid or deliberately broken).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mmctr::clip::testing {

inline std::string tiny_clip_dir() { return std::string(MMCTR_SHARED_DIR) + "/fixtures/tiny-clip"; }
inline std::string tiny_model_dir() { return tiny_clip_dir() + "/tiny-clip-vit"; }
inline std::string tiny_posids_model_dir() { return tiny_clip_dir() + "/tiny-clip-vit-posids"; }

inline const nlohmann::json& expected() {
  static const nlohmann::json json = [] {
    std::ifstream in(tiny_clip_dir() + "/expected.json");
    return nlohmann::json::parse(in);
  }();
  return json;
}

// Names of the fixture's images ("astronaut.png", ...), in expected.json order.
inline std::vector<std::string> image_names() {
  std::vector<std::string> names;
  for (auto it = expected()["images"].begin(); it != expected()["images"].end(); ++it)
    names.push_back(it.key().substr(std::strlen("images/")));
  return names;
}

// The float64 reference embedding (L2-normalised) of one fixture image.
inline std::vector<double> expected_embedding(const std::string& image_name) {
  return expected()["images"]["images/" + image_name]["float64"]["image_embeds_normalized"]
      .get<std::vector<double>>();
}

inline std::vector<uint8_t> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

inline void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// A fresh folder under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    path_ = (std::filesystem::temp_directory_path() /
             ("mmctr_clip_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++)))
                .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  std::string path_;
};

// A safetensors file: an explicit header (so tests can break it) and a data section.
inline std::vector<uint8_t> safetensors_bytes(const std::string& header, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> bytes(8);
  uint64_t length = header.size();
  std::memcpy(bytes.data(), &length, 8);
  bytes.insert(bytes.end(), header.begin(), header.end());
  bytes.insert(bytes.end(), data.begin(), data.end());
  return bytes;
}

struct RawTensor {
  std::string dtype;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

// Lays the tensors out back to back, in name order, and writes a well-formed file.
inline void write_safetensors(const std::string& path, const std::map<std::string, RawTensor>& tensors) {
  nlohmann::json header = nlohmann::json::object();
  header["__metadata__"] = {{"format", "pt"}};
  std::vector<uint8_t> data;
  for (const auto& [name, t] : tensors) {
    header[name] = {{"dtype", t.dtype}, {"shape", t.shape}, {"data_offsets", {data.size(), data.size() + t.bytes.size()}}};
    data.insert(data.end(), t.bytes.begin(), t.bytes.end());
  }
  write_bytes(path, safetensors_bytes(header.dump(), data));
}

template <typename T>
std::vector<uint8_t> as_bytes(const std::vector<T>& values) {
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

// The tensors of a well-formed file, read independently of the reader under test.
inline std::map<std::string, RawTensor> read_raw_safetensors(const std::string& path) {
  std::vector<uint8_t> bytes = read_bytes(path);
  uint64_t length;
  std::memcpy(&length, bytes.data(), 8);
  auto header = nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<int64_t>(length));
  const uint8_t* data = bytes.data() + 8 + length;
  std::map<std::string, RawTensor> tensors;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") continue;
    auto offsets = it.value()["data_offsets"].get<std::vector<uint64_t>>();
    tensors[it.key()] = RawTensor{it.value()["dtype"].get<std::string>(), it.value()["shape"].get<std::vector<int64_t>>(),
                                  std::vector<uint8_t>(data + offsets[0], data + offsets[1])};
  }
  return tensors;
}

}  // namespace mmctr::clip::testing
