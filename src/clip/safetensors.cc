#include "clip/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "common/error.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors data is little-endian; the reader copies it as is");

namespace mmctr::clip {
namespace {

bool parse_dtype(const std::string& text, Dtype& dtype) {
  if (text == "F32") dtype = Dtype::F32;
  else if (text == "F16") dtype = Dtype::F16;
  else if (text == "BF16") dtype = Dtype::BF16;
  else if (text == "I64") dtype = Dtype::I64;  // buffers such as position_ids
  else return false;
  return true;
}

// IEEE half to float, including subnormals, infinities and NaN.
float half_to_float(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  uint32_t bits;
  if (exponent == 0x1f) {
    bits = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) {
    bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) {
    bits = sign;
  } else {  // subnormal: normalise the mantissa
    int shift = 0;
    while ((mantissa & 0x400) == 0) {
      mantissa <<= 1;
      ++shift;
    }
    mantissa &= 0x3ff;
    bits = sign | (static_cast<uint32_t>(113 - shift) << 23) | (mantissa << 13);
  }
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// One header entry: {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}.
TensorInfo parse_entry(const std::string& path, const std::string& name, const nlohmann::json& entry) {
  auto bad = [&](const std::string& what) {
    fail("{}: tensor '{}' in the safetensors header: {}", path, name, what);
  };
  if (!entry.is_object()) bad("expected an object with dtype, shape and data_offsets");
  for (const char* key : {"dtype", "shape", "data_offsets"})
    if (!entry.contains(key)) bad(fmt::format("missing '{}'", key));
  TensorInfo info;
  info.name = name;
  const auto& dtype = entry["dtype"];
  if (!dtype.is_string()) bad("'dtype' is not a string");
  if (!parse_dtype(dtype.get<std::string>(), info.dtype))
    bad(fmt::format("unsupported dtype '{}' (supported: F32, F16, BF16, and I64 for buffers)",
                    dtype.get<std::string>()));
  const auto& shape = entry["shape"];
  if (!shape.is_array()) bad("'shape' is not an array");
  int64_t numel = 1;
  for (const auto& dim : shape) {
    if (!dim.is_number_unsigned()) bad(fmt::format("shape {} holds a non-integer or negative size", shape.dump()));
    uint64_t d = dim.get<uint64_t>();
    if (d > 0 && static_cast<uint64_t>(numel) > (uint64_t{1} << 48) / d)
      bad(fmt::format("shape {} is implausibly large", shape.dump()));
    numel *= static_cast<int64_t>(d);
    info.shape.push_back(static_cast<int64_t>(d));
  }
  const auto& offsets = entry["data_offsets"];
  if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
      !offsets[1].is_number_unsigned())
    bad(fmt::format("'data_offsets' {} is not [begin, end] with non-negative integers", offsets.dump()));
  info.begin = offsets[0].get<uint64_t>();
  info.end = offsets[1].get<uint64_t>();
  if (info.end < info.begin) bad(fmt::format("data_offsets [{}, {}] end before begin", info.begin, info.end));
  uint64_t needed = static_cast<uint64_t>(numel) * dtype_size(info.dtype);
  if (info.end - info.begin != needed)
    bad(fmt::format("data_offsets [{}, {}] hold {} bytes but shape {} of {} needs {} bytes", info.begin,
                    info.end, info.end - info.begin, shape_string(info.shape), dtype_name(info.dtype), needed));
  return info;
}

}  // namespace

const char* dtype_name(Dtype dtype) {
  switch (dtype) {
    case Dtype::F32: return "F32";
    case Dtype::F16: return "F16";
    case Dtype::BF16: return "BF16";
    case Dtype::I64: return "I64";
  }
  return "?";
}

size_t dtype_size(Dtype dtype) {
  switch (dtype) {
    case Dtype::F32: return 4;
    case Dtype::F16: return 2;
    case Dtype::BF16: return 2;
    case Dtype::I64: return 8;
  }
  return 0;
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("{}: cannot open safetensors file: {}", path, std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail("{}: not a regular file", path);
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (size < 8) {
    ::close(fd);
    fail("{}: truncated safetensors file: {} bytes, shorter than the 8-byte header length", path, size);
  }
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) fail("{}: cannot map the file: {}", path, std::strerror(errno));
  map_ = static_cast<const uint8_t*>(map);
  map_size_ = size;

  // From here on the destructor does not run if we throw, so unmap on failure by hand.
  try {
    uint64_t header_length;
    std::memcpy(&header_length, map_, 8);
    if (header_length > size - 8)
      fail("{}: safetensors header length {} runs past the end of the file ({} bytes; truncated or not a "
           "safetensors file)", path, header_length, size);
    data_ = map_ + 8 + header_length;
    uint64_t data_size = size - 8 - header_length;

    nlohmann::json header;
    try {
      header = nlohmann::json::parse(map_ + 8, map_ + 8 + header_length);
    } catch (const nlohmann::json::parse_error& e) {
      fail("{}: safetensors header is not valid JSON: {}", path, e.what());
    }
    if (!header.is_object()) fail("{}: safetensors header is not a JSON object", path);
    for (auto it = header.begin(); it != header.end(); ++it) {
      if (it.key() == "__metadata__") continue;
      tensors_.push_back(parse_entry(path, it.key(), it.value()));
    }

    std::vector<const TensorInfo*> by_offset;
    for (const auto& t : tensors_) {
      if (t.end > data_size)
        fail("{}: tensor '{}' data_offsets [{}, {}] lie outside the data section ({} bytes; file truncated?)",
             path, t.name, t.begin, t.end, data_size);
      if (t.end > t.begin) by_offset.push_back(&t);
    }
    std::sort(by_offset.begin(), by_offset.end(),
              [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
    for (size_t i = 1; i < by_offset.size(); ++i)
      if (by_offset[i]->begin < by_offset[i - 1]->end)
        fail("{}: tensors '{}' [{}, {}] and '{}' [{}, {}] overlap", path, by_offset[i - 1]->name,
             by_offset[i - 1]->begin, by_offset[i - 1]->end, by_offset[i]->name, by_offset[i]->begin,
             by_offset[i]->end);
  } catch (...) {
    ::munmap(const_cast<uint8_t*>(map_), map_size_);
    throw;
  }
}

SafetensorsFile::~SafetensorsFile() { ::munmap(const_cast<uint8_t*>(map_), map_size_); }

const TensorInfo* SafetensorsFile::find(const std::string& name) const {
  auto it = std::lower_bound(tensors_.begin(), tensors_.end(), name,
                             [](const TensorInfo& t, const std::string& n) { return t.name < n; });
  return it != tensors_.end() && it->name == name ? &*it : nullptr;
}

void SafetensorsFile::read_float(const TensorInfo& tensor, float* out) const {
  const uint8_t* src = data_ + tensor.begin;
  int64_t n = tensor.numel();
  // memcpy per element: the data section need not be aligned for the element type.
  switch (tensor.dtype) {
    case Dtype::F32:
      std::memcpy(out, src, static_cast<size_t>(n) * 4);
      break;
    case Dtype::F16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        out[i] = half_to_float(h);
      }
      break;
    case Dtype::BF16:
      for (int64_t i = 0; i < n; ++i) {
        uint16_t h;
        std::memcpy(&h, src + 2 * i, 2);
        uint32_t bits = static_cast<uint32_t>(h) << 16;
        std::memcpy(out + i, &bits, 4);
      }
      break;
    case Dtype::I64:
      for (int64_t i = 0; i < n; ++i) {
        int64_t v;
        std::memcpy(&v, src + 8 * i, 8);
        out[i] = static_cast<float>(v);
      }
      break;
  }
}

std::vector<float> SafetensorsFile::read_float(const std::string& name) const {
  const TensorInfo* tensor = find(name);
  MMCTR_CHECK(tensor != nullptr, "{}: no tensor named '{}'", path_, name);
  std::vector<float> values(static_cast<size_t>(tensor->numel()));
  read_float(*tensor, values.data());
  return values;
}

}  // namespace mmctr::clip
