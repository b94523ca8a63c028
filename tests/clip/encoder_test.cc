#include "clip/encoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "clip_fixture.h"
#include "common/error.h"
#include "common/progress.h"
#include "common/runtime.h"
#include "io/parquet.h"

namespace mmctr::clip {
namespace {

using ::testing::HasSubstr;
using namespace testing;
namespace fs = std::filesystem;

class ClipEncoderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Progress::set_enabled(false);
    set_threads(2);
  }
  // A folder of images named by item id: item i + 1 links to the fixture's i-th image.
  ClipArgs link_fixture_images(const std::string& extension) {
    ClipArgs args;
    args.images_dir = images_.path();
    args.pattern = "{item_id}" + extension;
    auto names = image_names();
    for (size_t i = 0; i < names.size(); ++i)
      fs::create_symlink(tiny_clip_dir() + "/images/" + names[i], image_path(args, static_cast<int64_t>(i + 1)));
    return args;
  }

  static double max_diff(const float* row, const std::vector<double>& want) {
    double worst = 0;
    for (size_t j = 0; j < want.size(); ++j) worst = std::max(worst, std::abs(row[j] - want[j]));
    return worst;
  }

  TempDir images_;
};

TEST_F(ClipEncoderTest, ImagePathReplacesEveryItemIdField) {
  ClipArgs args;
  args.images_dir = "/data/img";
  EXPECT_EQ(image_path(args, 42), "/data/img/42.jpg");
  args.pattern = "{item_id}/{item_id}_cover.png";
  EXPECT_EQ(image_path(args, 7), "/data/img/7/7_cover.png");
}

// End to end: files -> decode -> Pillow-exact resize -> normalise -> model, against the reference.
TEST_F(ClipEncoderTest, EmbedsTheFixtureImagesLikeTheReference) {
  ClipArgs args = link_fixture_images(".img");
  args.batch = 4;
  ClipEncoder encoder(tiny_model_dir());
  auto names = image_names();
  std::vector<int64_t> ids;
  for (size_t i = names.size(); i >= 1; --i) ids.push_back(static_cast<int64_t>(i));  // unsorted on purpose
  ids.push_back(0);
  ids.push_back(3);  // duplicate

  EncodeResult result = encoder.encode(ids, args);
  ASSERT_EQ(result.item_ids.size(), names.size() + 1);
  EXPECT_EQ(result.ok, static_cast<int64_t>(names.size()));
  EXPECT_EQ(result.missing + result.corrupt, 0);
  EXPECT_EQ(result.padding, 1);
  EXPECT_EQ(result.embeddings.cols, 32);
  EXPECT_EQ(result.item_ids[0], 0);
  for (int64_t j = 0; j < 32; ++j) EXPECT_EQ(result.embeddings.row(0)[j], 0.0f);
  for (size_t i = 0; i < names.size(); ++i) {
    ASSERT_EQ(result.item_ids[i + 1], static_cast<int64_t>(i + 1));
    EXPECT_LT(max_diff(result.embeddings.row(static_cast<int64_t>(i + 1)), expected_embedding(names[i])), 1e-5)
        << names[i];
  }
}

TEST_F(ClipEncoderTest, MissingAndCorruptImagesGetTheBlackImageEmbedding) {
  ClipArgs args;
  args.images_dir = images_.path();
  args.batch = 2;
  args.decode_threads = 2;
  fs::copy_file(tiny_clip_dir() + "/images/HappyFish.jpg", images_.file("1.jpg"));
  // 2.jpg is missing
  std::vector<uint8_t> jpeg = read_bytes(tiny_clip_dir() + "/images/left01.jpg");
  write_bytes(images_.file("3.jpg"), std::vector<uint8_t>(jpeg.begin(), jpeg.begin() + 200));  // truncated
  write_bytes(images_.file("4.jpg"), {'n', 'o', 't', ' ', 'a', 'n', ' ', 'i', 'm', 'a', 'g', 'e'});
  write_bytes(images_.file("5.jpg"), {});
  fs::create_directory(images_.file("6.jpg"));  // a folder where the file should be
  fs::copy_file(tiny_clip_dir() + "/images/horse.png", images_.file("7.jpg"));  // a PNG named .jpg

  ClipEncoder encoder(tiny_model_dir());
  EncodeResult result = encoder.encode({1, 2, 3, 4, 5, 6, 7}, args);
  EXPECT_EQ(result.ok, 2);
  EXPECT_EQ(result.missing, 1);
  EXPECT_EQ(result.corrupt, 4);
  EXPECT_EQ(result.padding, 0);
  EXPECT_LT(max_diff(result.embeddings.row(0), expected_embedding("HappyFish.jpg")), 1e-5);
  EXPECT_LT(max_diff(result.embeddings.row(6), expected_embedding("horse.png")), 1e-5);
  for (int64_t r : {1, 2, 3, 4, 5})
    EXPECT_LT(max_diff(result.embeddings.row(r), expected_embedding("black_224.png")), 1e-5) << "item " << r + 1;
}

TEST_F(ClipEncoderTest, ForwardAloneMatchesTheEncoderOnTheSamePixels) {
  ClipEncoder encoder(tiny_model_dir());
  auto names = image_names();
  std::vector<float> pixels;
  for (const auto& name : names) {
    auto bytes = read_bytes(tiny_clip_dir() + "/pixels/" + name + ".f32");
    size_t at = pixels.size();
    pixels.resize(at + bytes.size() / 4);
    std::memcpy(pixels.data() + at, bytes.data(), bytes.size());
  }
  const int64_t n = static_cast<int64_t>(names.size());
  std::vector<float> out(static_cast<size_t>(n * encoder.dim()));
  encoder.embed_pixels(pixels.data(), n, 4, out.data());
  for (int64_t i = 0; i < n; ++i)
    EXPECT_LT(max_diff(out.data() + i * encoder.dim(), expected_embedding(names[i])), 1e-5) << names[i];
}

TEST_F(ClipEncoderTest, RunClipWritesOneSortedRowPerItem) {
  ClipArgs args = link_fixture_images(".img");
  TempDir work;
  args.model_dir = tiny_model_dir();
  args.items_path = work.file("items.parquet");
  args.out_path = work.file("clip.parquet");
  io::Table items;
  items.add("item_id", io::Int64Array{5, 0, 2, 99, 5, 1});  // 99 has no image
  items.add("item_title", io::StringArray{"e", "pad", "b", "none", "e", "a"});
  io::write_parquet(args.items_path, items);

  EncodeResult result = run_clip(args);
  EXPECT_EQ(result.ok, 3);
  EXPECT_EQ(result.missing, 1);
  EXPECT_EQ(result.padding, 1);
  io::Table out = io::read_parquet(args.out_path, {{"item_id", io::ColumnType::Int64},
                                                   {"clip_emb", io::ColumnType::FloatMatrix, 32}});
  EXPECT_EQ(out.get<io::Int64Array>("item_id"), (io::Int64Array{0, 1, 2, 5, 99}));
  const auto& emb = out.get<io::FloatMatrix>("clip_emb");
  auto names = image_names();
  EXPECT_LT(max_diff(emb.row(1), expected_embedding(names[0])), 1e-5);
  EXPECT_LT(max_diff(emb.row(3), expected_embedding(names[4])), 1e-5);
  EXPECT_LT(max_diff(emb.row(4), expected_embedding("black_224.png")), 1e-5);
  for (int64_t j = 0; j < 32; ++j) EXPECT_EQ(emb.row(0)[j], 0.0f);
}

TEST_F(ClipEncoderTest, RejectsBadArguments) {
  TempDir work;
  ClipArgs args;
  args.model_dir = tiny_model_dir();
  args.images_dir = images_.path();
  args.items_path = work.file("items.parquet");
  args.out_path = work.file("clip.parquet");
  io::Table items;
  items.add("item_id", io::Int64Array{1, -4});
  io::write_parquet(args.items_path, items);
  EXPECT_THAT([&] { run_clip(args); }, ::testing::ThrowsMessage<InputError>(HasSubstr("row 1: negative item id -4")));
  EXPECT_FALSE(fs::exists(args.out_path));

  ClipEncoder encoder(tiny_model_dir());
  ClipArgs bad = args;
  bad.pattern = "cover.jpg";
  EXPECT_THAT([&] { encoder.encode({1}, bad); }, ::testing::ThrowsMessage<InputError>(HasSubstr("{item_id}")));
  bad = args;
  bad.images_dir = work.file("no_such_folder");
  EXPECT_THAT([&] { encoder.encode({1}, bad); },
              ::testing::ThrowsMessage<InputError>(HasSubstr("image folder not found")));
  bad = args;
  bad.batch = 0;
  EXPECT_THAT([&] { encoder.encode({1}, bad); }, ::testing::ThrowsMessage<InputError>(HasSubstr("--batch")));
  args.out_path = args.items_path;
  EXPECT_THAT([&] { run_clip(args); }, ::testing::ThrowsMessage<InputError>(HasSubstr("overwrite the input")));
}

}  // namespace
}  // namespace mmctr::clip
