// Pillow BICUBIC resize, bit for bit, against arrays written by Debian's Pillow.
#include "image/resize.h"

#include <gtest/gtest.h>

#include "common/error.h"
#include "golden.h"

namespace mmctr::image {
namespace {

using testing::compare;
using testing::golden_dir;
using testing::golden_index;
using testing::pattern;
using testing::read_bytes;

TEST(ResizeBicubic, MatchesPillowBitExactly) {
  const auto cases = golden_index().at("resize");
  ASSERT_GE(cases.size(), 10u);
  for (const auto& c : cases) {
    const int width = c.at("width"), height = c.at("height");
    const Image source = pattern(c.at("source_width"), c.at("source_height"));
    SCOPED_TRACE(c.at("expected").get<std::string>());
    const Image resized = resize_bicubic(source, width, height);
    ASSERT_EQ(resized.width, width);
    ASSERT_EQ(resized.height, height);
    const std::vector<uint8_t> expected = read_bytes(golden_dir() / c.at("expected").get<std::string>());
    ASSERT_EQ(resized.rgb.size(), expected.size());
    const auto diff = compare(resized.rgb, expected);
    EXPECT_EQ(diff.count, 0u) << "largest difference " << diff.largest << " levels";
  }
}

TEST(ResizeBicubic, SameSizeIsACopy) {
  const Image source = pattern(9, 4);
  EXPECT_EQ(resize_bicubic(source, 9, 4).rgb, source.rgb);
}

TEST(ResizeBicubic, ConstantImageStaysConstant) {
  // Weights are normalised to sum 1, so a flat colour survives any scale, edges included.
  Image flat{31, 17, std::vector<uint8_t>(31 * 17 * 3)};
  for (size_t i = 0; i < flat.rgb.size(); i += 3) {
    flat.rgb[i] = 200;
    flat.rgb[i + 1] = 3;
    flat.rgb[i + 2] = 97;
  }
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{5, 3}, {64, 40}, {1, 1}, {31, 90}}) {
    const Image out = resize_bicubic(flat, w, h);
    for (size_t i = 0; i < out.rgb.size(); i += 3) {
      ASSERT_EQ(out.rgb[i], 200);
      ASSERT_EQ(out.rgb[i + 1], 3);
      ASSERT_EQ(out.rgb[i + 2], 97);
    }
  }
}

Image crop(const Image& in, const Region& r) {
  Image out{r.width, r.height, {}};
  for (int y = r.top; y < r.top + r.height; ++y) {
    const auto row = in.rgb.begin() + (static_cast<size_t>(y) * in.width + r.left) * 3;
    out.rgb.insert(out.rgb.end(), row, row + r.width * 3);
  }
  return out;
}

TEST(ResizeBicubicRegion, EqualsResizeThenCrop) {
  struct Case {
    int source_width, source_height, width, height;
    Region region;
  };
  const std::vector<Case> cases = {
      {37, 23, 20, 13, {3, 2, 11, 9}},     // both passes
      {400, 300, 133, 100, {20, 0, 100, 100}},
      {37, 23, 37, 50, {5, 10, 20, 30}},   // vertical only
      {37, 23, 90, 23, {40, 4, 50, 12}},   // horizontal only
      {37, 23, 37, 23, {1, 1, 35, 21}},    // neither: a plain crop
      {37, 23, 64, 40, {0, 0, 64, 40}},    // the whole output
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << c.source_width << "x" << c.source_height << " -> " << c.width
                                      << "x" << c.height << " region at " << c.region.left << ","
                                      << c.region.top);
    const Image source = pattern(c.source_width, c.source_height);
    const Image expected = crop(resize_bicubic(source, c.width, c.height), c.region);
    const Image region = resize_bicubic_region(source, c.width, c.height, c.region);
    EXPECT_EQ(region.width, c.region.width);
    EXPECT_EQ(region.height, c.region.height);
    EXPECT_EQ(region.rgb, expected.rgb);
  }
}

TEST(ResizeBicubicRegion, RejectsRegionOutsideTheOutput) {
  const Image source = pattern(8, 8);
  EXPECT_THROW(resize_bicubic_region(source, 4, 4, Region{1, 0, 4, 4}), InputError);
  EXPECT_THROW(resize_bicubic_region(source, 4, 4, Region{0, 0, 0, 4}), InputError);
}

TEST(ResizeBicubic, RejectsBadSizes) {
  const Image source = pattern(4, 4);
  EXPECT_THROW(resize_bicubic(source, 0, 4), InputError);
  EXPECT_THROW(resize_bicubic(Image{4, 4, {}}, 2, 2), InputError);
}

}  // namespace
}  // namespace mmctr::image
