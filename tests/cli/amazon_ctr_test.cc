// End-to-end on real data: the Amazon Toys_and_Games review sequences become a MicroLens-schema CTR
// set (convert-sequences), Word2Vec vectors of the training sequences go into item_info (w2v,
// set-emb), and a small DIN trained on it must beat the references that need no training
// (popularity, cosine of history and target vectors) on valid and on test (labels kept apart).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <torch/cuda.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "io/microlens.h"
#include "io/parquet.h"
#include "support/run_cli.h"

namespace mmctr {
namespace {

using testing::run_mmctr;
using testing::TempDir;

class AmazonCtr : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const std::string amazon = std::string(MMCTR_SHARED_DIR) + "/data/amazon/";
    auto ok = [](const std::string& args) {
      auto result = run_mmctr(args);
      EXPECT_EQ(result.exit_code, 0) << args << "\n" << result.err;
      return result;
    };
    ok("convert-sequences --sequences " + amazon + "Toys_and_Games.txt --attributes " + amazon +
       "Toys_and_Games_item2attributes.json --out " + file("data"));
    ok("w2v --threads 2 --sequences " + file("data/item_seq.parquet") + " --out " + file("w2v.parquet") +
       " --dim 64 --epochs 20");
    set_emb_ = new nlohmann::json(ok("set-emb --embeddings " + file("w2v.parquet") + " --item-info " +
                                     file("data/item_info.parquet") + " --out " + file("item_info.parquet"))
                                      .summary());
  }
  static void TearDownTestSuite() {
    delete set_emb_;
    delete dir_;
  }
  static std::string file(const std::string& name) { return dir_->file(name); }
  // AUC of `args` (an eval command line) on valid and on test.
  static std::pair<double, double> aucs(const std::string& args) {
    auto valid = run_mmctr("eval " + args + " --data " + file("data/valid.parquet"));
    auto test = run_mmctr("eval " + args + " --data " + file("data/test.parquet") + " --labels " +
                          file("data/truth/test_labels.parquet"));
    EXPECT_EQ(valid.exit_code, 0) << valid.err;
    EXPECT_EQ(test.exit_code, 0) << test.err;
    if (valid.exit_code != 0 || test.exit_code != 0) return {0, 0};
    EXPECT_EQ(test.summary()["rows"], 2 * 19412);
    EXPECT_EQ(test.summary()["gauc_users"], 19412);  // every user: one positive and one negative
    return {valid.summary()["auc"], test.summary()["auc"]};
  }

  static TempDir* dir_;
  static nlohmann::json* set_emb_;
};
TempDir* AmazonCtr::dir_ = nullptr;
nlohmann::json* AmazonCtr::set_emb_ = nullptr;

TEST_F(AmazonCtr, SetEmbPutsNormalisedVectorsIntoItemInfo) {
  const io::ItemInfo before = io::read_item_info(file("data/item_info.parquet"), {}, /*need_emb=*/false);
  const io::ItemInfo after = io::read_item_info(file("item_info.parquet"));
  EXPECT_EQ(after.tags.data, before.tags.data);
  ASSERT_EQ(after.emb.cols, 64);
  const io::Table w2v = io::read_parquet(file("w2v.parquet"), {{"item_id", io::ColumnType::Int64},
                                                                {"w2v_emb", io::ColumnType::FloatMatrix}});
  const auto& ids = w2v.get<io::Int64Array>("item_id");
  const auto& vectors = w2v.get<io::FloatMatrix>("w2v_emb");
  std::vector<bool> has_vector(after.items(), false);
  for (size_t r = 0; r < ids.size(); ++r) {
    has_vector[ids[r]] = true;
    double norm = 0;
    for (int64_t d = 0; d < 64; ++d) norm += double(vectors.row(r)[d]) * vectors.row(r)[d];
    for (int64_t d = 0; d < 64; ++d)
      ASSERT_NEAR(after.emb.row(ids[r])[d], vectors.row(r)[d] / (std::sqrt(norm) + 1e-6), 1e-6);
  }
  int64_t zero = 0;
  for (int64_t i = 0; i < after.items(); ++i)
    if (!has_vector[i]) {
      ++zero;
      for (int64_t d = 0; d < 64; ++d) ASSERT_EQ(after.emb.row(i)[d], 0.f) << "item " << i;
    }
  EXPECT_EQ((*set_emb_)["zero_vector"], zero);  // the padding row and items only in valid/test targets
  EXPECT_GE(zero, 1);

  auto overwrite = run_mmctr("set-emb --embeddings " + file("w2v.parquet") + " --item-info " +
                             file("item_info.parquet") + " --out " + file("item_info.parquet"));
  EXPECT_EQ(overwrite.exit_code, 2);
  EXPECT_THAT(overwrite.err, ::testing::HasSubstr("would overwrite the input"));
}

TEST_F(AmazonCtr, DinBeatsPopularityAndEmbeddingCosine) {
  const auto popularity = aucs("--baseline popularity --train " + file("data/train.parquet"));
  const auto cosine = aucs("--baseline cosine --item-info " + file("item_info.parquet"));
  // Both references carry signal on real data.
  EXPECT_GT(popularity.first, 0.55);
  EXPECT_GT(cosine.first, 0.6);

  auto train = run_mmctr("train --threads 2 --data " + file("data") + " --item-info " + file("item_info.parquet") +
                         " --out " + file("run") + " --epochs 1 --batch-size 2048 --learning-rate 2e-3"
                         " --set embedding_dim=16 --set dnn_hidden_units=[64] --set attention_hidden_units=[32]");
  ASSERT_EQ(train.exit_code, 0) << train.err;
  const auto din = aucs("--run " + file("run"));
  EXPECT_GT(din.first, popularity.first + 0.05);
  EXPECT_GT(din.first, cosine.first + 0.05);
  EXPECT_GT(din.second, popularity.second + 0.05);
  EXPECT_GT(din.second, cosine.second + 0.05);
  std::cerr << "valid/test AUC: popularity " << popularity.first << "/" << popularity.second << ", cosine "
            << cosine.first << "/" << cosine.second << ", DIN " << din.first << "/" << din.second << "\n";

  auto predict = run_mmctr("predict --run " + file("run") + " --data " + file("data/test.parquet") + " --out " +
                           file("submission.csv"));
  ASSERT_EQ(predict.exit_code, 0) << predict.err;
  std::ifstream csv(file("submission.csv"));
  std::string line;
  int64_t rows = -1;  // the header
  while (std::getline(csv, line)) ++rows;
  EXPECT_EQ(rows, 2 * 19412);
}

TEST_F(AmazonCtr, EvalRejectsMissingReferencesAndLabels) {
  auto no_train = run_mmctr("eval --baseline popularity --data " + file("data/valid.parquet"));
  EXPECT_EQ(no_train.exit_code, 2);
  EXPECT_THAT(no_train.err, ::testing::HasSubstr("--train"));
  auto unlabelled = run_mmctr("eval --baseline cosine --item-info " + file("item_info.parquet") + " --data " +
                              file("data/test.parquet"));
  EXPECT_EQ(unlabelled.exit_code, 2);
  EXPECT_THAT(unlabelled.err, ::testing::HasSubstr("label"));
  auto both = run_mmctr("eval --baseline cosine --run " + file("data") + " --data " + file("data/valid.parquet"));
  EXPECT_EQ(both.exit_code, 2);
}

// A GPU that is not there (any GPU on a CPU-only build, else one past the last device) fails cleanly.
TEST_F(AmazonCtr, MissingGpuFailsBeforeWritingAnything) {
  const int64_t absent = torch::cuda::is_available() ? static_cast<int64_t>(torch::cuda::device_count()) : 0;
  auto train = run_mmctr("train --data " + file("data") + " --item-info " + file("item_info.parquet") + " --out " +
                         file("gpu-run") + " --gpu " + std::to_string(absent) + " --epochs 1");
  EXPECT_EQ(train.exit_code, 2);
  EXPECT_THAT(train.err, ::testing::HasSubstr(torch::cuda::is_available() ? "CUDA device(s)" : "no CUDA device"));
  EXPECT_FALSE(std::filesystem::exists(file("gpu-run")));
}

}  // namespace
}  // namespace mmctr
