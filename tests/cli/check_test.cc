// End-to-end: `mmctr synth` writes a data set that `mmctr check` accepts; broken copies are rejected
// with every problem named and exit code 2.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "io/microlens.h"
#include "io/parquet.h"
#include "support/run_cli.h"

namespace mmctr {
namespace {

using ::testing::HasSubstr;
using testing::run_mmctr;
using testing::TempDir;
namespace fs = std::filesystem;

const char* kSmall = " --items 300 --users 400 --train-rows 3000 --valid-rows 500 --test-rows 500 --seed 7";

TEST(CheckCli, AcceptsWhatSynthWrites) {
  TempDir dir;
  auto synth = run_mmctr("synth --out " + dir.file("data") + kSmall);
  ASSERT_EQ(synth.exit_code, 0) << synth.err;
  auto check = run_mmctr("check --data " + dir.file("data"));
  ASSERT_EQ(check.exit_code, 0) << check.err;
  auto s = check.summary();
  EXPECT_TRUE(s["problems"].empty());
  EXPECT_EQ(s["files"]["item_info.parquet"]["items"], 300);
  EXPECT_EQ(s["files"]["train.parquet"]["rows"], 3000);
  EXPECT_EQ(s["files"]["valid.parquet"]["rows"], 500);
  EXPECT_EQ(s["files"]["test.parquet"]["rows"], 500);
  EXPECT_EQ(s["files"]["train.parquet"]["history"]["length"], 64);
  EXPECT_NEAR(s["files"]["train.parquet"]["positive_rate"].get<double>(), 0.25, 0.03);
  EXPECT_EQ(s["files"]["item_seq.parquet"]["rows"], 400);
  int64_t present = s["files"]["item_info.parquet"]["images_present"];
  int64_t missing = s["files"]["item_info.parquet"]["images_missing"];
  EXPECT_EQ(present + missing, 300);
  EXPECT_GT(missing, 0);  // synth leaves some images out for the cold-start path
}

TEST(CheckCli, ListsEveryProblemAndExitsTwo) {
  TempDir dir;
  ASSERT_EQ(run_mmctr("synth --no-images --out " + dir.file("data") + kSmall).exit_code, 0);
  std::string train = dir.file("data/train.parquet");
  io::CtrData data = io::read_ctr(train, io::CtrKind::Labelled);
  io::Table broken;
  data.label[10] = 2;
  data.label[2000] = -1;
  data.item_id[77] = 100000;  // past the 301 rows of item_info
  broken.add("user_id", data.user_id);
  broken.add("item_seq", data.item_seq);
  broken.add("item_id", data.item_id);
  broken.add("likes_level", data.likes_level);
  broken.add("views_level", data.views_level);
  broken.add("label", data.label);
  fs::remove(train);
  io::write_parquet(train, broken);
  std::ofstream(dir.file("data/valid.parquet"), std::ios::trunc) << "not parquet";

  auto check = run_mmctr("check --data " + dir.file("data"));
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_THAT(check.err, HasSubstr("train.parquet: column 'label' row 10: value 2, expected 0 or 1"));
  EXPECT_THAT(check.err, HasSubstr("train.parquet: column 'label' row 2000: value -1"));
  EXPECT_THAT(check.err, HasSubstr("train.parquet: column 'item_id' row 77: value 100000, expected an item id in 1..300"));
  EXPECT_THAT(check.err, HasSubstr("valid.parquet: not a readable Parquet file"));
  EXPECT_THAT(check.err, HasSubstr("4 problems found"));
  EXPECT_EQ(check.summary()["problems"].size(), 4u);
}

TEST(CheckCli, MissingFolderOrNoFiles) {
  TempDir dir;
  auto missing = run_mmctr("check --data " + dir.file("nope"));
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("mmctr: error: " + dir.file("nope") + ": not a folder"));
  auto empty = run_mmctr("check --data " + dir.path());
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_THAT(empty.err, HasSubstr("no MicroLens files found"));
}

}  // namespace
}  // namespace mmctr
