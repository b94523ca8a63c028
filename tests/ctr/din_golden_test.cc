// mmctr's DIN against a golden reference: tests/ctr/data/din_golden.json holds what FuxiCTR 2.3.7's
// DIN (the challenge's configuration, re-implemented in plain PyTorch the FuxiCTR way by
// scripts/gen_din_golden.py) computes in float64 on a tiny case: the parameters, the inputs, the
// logits in eval and train mode, the loss (BCE + embedding regulariser), every gradient, BatchNorm's
// running statistics, and every parameter after two Adam steps with gradient clipping (the first
// step clipped, the second not). Our model runs in float64 on batches built by BatchBuilder and the
// steps go through Trainer::step, so every tensor must agree to 1e-10 of its scale (in practice
// ~1e-14; only values that are zero up to rounding differ more, see kRoundingNoiseTolerance).
//
// Regenerate with: /usr/bin/python3 scripts/gen_din_golden.py
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctr/batch.h"
#include "ctr/din_config.h"
#include "ctr/model.h"
#include "ctr/trainer.h"
#include "io/microlens.h"

namespace mmctr::ctr {
namespace {

using nlohmann::json;

// Largest |ours - golden| over a tensor, relative to the tensor's largest |golden| value or to
// kZeroScale for a tensor that is zero up to rounding (the gradient of a bias that feeds BatchNorm).
constexpr double kTolerance = 1e-10;
constexpr double kZeroScale = 1e-5;
// Parameters whose gradient is zero up to rounding (~1e-17: the biases of Linear layers that feed
// BatchNorm) are moved by Adam's first steps by that noise over eps (lr * 1e-17 / 1e-8 ~ 1e-11),
// differently in any two correct implementations; they are compared after a step to this.
constexpr double kRoundingNoiseTolerance = 1e-9;

const json& golden() {
  static const json data = [] {
    const std::string path = std::string(MMCTR_SOURCE_DIR) + "/tests/ctr/data/din_golden.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return json::parse(in);
  }();
  return data;
}

// {"shape": [...], "values": [...]} -> a float64 (or int64) tensor
torch::Tensor tensor_of(const json& entry, torch::ScalarType dtype) {
  std::vector<int64_t> shape = entry.at("shape").get<std::vector<int64_t>>();
  if (dtype == torch::kInt64) {
    auto values = entry.at("values").get<std::vector<int64_t>>();
    return torch::tensor(values, torch::kInt64).view(shape);
  }
  auto values = entry.at("values").get<std::vector<double>>();
  return torch::tensor(values, torch::kFloat64).view(shape);
}

torch::Tensor vector_of(const json& values) {
  return torch::tensor(values.get<std::vector<double>>(), torch::kFloat64);
}

// The worst relative error of the current test's kTolerance comparisons, printed at its end.
double worst_error = 0;
std::string worst_what;

void print_worst_error() {
  std::cout << "[ golden ] worst relative error " << worst_error << " (" << worst_what << ")\n";
  worst_error = 0;
}

void expect_close(const torch::Tensor& ours, const torch::Tensor& expected, const std::string& what,
                  double tolerance = kTolerance) {
  ASSERT_EQ(ours.sizes(), expected.sizes()) << what;
  auto a = ours.detach().to(torch::kFloat64), b = expected.to(torch::kFloat64);
  const double scale = std::max(b.abs().max().item<double>(), kZeroScale);
  const double error = (a - b).abs().max().item<double>() / scale;
  EXPECT_TRUE(std::isfinite(error)) << what << ": not finite";
  EXPECT_LE(error, tolerance) << what << ": ours\n" << a << "\ngolden\n" << b;
  if (tolerance == kTolerance && std::isfinite(error) && error >= worst_error) {
    worst_error = error;
    worst_what = what;
  }
}

void expect_close(double ours, double expected, const std::string& what) {
  expect_close(torch::tensor({ours}, torch::kFloat64), torch::tensor({expected}, torch::kFloat64), what);
}

DinConfig config_of(const json& g, bool use_softmax) {
  const json& c = g.at("config");
  DinConfig config;
  config.embedding_dim = c.at("embedding_dim");
  config.attention_hidden_units = c.at("attention_hidden_units").get<std::vector<int64_t>>();
  config.dnn_hidden_units = c.at("dnn_hidden_units").get<std::vector<int64_t>>();
  config.attention_dropout = c.at("attention_dropout");
  config.net_dropout = c.at("net_dropout");
  config.batch_norm = c.at("batch_norm");
  config.embedding_regularizer = c.at("embedding_regularizer");
  config.learning_rate = c.at("learning_rate");
  config.max_gradient_norm = c.at("max_gradient_norm");
  config.level_vocab_size = c.at("level_vocab_size");
  config.max_len = c.at("max_len");
  config.din_use_softmax = use_softmax;
  return config;
}

io::ItemInfo items_of(const json& g) {
  const json& info = g.at("item_info");
  io::ItemInfo items;
  const auto tags = info.at("tags").get<std::vector<std::vector<int64_t>>>();
  const auto emb = info.at("emb").get<std::vector<std::vector<double>>>();
  items.tags.rows = items.emb.rows = static_cast<int64_t>(tags.size());
  items.tags.cols = static_cast<int64_t>(tags.at(0).size());
  items.emb.cols = static_cast<int64_t>(emb.at(0).size());
  for (size_t i = 0; i < tags.size(); ++i) {
    items.item_id.push_back(static_cast<int64_t>(i));
    items.tags.data.insert(items.tags.data.end(), tags[i].begin(), tags[i].end());
    // item_info holds float32 embeddings; the generator drew float32-exact values.
    for (double v : emb.at(i)) items.emb.data.push_back(static_cast<float>(v));
  }
  return items;
}

io::CtrData rows_of(const json& batch) {
  io::CtrData data;
  const auto seq = batch.at("item_seq").get<std::vector<std::vector<int64_t>>>();
  data.item_seq.rows = static_cast<int64_t>(seq.size());
  data.item_seq.cols = static_cast<int64_t>(seq.at(0).size());
  for (const auto& row : seq) data.item_seq.data.insert(data.item_seq.data.end(), row.begin(), row.end());
  data.item_id = batch.at("item_id").get<io::Int64Array>();
  data.likes_level = batch.at("likes_level").get<io::Int64Array>();
  data.views_level = batch.at("views_level").get<io::Int64Array>();
  data.label = batch.at("label").get<io::Int64Array>();
  data.user_id.resize(data.item_id.size(), 0);
  return data;
}

// The golden data set: item info, the two batches' rows, and their float64 Batches.
struct GoldenData {
  io::ItemInfo items;
  std::vector<io::CtrData> rows;
  std::vector<Batch> batches;
  FeatureShape shape;
};

GoldenData data_of(const json& g) {
  GoldenData d;
  d.items = items_of(g);
  const DinConfig config = config_of(g, false);
  d.shape = feature_shape(d.items, config);
  const json& s = g.at("shape");
  EXPECT_EQ(d.shape.items, s.at("items").get<int64_t>());
  EXPECT_EQ(d.shape.tag_vocab, s.at("tag_vocab").get<int64_t>());
  EXPECT_EQ(d.shape.tags_per_item, s.at("tags_per_item").get<int64_t>());
  EXPECT_EQ(d.shape.frozen_dim, s.at("frozen_dim").get<int64_t>());
  EXPECT_EQ(d.shape.level_vocab, s.at("level_vocab").get<int64_t>());
  for (const json& b : g.at("batches")) d.rows.push_back(rows_of(b));
  for (const io::CtrData& rows : d.rows) {
    check_ctr_data(rows, d.items, config.level_vocab_size, config.max_len, "golden");
    BatchBuilder builder(rows, d.items);
    const std::vector<int64_t> order = sequential_order(rows.rows());
    Batch batch = builder.build(order.data(), rows.rows());
    batch.item_emb = batch.item_emb.to(torch::kFloat64);
    batch.mask = batch.mask.to(torch::kFloat64);
    batch.label = batch.label.to(torch::kFloat64);
    d.batches.push_back(std::move(batch));
  }
  return d;
}

// Copies `entries` (name -> tensor) into `tensors`; every name must match one to one, shapes too.
void load_named(const torch::OrderedDict<std::string, torch::Tensor>& tensors, const json& entries,
                const std::string& what) {
  std::set<std::string> ours, theirs;
  for (const auto& item : tensors) ours.insert(item.key());
  for (const auto& item : entries.items()) theirs.insert(item.key());
  ASSERT_EQ(ours, theirs) << what << " names differ";
  torch::NoGradGuard no_grad;
  for (const auto& item : tensors) {
    torch::Tensor target = item.value();
    const torch::Tensor value = tensor_of(entries.at(item.key()), target.scalar_type());
    ASSERT_EQ(target.sizes(), value.sizes()) << what << " " << item.key();
    target.copy_(value);
  }
}

void load_golden_weights(CtrModel& model, const json& g) {
  model.to(torch::kFloat64);
  load_named(model.named_parameters(), g.at("parameters"), "parameter");
  load_named(model.named_buffers(), g.at("buffers"), "buffer");
}

void expect_named_close(const torch::OrderedDict<std::string, torch::Tensor>& tensors, const json& entries,
                        const std::string& what, const std::set<std::string>& loose = {}) {
  ASSERT_EQ(tensors.size(), entries.size()) << what;
  for (const auto& item : tensors) {
    const torch::Tensor expected = tensor_of(entries.at(item.key()), item.value().scalar_type());
    if (item.value().scalar_type() == torch::kInt64)
      EXPECT_TRUE(torch::equal(item.value(), expected)) << what << " " << item.key();
    else
      expect_close(item.value(), expected, what + " " + item.key(),
                   loose.count(item.key()) ? kRoundingNoiseTolerance : kTolerance);
  }
}

const json& find_case(const json& g, const std::string& name) {
  for (const json& c : g.at("cases"))
    if (c.at("name") == name) return c;
  throw std::runtime_error("no golden case " + name);
}

class DinGoldenCase : public ::testing::TestWithParam<std::string> {
 protected:
  void TearDown() override { print_worst_error(); }
};

TEST_P(DinGoldenCase, EvalLogitsMatchFuxiCtr) {
  const json& g = golden();
  const json& c = find_case(g, GetParam());
  GoldenData data = data_of(g);
  auto model = Create("din", config_of(g, c.at("din_use_softmax")), data.shape);
  ASSERT_NO_FATAL_FAILURE(load_golden_weights(*model, g));
  model->eval();
  torch::NoGradGuard no_grad;
  expect_close(model->forward(data.batches[0]), vector_of(c.at("eval_logits")), "eval logits");
}

// The loss in Trainer::step's form (BCE on the logits + the regulariser), its gradients before
// clipping, and the BatchNorm statistics after one train-mode forward.
TEST_P(DinGoldenCase, TrainLossAndGradientsMatchFuxiCtr) {
  const json& g = golden();
  const json& c = find_case(g, GetParam());
  GoldenData data = data_of(g);
  auto model = Create("din", config_of(g, c.at("din_use_softmax")), data.shape);
  ASSERT_NO_FATAL_FAILURE(load_golden_weights(*model, g));
  model->train();
  const Batch& batch = data.batches[0];
  auto logits = model->forward(batch);                                          // (B)
  auto bce = torch::binary_cross_entropy_with_logits(logits, batch.label);
  auto regularization = model->regularization();
  auto loss = bce + regularization;
  loss.backward();
  const json& train = c.at("train");
  expect_close(logits, vector_of(train.at("logits")), "train logits");
  expect_close(bce.item<double>(), train.at("bce").get<double>(), "bce");
  expect_close(regularization.item<double>(), train.at("regularization").get<double>(), "regularization");
  expect_close(loss.item<double>(), train.at("loss").get<double>(), "loss");
  torch::OrderedDict<std::string, torch::Tensor> gradients;
  for (const auto& item : model->named_parameters()) gradients.insert(item.key(), item.value().grad());
  expect_named_close(gradients, c.at("gradients"), "gradient");
  expect_named_close(model->named_buffers(), c.at("buffers_after_train_forward"), "buffer");
}

INSTANTIATE_TEST_SUITE_P(DinGolden, DinGoldenCase, ::testing::Values("no_softmax", "softmax"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

// Two Trainer::step calls (the trainer's own loss, clipping and Adam) against FuxiCTR's train_step:
// losses, the clipped gradients left after the first step, every parameter and buffer after each.
TEST(DinGoldenTrainer, StepsMatchFuxiCtrTrainStep) {
  const json& g = golden();
  const json& c = find_case(g, "no_softmax");
  GoldenData data = data_of(g);
  Trainer trainer(config_of(g, false), data.shape, "");
  // Module::to changes the parameters in place, so the optimizer built by Trainer still holds them.
  ASSERT_NO_FATAL_FAILURE(load_golden_weights(trainer.model(), g));
  const json& steps = c.at("steps");
  ASSERT_EQ(steps.size(), data.batches.size());
  ASSERT_LT(steps[0].at("clip_coefficient").get<double>(), 1.0) << "the golden case must clip its first step";
  std::set<std::string> rounding_only;
  for (const auto& item : c.at("gradients").items())
    if (tensor_of(item.value(), torch::kFloat64).abs().max().item<double>() < 1e-12) rounding_only.insert(item.key());
  EXPECT_EQ(rounding_only, (std::set<std::string>{"dnn.layers.0.bias", "dnn.layers.3.bias"}));
  for (size_t s = 0; s < steps.size(); ++s) {
    SCOPED_TRACE("step " + std::to_string(s + 1));
    const json& step = steps[s];
    expect_close(trainer.step(data.batches[s]), step.at("loss").get<double>(), "loss");
    if (s == 0) {
      const double clip = step.at("clip_coefficient");
      for (const auto& item : trainer.model().named_parameters())
        expect_close(item.value().grad(), clip * tensor_of(c.at("gradients").at(item.key()), torch::kFloat64),
                     "clipped gradient " + item.key());
    }
    expect_named_close(trainer.model().named_parameters(), step.at("parameters"), "parameter", rounding_only);
    expect_named_close(trainer.model().named_buffers(), step.at("buffers"), "buffer");
  }
  print_worst_error();
}

}  // namespace
}  // namespace mmctr::ctr
