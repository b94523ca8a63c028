// A reader for the safetensors format (Hugging Face checkpoints): an 8-byte little-endian header
// length, a JSON header mapping each tensor name to {dtype, shape, data_offsets}, then raw data.
// The file is memory-mapped and checked as a whole on open, so a bad file fails before any tensor
// is used. No torch here: callers convert to whatever tensor type they need.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mmctr::clip {

enum class Dtype { F32, F16, BF16, I64 };

const char* dtype_name(Dtype dtype);
size_t dtype_size(Dtype dtype);

struct TensorInfo {
  std::string name;
  Dtype dtype = Dtype::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0, end = 0;  // byte range inside the data section (after the header)

  int64_t numel() const;
};

std::string shape_string(const std::vector<int64_t>& shape);

class SafetensorsFile {
 public:
  // Maps and validates the file. InputError (naming the file) for: a file shorter than 8 bytes, a
  // header length past the end of the file, JSON that does not parse or is not the expected
  // layout, an unsupported dtype, a byte range out of the data section or overlapping another,
  // a byte range whose size differs from shape x dtype size.
  explicit SafetensorsFile(const std::string& path);
  ~SafetensorsFile();
  SafetensorsFile(const SafetensorsFile&) = delete;
  SafetensorsFile& operator=(const SafetensorsFile&) = delete;

  const std::string& path() const { return path_; }
  // In name order ("__metadata__" is not a tensor and not listed).
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  // nullptr if the file has no tensor of that name.
  const TensorInfo* find(const std::string& name) const;

  // Converts the tensor's values to float32 into out[0 .. numel).
  void read_float(const TensorInfo& tensor, float* out) const;
  std::vector<float> read_float(const std::string& name) const;

 private:
  std::string path_;
  const uint8_t* map_ = nullptr;
  size_t map_size_ = 0;
  const uint8_t* data_ = nullptr;  // start of the data section inside the mapping
  std::vector<TensorInfo> tensors_;
};

}  // namespace mmctr::clip
