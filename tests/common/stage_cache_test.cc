#include "common/stage_cache.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/files.h"
#include "support/temp_dir.h"

namespace mmctr {
namespace {

using mmctr::testing::TempDir;

void write(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

class StageCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.file("images"));
    write(dir_.file("images/1.jpg"), "one");
    write(dir_.file("items.parquet"), "items");
    write(output_, "result");
    fingerprint_ = stage_fingerprint({dir_.file("items.parquet"), dir_.file("images")}, {{"batch", 32}});
  }
  TempDir dir_;
  std::string output_ = dir_.file("out.parquet");
  nlohmann::json fingerprint_;
};

TEST_F(StageCacheTest, FreshOnlyAfterRecordingWithTheSameInputsAndParameters) {
  EXPECT_FALSE(cached_output_is_fresh(output_, fingerprint_));
  record_cached_output(output_, fingerprint_);
  EXPECT_TRUE(cached_output_is_fresh(output_, fingerprint_));
  EXPECT_TRUE(cached_output_is_fresh(
      output_, stage_fingerprint({dir_.file("items.parquet"), dir_.file("images")}, {{"batch", 32}})));
  EXPECT_FALSE(cached_output_is_fresh(
      output_, stage_fingerprint({dir_.file("items.parquet"), dir_.file("images")}, {{"batch", 16}})));
}

TEST_F(StageCacheTest, ChangedInputFolderOrOutputIsStale) {
  record_cached_output(output_, fingerprint_);
  write(dir_.file("images/2.jpg"), "two");  // a new image in the folder
  EXPECT_FALSE(cached_output_is_fresh(
      output_, stage_fingerprint({dir_.file("items.parquet"), dir_.file("images")}, {{"batch", 32}})));

  record_cached_output(output_, fingerprint_);
  write(output_, "edited by hand");
  EXPECT_FALSE(cached_output_is_fresh(output_, fingerprint_));

  write(manifest_path(output_), "{not json");
  EXPECT_FALSE(cached_output_is_fresh(output_, fingerprint_));
}

TEST_F(StageCacheTest, ChangedInputFileIsStale) {
  record_cached_output(output_, fingerprint_);
  write(dir_.file("items.parquet"), "items, rewritten");
  EXPECT_FALSE(cached_output_is_fresh(
      output_, stage_fingerprint({dir_.file("items.parquet"), dir_.file("images")}, {{"batch", 32}})));
}

}  // namespace
}  // namespace mmctr
