// Decoding against Pillow's Image.open(...).convert("RGB") (golden arrays from Debian's Pillow),
// bad input, and the JPEG encoder.
#include "image/codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "golden.h"

namespace mmctr::image {
namespace {

using testing::compare;
using testing::golden_dir;
using testing::golden_index;
using testing::pattern;
using testing::read_bytes;

const std::filesystem::path kFixtureImages =
    std::filesystem::path(MMCTR_SHARED_DIR) / "fixtures" / "tiny-clip" / "images";

TEST(DecodeImage, MatchesPillowConvertRgbForEveryFormat) {
  const auto cases = golden_index().at("decode");
  ASSERT_GE(cases.size(), 20u);
  for (const auto& c : cases) {
    const std::string input = c.at("input");
    SCOPED_TRACE(input + " (Pillow mode " + c.at("pillow_mode").get<std::string>() + ")");
    const std::vector<uint8_t> bytes = read_bytes(golden_dir() / input);
    const Image image = decode_image(bytes.data(), bytes.size(), input);
    ASSERT_EQ(image.width, c.at("width").get<int>());
    ASSERT_EQ(image.height, c.at("height").get<int>());
    const std::vector<uint8_t> expected = read_bytes(golden_dir() / c.at("expected").get<std::string>());
    const auto diff = compare(image.rgb, expected);
    EXPECT_EQ(diff.count, 0u) << "largest difference " << diff.largest << " levels";
  }
}

std::vector<uint8_t> fixture_bytes(const std::string& name) { return read_bytes(kFixtureImages / name); }

TEST(DecodeImage, TruncatedJpegIsAnError) {
  std::vector<uint8_t> bytes = fixture_bytes("messi5.jpg");
  bytes.resize(bytes.size() / 2);
  EXPECT_THROW(decode_image(bytes.data(), bytes.size(), "half.jpg"), ImageError);
}

// Pillow (checked with Debian's 9.4) loads a JPEG whose only fault is stray bytes before the end
// marker (libjpeg warns and goes on) and refuses one whose end marker is missing ("truncated").
TEST(DecodeImage, JpegWarningsFollowPillow) {
  const std::vector<uint8_t> original = fixture_bytes("messi5.jpg");
  ASSERT_GE(original.size(), 4u);
  ASSERT_EQ(original[original.size() - 2], 0xFF);
  ASSERT_EQ(original.back(), 0xD9);
  std::vector<uint8_t> stray = original;
  stray.insert(stray.end() - 2, {0x12, 0x34, 0x56});
  const Image clean = decode_image(original.data(), original.size(), "messi5.jpg");
  EXPECT_EQ(decode_image(stray.data(), stray.size(), "stray.jpg").rgb, clean.rgb);
  const std::vector<uint8_t> no_end(original.begin(), original.end() - 2);
  EXPECT_THROW(decode_image(no_end.data(), no_end.size(), "no_end.jpg"), ImageError);
}

TEST(DecodeImage, CorruptJpegHeaderIsAnError) {
  std::vector<uint8_t> bytes = fixture_bytes("messi5.jpg");
  bytes.resize(600);
  for (size_t i = 20; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(i * 37);
  EXPECT_THROW(decode_image(bytes.data(), bytes.size(), "garbled.jpg"), ImageError);
}

TEST(DecodeImage, TruncatedAndCorruptPngAreErrors) {
  std::vector<uint8_t> bytes = fixture_bytes("horse.png");
  std::vector<uint8_t> truncated(bytes.begin(), bytes.begin() + bytes.size() / 2);
  EXPECT_THROW(decode_image(truncated.data(), truncated.size(), "half.png"), ImageError);
  std::vector<uint8_t> corrupt = bytes;
  corrupt[40] ^= 0x55;  // in the pHYs chunk: a CRC mismatch, which Pillow refuses too
  EXPECT_THROW(decode_image(corrupt.data(), corrupt.size(), "crc.png"), ImageError);
}

TEST(DecodeImage, NonImageBytesAreAnErrorNamingTheSource) {
  const std::string text = "item_id,clip_emb\n1,2\n";
  try {
    decode_image(reinterpret_cast<const uint8_t*>(text.data()), text.size(), "items/17.jpg");
    FAIL() << "no ImageError";
  } catch (const ImageError& e) {
    EXPECT_NE(std::string(e.what()).find("items/17.jpg"), std::string::npos) << e.what();
  }
  EXPECT_THROW(decode_image(nullptr, 0, "empty.jpg"), ImageError);
  // An ImageError is an InputError: the CLI maps it to exit code 2.
  EXPECT_THROW(decode_image(nullptr, 0, "empty.jpg"), InputError);
}

TEST(ReadImage, MissingFileIsAnImageError) {
  EXPECT_THROW(read_image((kFixtureImages / "no_such_image.jpg").string()), ImageError);
}

TEST(ReadImage, ReadsFixtureImagesWithTheirSizes) {
  const Image tall = read_image((kFixtureImages / "tall_aloeL_crop.jpg").string());
  EXPECT_EQ(tall.width, 301);
  EXPECT_EQ(tall.height, 1107);
  const Image gray = read_image((kFixtureImages / "left01.jpg").string());
  ASSERT_EQ(gray.width, 640);
  ASSERT_EQ(gray.height, 480);
  for (size_t i = 0; i < gray.rgb.size(); i += 3) {
    ASSERT_EQ(gray.rgb[i], gray.rgb[i + 1]);
    ASSERT_EQ(gray.rgb[i], gray.rgb[i + 2]);
  }
}

TEST(EncodeJpeg, RoundTripIsClose) {
  // A smooth image (JPEG's home ground): per-channel mean error of a few levels at quality 90.
  Image smooth{96, 64, std::vector<uint8_t>(96 * 64 * 3)};
  for (int y = 0; y < 64; ++y)
    for (int x = 0; x < 96; ++x) {
      uint8_t* p = &smooth.rgb[(y * 96 + x) * 3];
      p[0] = static_cast<uint8_t>(x * 2);
      p[1] = static_cast<uint8_t>(y * 3);
      p[2] = static_cast<uint8_t>(128 + 60 * std::sin(x * 0.1 + y * 0.05));
    }
  const std::vector<uint8_t> jpeg = encode_jpeg(smooth, 90);
  ASSERT_GT(jpeg.size(), 100u);
  EXPECT_EQ(jpeg[0], 0xFF);
  EXPECT_EQ(jpeg[1], 0xD8);
  const Image back = decode_image(jpeg.data(), jpeg.size(), "roundtrip.jpg");
  ASSERT_EQ(back.width, 96);
  ASSERT_EQ(back.height, 64);
  double total = 0;
  int worst = 0;
  for (size_t i = 0; i < back.rgb.size(); ++i) {
    const int diff = std::abs(int{back.rgb[i]} - int{smooth.rgb[i]});
    total += diff;
    worst = std::max(worst, diff);
  }
  EXPECT_LT(total / back.rgb.size(), 2.0);
  EXPECT_LT(worst, 24);
  // Lower quality gives a smaller file.
  EXPECT_LT(encode_jpeg(smooth, 30).size(), jpeg.size());
}

TEST(EncodeJpeg, RejectsBadInput) {
  EXPECT_THROW(encode_jpeg(Image{4, 4, std::vector<uint8_t>(10)}), InputError);
  EXPECT_THROW(encode_jpeg(pattern(4, 4), 0), InputError);
}

}  // namespace
}  // namespace mmctr::image
