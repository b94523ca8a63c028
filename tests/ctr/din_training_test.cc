// Training the DIN end to end on an in-memory synthetic problem: it learns what a popularity
// baseline cannot, a run is reproducible, and a resumed run ends where an uninterrupted one does.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>
#include <map>

#include "common/error.h"
#include "common/files.h"
#include "common/progress.h"
#include "common/runtime.h"
#include "ctr/trainer.h"
#include "metrics/auc.h"
#include "synthetic.h"

namespace mmctr::ctr {
namespace {

namespace fs = std::filesystem;

DinConfig small_config() {
  DinConfig config;
  config.embedding_dim = 8;
  config.dnn_hidden_units = {32, 16};
  config.attention_hidden_units = {16, 8};
  config.attention_dropout = 0.1;
  config.net_dropout = 0.1;
  config.learning_rate = 3e-3;
  config.batch_size = 256;
  config.embedding_regularizer = 1e-6;
  config.epochs = 4;
  config.early_stop_patience = 2;
  config.seed = 11;
  return config;
}

std::vector<double> labels_of(const io::CtrData& data) { return {data.label.begin(), data.label.end()}; }

// Each valid target scored by its smoothed click rate in train.
double popularity_auc(const testing::SyntheticProblem& problem) {
  std::map<int64_t, std::pair<double, double>> clicks;  // item -> (clicks, shows)
  double total_clicks = 0;
  for (int64_t r = 0; r < problem.train.rows(); ++r) {
    auto& c = clicks[problem.train.item_id[r]];
    c.first += problem.train.label[r];
    c.second += 1;
    total_clicks += problem.train.label[r];
  }
  const double prior = total_clicks / problem.train.rows();
  std::vector<double> scores;
  for (int64_t r = 0; r < problem.valid.rows(); ++r) {
    const auto c = clicks[problem.valid.item_id[r]];
    scores.push_back((c.first + 5 * prior) / (c.second + 5));
  }
  return metrics::roc_auc(labels_of(problem.valid), scores);
}

class TempDir {
 public:
  explicit TempDir(const std::string& name)
      : path_((fs::temp_directory_path() / ("mmctr_ctr_test_" + name + "_" + std::to_string(getpid()))).string()) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

class DinTraining : public ::testing::Test {
 protected:
  void SetUp() override { Progress::set_enabled(false); }
};

// The AUC of the true click probabilities (the generator's formula).
double oracle_auc(const io::CtrData& data) {
  std::vector<double> truth;
  for (int64_t r = 0; r < data.rows(); ++r) {
    const int64_t* history = data.item_seq.row(r);
    const int64_t user_topic = history[data.item_seq.cols - 1] % 4;
    const int64_t target = data.item_id[r];
    truth.push_back((target % 4 == user_topic ? 0.6 : 0.05) + static_cast<double>(target % 7) / 20);
  }
  return metrics::roc_auc(labels_of(data), truth);
}

TEST_F(DinTraining, LearnsWhatPopularityCannotSee) {
  set_threads(1);  // the fastest on a busy 2-core machine for these tiny matrices
  const auto problem = testing::synthetic_problem(12000, 2000);
  DinConfig config = small_config();
  config.epochs = 8;
  Trainer trainer(config, feature_shape(problem.items, config), "");
  const TrainState state = trainer.fit(problem.train, problem.valid, problem.items);
  ASSERT_TRUE(state.finished);
  const Evaluation eval = evaluate(trainer.model(), problem.valid, problem.items, 512);
  const double popularity = popularity_auc(problem);
  const double oracle = oracle_auc(problem.valid);
  std::cerr << "valid AUC: DIN " << eval.auc << ", popularity " << popularity << ", oracle " << oracle << "\n";
  EXPECT_GT(eval.auc, popularity + 0.1);
  EXPECT_GT(eval.auc, oracle - 0.03);
  EXPECT_LT(eval.logloss, 0.55);
  // The model holds the best epoch's weights at the end.
  double best_auc = 0;
  for (const auto& r : state.history) best_auc = std::max(best_auc, r.valid_auc);
  EXPECT_DOUBLE_EQ(eval.auc, best_auc);
}

TEST_F(DinTraining, IsReproducibleWithOneThread) {
  set_threads(1);
  const auto problem = testing::synthetic_problem(1500, 500);
  DinConfig config = small_config();
  config.epochs = 2;
  std::vector<std::vector<double>> runs;
  for (int run = 0; run < 2; ++run) {
    Trainer trainer(config, feature_shape(problem.items, config), "");
    trainer.fit(problem.train, problem.valid, problem.items);
    runs.push_back(predict(trainer.model(), problem.valid, problem.items, 256));
  }
  EXPECT_EQ(runs[0], runs[1]);
  config.seed += 1;
  Trainer other(config, feature_shape(problem.items, config), "");
  other.fit(problem.train, problem.valid, problem.items);
  EXPECT_NE(predict(other.model(), problem.valid, problem.items, 256), runs[0]);
}

TEST_F(DinTraining, ResumedRunEndsWhereAnUninterruptedOneDoes) {
  set_threads(1);
  const auto problem = testing::synthetic_problem(1500, 500);
  DinConfig config = small_config();
  config.epochs = 3;
  const FeatureShape shape = feature_shape(problem.items, config);

  TempDir whole("whole"), parts("parts");
  Trainer uninterrupted(config, shape, whole.path());
  const TrainState expected = uninterrupted.fit(problem.train, problem.valid, problem.items);
  const auto expected_predictions = predict(uninterrupted.model(), problem.valid, problem.items, 256);

  Trainer first(config, shape, parts.path());
  const TrainState interrupted = first.fit(problem.train, problem.valid, problem.items,
                                           [](const EpochRecord& r) { return r.epoch < 1; });
  ASSERT_EQ(interrupted.epochs_done, 1);
  ASSERT_FALSE(interrupted.finished);
  EXPECT_TRUE(file_exists(parts.path() + "/last.pt"));
  EXPECT_TRUE(file_exists(parts.path() + "/metrics.csv"));

  Trainer resumed(config, shape, parts.path());  // a fresh process would start like this
  const TrainState state = resumed.fit(problem.train, problem.valid, problem.items);
  ASSERT_TRUE(state.finished);
  ASSERT_EQ(state.history.size(), expected.history.size());
  for (size_t e = 0; e < state.history.size(); ++e) {
    EXPECT_EQ(state.history[e].valid_auc, expected.history[e].valid_auc) << "epoch " << e + 1;
    EXPECT_EQ(state.history[e].train_loss, expected.history[e].train_loss) << "epoch " << e + 1;
  }
  EXPECT_EQ(state.best_epoch, expected.best_epoch);
  EXPECT_EQ(predict(resumed.model(), problem.valid, problem.items, 256), expected_predictions);

  // The best checkpoint on disk is the model the run ends with.
  auto reloaded = Create("din", config, shape);
  load_model(*reloaded, whole.path() + "/best.pt");
  EXPECT_EQ(predict(*reloaded, problem.valid, problem.items, 256), expected_predictions);
}

// With a CUDA device, the same run on the GPU ends near the CPU one (float sums in another order;
// dropout masks come from LibTorch's generator there, so not bit-equal). Without one, asking for the
// GPU is an input error before any training.
TEST_F(DinTraining, TrainsOnTheGpuLikeOnTheCpuOrRefusesWithoutOne) {
  set_threads(1);
  const auto problem = testing::synthetic_problem(6000, 1000);
  DinConfig config = small_config();
  config.gpu = 0;
  if (!torch::cuda::is_available()) {
    EXPECT_THROW(Trainer(config, feature_shape(problem.items, config), ""), InputError);
    return;
  }
  Trainer gpu(config, feature_shape(problem.items, config), "");
  gpu.fit(problem.train, problem.valid, problem.items);
  config.gpu = -1;
  Trainer cpu(config, feature_shape(problem.items, config), "");
  cpu.fit(problem.train, problem.valid, problem.items);
  EXPECT_EQ(gpu.model().parameters().front().device().type(), torch::kCUDA);
  const double cpu_auc = evaluate(cpu.model(), problem.valid, problem.items, 512).auc;
  const double gpu_auc = evaluate(gpu.model(), problem.valid, problem.items, 512).auc;
  EXPECT_NEAR(gpu_auc, cpu_auc, 0.02);
}

}  // namespace
}  // namespace mmctr::ctr
