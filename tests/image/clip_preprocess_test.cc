// CLIP preprocessing against the tiny-clip fixture: pixels that an independent transcription of
// Hugging Face's CLIPImageProcessor (Pillow path) produced from real photographs.
#include "image/clip_preprocess.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "image/codec.h"

namespace mmctr::image {
namespace {

namespace fs = std::filesystem;

const fs::path kFixture = fs::path(MMCTR_SHARED_DIR) / "fixtures" / "tiny-clip";

std::vector<uint8_t> read_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  EXPECT_TRUE(file) << path;
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

std::vector<std::string> fixture_images() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(kFixture / "images")) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".jpg" || ext == ".png") names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Distance in units in the last place between two finite floats of the same sign region.
int64_t ulp_distance(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  const int64_t la = ia < 0 ? int64_t{INT32_MIN} - ia : ia;
  const int64_t lb = ib < 0 ? int64_t{INT32_MIN} - ib : ib;
  return la > lb ? la - lb : lb - la;
}

TEST(ClipPreprocess, FixtureHasAllFifteenImages) {
  EXPECT_EQ(fixture_images().size(), 15u);
}

TEST(ClipPreprocess, DecodeResizeCropMatchesReferencePixelsExactly) {
  for (const std::string& name : fixture_images()) {
    SCOPED_TRACE(name);
    const Image cropped = resize_and_crop(read_image((kFixture / "images" / name).string()), 224);
    ASSERT_EQ(cropped.width, 224);
    ASSERT_EQ(cropped.height, 224);
    const std::vector<uint8_t> expected = read_bytes(kFixture / "pixels" / (name + ".crop_u8"));
    ASSERT_EQ(expected.size(), cropped.rgb.size());
    size_t differing = 0;
    int worst = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
      const int diff = std::abs(int{expected[i]} - int{cropped.rgb[i]});
      differing += diff != 0;
      worst = std::max(worst, diff);
    }
    EXPECT_EQ(differing, 0u) << "max difference " << worst << " levels";
  }
}

TEST(ClipPreprocess, NormalizedChwMatchesReferenceFloatsExactly) {
  const ClipPreprocessConfig config;
  std::vector<float> out(3 * 224 * 224);
  for (const std::string& name : fixture_images()) {
    SCOPED_TRACE(name);
    // Start from the reference crop so that this test isolates rescale + normalise + layout.
    const std::vector<uint8_t> crop = read_bytes(kFixture / "pixels" / (name + ".crop_u8"));
    Image cropped{224, 224, crop};
    to_normalized_chw(cropped, config, out.data());
    const std::vector<uint8_t> raw = read_bytes(kFixture / "pixels" / (name + ".f32"));
    ASSERT_EQ(raw.size(), out.size() * sizeof(float));
    std::vector<float> expected(out.size());
    std::memcpy(expected.data(), raw.data(), raw.size());
    int64_t worst_ulp = 0;
    for (size_t i = 0; i < out.size(); ++i) worst_ulp = std::max(worst_ulp, ulp_distance(out[i], expected[i]));
    EXPECT_EQ(worst_ulp, 0) << "max distance in ulp";
  }
}

TEST(ClipPreprocess, ConcurrentCallsGiveTheSameBytes) {
  // The CLIP stage decodes and resizes on a thread pool: no shared state may leak between calls.
  const std::vector<std::string> names = fixture_images();
  std::vector<std::vector<uint8_t>> serial, parallel(names.size());
  for (const std::string& name : names)
    serial.push_back(resize_and_crop(read_image((kFixture / "images" / name).string()), 224).rgb);
  std::vector<std::thread> workers;
  for (int t = 0; t < 2; ++t)
    workers.emplace_back([&, t] {
      for (size_t i = t; i < names.size(); i += 2)
        parallel[i] = resize_and_crop(read_image((kFixture / "images" / names[i]).string()), 224).rgb;
    });
  for (auto& worker : workers) worker.join();
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(parallel[i], serial[i]) << names[i];
}

TEST(ClipPreprocess, BlackImageNormalizesToMinusMeanOverStd) {
  const ClipPreprocessConfig config;
  const Image black = black_image(224);
  ASSERT_EQ(black.rgb.size(), 224u * 224 * 3);
  std::vector<float> out(3 * 224 * 224);
  to_normalized_chw(black, config, out.data());
  for (int c = 0; c < 3; ++c) EXPECT_EQ(out[c * 224 * 224 + 777], -config.mean[c] / config.std[c]);
  // The fixture's cold-start image is the same input.
  const Image from_file = resize_and_crop(read_image((kFixture / "images" / "black_224.png").string()), 224);
  EXPECT_EQ(from_file.rgb, black.rgb);
}

TEST(ClipPreprocess, CropIsCenteredWithFlooredOffsets) {
  // A 10x3 image whose red value encodes its column: the short edge is already 3, so nothing is
  // resized and the crop of 3 starts at column floor((10 - 3) / 2) = 3.
  Image strip;
  strip.width = 10;
  strip.height = 3;
  for (int y = 0; y < 3; ++y)
    for (int x = 0; x < 10; ++x) strip.rgb.insert(strip.rgb.end(), {uint8_t(x * 20), 0, 0});
  const Image cropped = resize_and_crop(strip, 3);
  EXPECT_EQ(cropped.rgb[0], 60);
  EXPECT_EQ(cropped.rgb[3 * 2], 100);
}

TEST(ClipPreprocess, RejectsWrongSizedInput) {
  std::vector<float> out(3 * 224 * 224);
  EXPECT_THROW(to_normalized_chw(black_image(100), ClipPreprocessConfig{}, out.data()), InputError);
}

}  // namespace
}  // namespace mmctr::image
