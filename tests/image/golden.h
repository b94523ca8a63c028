// Shared helpers for the image tests: the committed golden data written by
// scripts/gen_resize_golden.py (Debian's Pillow) and the synthetic pattern it resizes.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include "image/image.h"

namespace mmctr::image::testing {

inline std::filesystem::path golden_dir() {
  return std::filesystem::path(MMCTR_SOURCE_DIR) / "tests" / "image" / "data";
}

inline std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot open " + path.string());
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

inline nlohmann::json golden_index() {
  std::ifstream file(golden_dir() / "golden.json");
  if (!file) throw std::runtime_error("cannot open golden.json: run scripts/gen_resize_golden.py");
  return nlohmann::json::parse(file);
}

// The same image as pattern() in scripts/gen_resize_golden.py: wrapping gradients plus hash noise.
inline Image pattern(int width, int height) {
  Image image;
  image.width = width;
  image.height = height;
  image.rgb.resize(static_cast<size_t>(width) * height * 3);
  size_t i = 0;
  for (uint64_t y = 0; y < static_cast<uint64_t>(height); ++y) {
    for (uint64_t x = 0; x < static_cast<uint64_t>(width); ++x) {
      for (uint64_t c = 0; c < 3; ++c) {
        const uint64_t noise = ((x * 73856093u) & 0xFFFFFFFFu) ^ ((y * 19349663u) & 0xFFFFFFFFu) ^
                               ((c * 83492791u) & 0xFFFFFFFFu);
        const uint64_t value = x * x + 3 * y * y + 7 * x * y + 50 * c + noise % 61;
        image.rgb[i++] = static_cast<uint8_t>(value % 256);
      }
    }
  }
  return image;
}

// Number of bytes that differ, and the largest difference, for a readable failure message.
struct Difference {
  size_t count = 0;
  int largest = 0;
};

inline Difference compare(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  Difference d;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const int diff = a[i] > b[i] ? a[i] - b[i] : b[i] - a[i];
    d.count += diff != 0;
    d.largest = diff > d.largest ? diff : d.largest;
  }
  return d;
}

}  // namespace mmctr::image::testing
