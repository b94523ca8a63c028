// End-to-end: `mmctr embed` runs clip + w2v + project on synth data with the tiny CLIP fixture model,
// and a second run reuses the cached clip and w2v files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "io/microlens.h"
#include "support/run_cli.h"

namespace mmctr {
namespace {

using testing::run_mmctr;
using testing::TempDir;

TEST(EmbedCli, EmbedsEveryItemAndReusesIntermediateFiles) {
  TempDir dir;
  ASSERT_EQ(run_mmctr("synth --out " + dir.file("data") +
                      " --items 300 --users 400 --train-rows 1000 --valid-rows 200 --test-rows 200 --seed 3")
                .exit_code,
            0);
  std::string args = "embed --threads 2 --data " + dir.file("data") + " --model " + MMCTR_SHARED_DIR +
                     "/fixtures/tiny-clip/tiny-clip-vit --out " + dir.file("item_info.parquet") + " --work " +
                     dir.file("work");
  auto first = run_mmctr(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.summary()["clip"]["reused"], false);
  EXPECT_EQ(first.summary()["w2v"]["reused"], false);

  io::ItemInfo original = io::read_item_info(dir.file("data/item_info.parquet"));
  io::ItemInfo embedded = io::read_item_info(dir.file("item_info.parquet"));
  ASSERT_EQ(embedded.items(), original.items());
  EXPECT_EQ(embedded.tags.data, original.tags.data);  // other columns unchanged
  EXPECT_EQ(embedded.emb.cols, 128);
  for (int64_t k = 0; k < embedded.emb.cols; ++k) EXPECT_EQ(embedded.emb.row(0)[k], 0.f);  // padding row
  for (int64_t r = 1; r < embedded.items(); ++r) {
    double norm = 0;
    for (int64_t k = 0; k < embedded.emb.cols; ++k) norm += embedded.emb.row(r)[k] * embedded.emb.row(r)[k];
    ASSERT_NEAR(std::sqrt(norm), 1.0, 1e-4) << "item " << r;  // every item, cold-start ones included
  }

  auto second = run_mmctr(args);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.summary()["clip"]["reused"], true);
  EXPECT_EQ(second.summary()["w2v"]["reused"], true);
}

}  // namespace
}  // namespace mmctr
