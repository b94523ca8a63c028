// The DIN pieces against hand-computed values and finite differences.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "common/error.h"
#include "ctr/batch.h"
#include "ctr/din.h"
#include "ctr/din_attention.h"
#include "ctr/din_config.h"
#include "synthetic.h"

namespace mmctr::ctr {
namespace {

DinConfig tiny_config() {
  DinConfig config;
  config.embedding_dim = 4;
  config.dnn_hidden_units = {8, 4};
  config.attention_hidden_units = {6, 3};
  config.attention_dropout = 0;
  config.net_dropout = 0;
  config.batch_norm = false;
  config.embedding_regularizer = 0.01;
  return config;
}

// The straightforward attention: the first layer applied to [t, h, t-h, t*h] at every position.
torch::Tensor reference_scores(DinAttentionImpl& attention, const torch::Tensor& target,
                               const torch::Tensor& history_vectors, const torch::Tensor& mask) {
  auto t = target.unsqueeze(1).expand_as(history_vectors);
  auto input = torch::cat({t, history_vectors, t - history_vectors, t * history_vectors}, 2);
  auto hidden = torch::relu(attention.first_layer()->forward(input));
  return attention.rest()->forward(hidden.view({-1, hidden.size(2)})).view(mask.sizes()) * mask;
}

TEST(DinConfig, ParsesOverridesAndRoundTrips) {
  DinConfig config = DinConfig::from_yaml(
      "model_config:\n  embedding_dim: 64\n  dnn_hidden_units: [1024, 512, 256]\n"
      "dataset_config:\n  data_root: /data\n",
      "test.yaml");
  EXPECT_EQ(config.embedding_dim, 64);
  EXPECT_EQ(config.dnn_hidden_units, (std::vector<int64_t>{1024, 512, 256}));
  EXPECT_EQ(config.attention_hidden_units, (std::vector<int64_t>{1024, 512, 256}));  // default kept
  config.set("attention_hidden_units", "[512, 256]");
  config.set("model_config.learning_rate", "1e-3");
  config.set("din_use_softmax", "true");
  EXPECT_EQ(config.attention_hidden_units, (std::vector<int64_t>{512, 256}));
  EXPECT_DOUBLE_EQ(config.learning_rate, 1e-3);
  EXPECT_EQ(config.data_path("train.parquet"), "/data/train.parquet");
  const DinConfig back = DinConfig::from_yaml(config.to_yaml(), "roundtrip");
  EXPECT_EQ(back.to_yaml(), config.to_yaml());
  EXPECT_TRUE(back.din_use_softmax);
}

TEST(DinConfig, RejectsUnknownKeysAndBadValues) {
  EXPECT_THROW(DinConfig::from_yaml("model_config:\n  embeding_dim: 3\n", "t"), InputError);
  EXPECT_THROW(DinConfig::from_yaml("trainer:\n  epochs: 3\n", "t"), InputError);
  DinConfig config;
  EXPECT_THROW(config.set("epochs", "three"), InputError);
  EXPECT_THROW(config.set("no_such_key", "1"), InputError);
  config.set("net_dropout", "1.5");
  EXPECT_THROW(config.validate(), InputError);
}

TEST(DinConfig, GpuKeyChoosesTheDevice) {
  DinConfig config;
  EXPECT_EQ(config.device(), torch::Device(torch::kCPU));  // FuxiCTR's gpu: -1
  config.set("model_config.gpu", "-2");
  EXPECT_THROW(config.validate(), InputError);
  config.set("gpu", "0");
  EXPECT_EQ(DinConfig::from_yaml(config.to_yaml(), "roundtrip").gpu, 0);
  if (torch::cuda::is_available())
    EXPECT_EQ(config.device(), torch::Device(torch::kCUDA, 0));
  else
    EXPECT_THROW(config.device(), InputError);  // a clear error, not a crash inside LibTorch
}

TEST(BatchBuilder, MapsTargetsAndHistoriesOntoDistinctItems) {
  auto problem = testing::synthetic_problem(20, 5);
  BatchBuilder builder(problem.train, problem.items);
  const std::vector<int64_t> rows = {3, 7, 11};
  Batch batch = builder.build(rows.data(), 3);
  ASSERT_EQ(batch.size(), 3);
  const int64_t length = problem.train.item_seq.cols;
  for (int64_t i = 0; i < 3; ++i) {
    EXPECT_EQ(batch.items[batch.target[i].item<int64_t>()].item<int64_t>(), problem.train.item_id[rows[i]]);
    for (int64_t l = 0; l < length; ++l) {
      const int64_t id = problem.train.item_seq.row(rows[i])[l];
      EXPECT_EQ(batch.items[batch.history[i][l].item<int64_t>()].item<int64_t>(), id);
      EXPECT_EQ(batch.mask[i][l].item<float>(), id > 0 ? 1.0f : 0.0f);
    }
  }
  std::set<int64_t> distinct;
  for (int64_t u = 0; u < batch.items.numel(); ++u) distinct.insert(batch.items[u].item<int64_t>());
  EXPECT_EQ(static_cast<int64_t>(distinct.size()), batch.items.numel());  // each item once
  const int64_t item = batch.items[1].item<int64_t>();
  EXPECT_FLOAT_EQ(batch.item_emb[1][2].item<float>(), problem.items.emb.row(item)[2]);
  EXPECT_EQ(batch.item_tags[1][2].item<int64_t>(), problem.items.tags.row(item)[2]);
}

TEST(Din, TagPoolingAveragesNonZeroTagsAndPaddingIsZero) {
  DinConfig config = tiny_config();
  FeatureShape shape{5, 4, 5, 3, 11};
  Din din(config, shape);
  auto tag_table = din->named_parameters()["item_tags.weight"];
  {
    torch::NoGradGuard no_grad;
    tag_table.copy_(torch::arange(16, torch::kFloat32).view({4, 4}));
    tag_table[0].zero_();
  }
  auto items = torch::tensor({0, 2}, torch::kInt64);
  auto tags = torch::tensor({{0, 0, 0, 0, 0}, {0, 0, 1, 3, 3}}, torch::kInt64);
  auto vectors = din->item_vectors(items, tags, torch::zeros({2, 3}));  // (2, 4 + 4 + 3)
  // (row1 + 2 * row3) / 3 = ([4,5,6,7] + 2 * [12,13,14,15]) / 3
  auto expected = torch::tensor({28.0f / 3, 31.0f / 3, 34.0f / 3, 37.0f / 3});
  EXPECT_TRUE(torch::allclose(vectors[1].slice(0, 4, 8), expected));
  EXPECT_EQ(vectors[0].abs().sum().item<float>(), 0.0f);  // padding item: zero id, tags, projection
}

TEST(Din, InitialisationFollowsFuxiCTR) {
  torch::manual_seed(1);
  Din din(tiny_config(), FeatureShape{50, 10, 5, 3, 11});
  auto params = din->named_parameters();
  auto ids = params["item_id.weight"];
  EXPECT_EQ(ids[0].abs().sum().item<float>(), 0.0f);
  const double std_ids = ids.slice(0, 1).std().item<double>();
  EXPECT_NEAR(std_ids, 1e-4, 2e-5);
  EXPECT_EQ(params["dnn.layers.0.bias"].abs().sum().item<float>(), 0.0f);
  // Xavier normal: std = sqrt(2 / (fan_in + fan_out)); the first attention layer is 6 x 4·(4+4+3)
  const double std_first = params["attention.first.weight"].std().item<double>();
  EXPECT_NEAR(std_first, std::sqrt(2.0 / (44 + 6)), 0.05);
}

TEST(Din, RegularizerIsHalfLambdaTimesSquaredNormOfEmbeddings) {
  DinConfig config = tiny_config();
  Din din(config, FeatureShape{5, 4, 5, 3, 11});
  {
    torch::NoGradGuard no_grad;
    for (auto& p : din->parameters()) p.fill_(0.5);
  }
  // likes 11x4 + views 11x4 + items 5x4 + tags 4x4 + projection 3x3 = 133 weights of 0.25; the
  // attention and DNN weights are not regularised.
  EXPECT_NEAR(din->regularization().item<double>(), 0.01 / 2 * 133 * 0.25, 1e-7);
}

TEST(DinAttention, MatchesHandComputedScoresOnATinyCase) {
  // One-dimensional items, one hidden unit: score = f * relu(a t + b h + c (t - h) + d t h + e) + g
  DinAttention attention(DinAttentionOptions{1, {1}, 0.0, false});
  const double a = 0.5, b = -1.0, c = 2.0, d = 0.25, e = 0.1, f = 3.0, g = -0.2;
  {
    torch::NoGradGuard no_grad;
    attention->first_layer()->weight.copy_(torch::tensor({{a, b, c, d}}));
    attention->first_layer()->bias.fill_(e);
    auto rest = attention->rest()->named_parameters();
    rest["layers.0.weight"].fill_(f);
    rest["layers.0.bias"].fill_(g);
  }
  const double t = 2.0, h[3] = {1.0, -1.0, 3.0}, m[3] = {0, 1, 1};
  auto items = torch::tensor({{t}, {h[0]}, {h[1]}, {h[2]}}, torch::kFloat32);
  auto target = items.slice(0, 0, 1);
  auto history = torch::tensor({{1, 2, 3}}, torch::kInt64);
  auto mask = torch::tensor({{0.0f, 1.0f, 1.0f}});
  auto scores = attention->scores(target, items, history, mask);
  auto pooled = attention->forward(target, items, history, mask);
  double expected_pooled = 0;
  for (int l = 0; l < 3; ++l) {
    const double s = m[l] * (f * std::max(0.0, a * t + b * h[l] + c * (t - h[l]) + d * t * h[l] + e) + g);
    EXPECT_NEAR(scores[0][l].item<double>(), s, 1e-5) << "position " << l;
    expected_pooled += s * h[l];
  }
  EXPECT_NEAR(pooled[0][0].item<double>(), expected_pooled, 1e-5);
}

TEST(DinAttention, SplitFirstLayerEqualsConcatenatedInput) {
  torch::manual_seed(3);
  DinAttention attention(DinAttentionOptions{5, {7, 4}, 0.0, false});
  auto items = torch::randn({9, 5});
  auto history = torch::randint(0, 9, {3, 6}, torch::kInt64);
  auto mask = (torch::rand({3, 6}) > 0.3).to(torch::kFloat32);
  auto target = torch::randn({3, 5});
  auto expected = reference_scores(*attention, target, items.index_select(0, history.view(-1)).view({3, 6, 5}), mask);
  EXPECT_TRUE(torch::allclose(attention->scores(target, items, history, mask), expected, 1e-5, 1e-6));
}

TEST(DinAttention, MaskedPositionsDoNotMatter) {
  torch::manual_seed(4);
  for (bool softmax : {false, true}) {
    DinAttention attention(DinAttentionOptions{3, {5}, 0.0, softmax});
    auto items = torch::randn({6, 3});
    auto history = torch::tensor({{1, 2, 3, 4}, {5, 1, 2, 3}}, torch::kInt64);
    auto mask = torch::tensor({{0.0f, 0.0f, 1.0f, 1.0f}, {1.0f, 1.0f, 1.0f, 1.0f}});
    auto target = torch::randn({2, 3});
    auto pooled = attention->forward(target, items, history, mask);
    // Item 1 and 2 appear unmasked in row 1 only; replacing them in row 0 must not change row 0.
    auto other_history = torch::tensor({{5, 5, 3, 4}, {5, 1, 2, 3}}, torch::kInt64);
    auto pooled_other = attention->forward(target, items, other_history, mask);
    EXPECT_TRUE(torch::allclose(pooled[0], pooled_other[0])) << "softmax " << softmax;
    if (softmax) {
      auto scores = attention->scores(target, items, history, mask);
      EXPECT_NEAR(scores[0].sum().item<double>(), 1.0, 1e-6);
      EXPECT_EQ(scores[0][0].item<float>(), 0.0f);
    }
  }
}

const char* const kEmbeddingTables[] = {"likes_level.weight", "views_level.weight", "item_id.weight",
                                       "item_tags.weight"};

TEST(Din, GradientsMatchFiniteDifferencesInDouble) {
  torch::manual_seed(5);
  auto problem = testing::synthetic_problem(6, 1);
  DinConfig config = tiny_config();
  config.batch_norm = true;  // train-mode BatchNorm is part of the checked function
  Din din(config, feature_shape(problem.items, config));
  din->to(torch::kFloat64);
  {
    torch::NoGradGuard no_grad;  // lift the embeddings off their 1e-4 scale so every path matters
    for (auto& p : din->parameters()) p.add_(torch::randn_like(p) * 0.3);
    for (const char* table : kEmbeddingTables) din->named_parameters()[table][0].zero_();
  }
  BatchBuilder builder(problem.train, problem.items);
  const std::vector<int64_t> rows = {0, 1, 2, 3, 4, 5};
  Batch batch = builder.build(rows.data(), 6);
  batch.item_emb = batch.item_emb.to(torch::kFloat64);
  auto weights = torch::randn({6}, torch::kFloat64);
  auto objective = [&] {
    auto logits = din->forward(batch);
    return (logits * weights).sum() +
           torch::binary_cross_entropy_with_logits(logits, batch.label.to(torch::kFloat64)) +
           din->regularization();
  };
  din->zero_grad();
  objective().backward();
  const double step = 1e-6;
  int checked = 0;
  for (auto& item : din->named_parameters()) {
    const std::string& name = item.key();
    torch::Tensor& p = item.value();
    auto flat = p.view(-1);
    auto grad = p.grad().view(-1);
    // Row 0 of an embedding table is padding: fixed at zero, no gradient by design.
    const bool table = std::find(std::begin(kEmbeddingTables), std::end(kEmbeddingTables), name) !=
                       std::end(kEmbeddingTables);
    for (int64_t k = table ? p.size(1) : 0; k < flat.numel(); k += std::max<int64_t>(1, flat.numel() / 7)) {
      double numeric;
      {
        torch::NoGradGuard no_grad;
        const double original = flat[k].item<double>();
        flat[k].fill_(original + step);
        const double up = objective().item<double>();
        flat[k].fill_(original - step);
        const double down = objective().item<double>();
        flat[k].fill_(original);
        numeric = (up - down) / (2 * step);
      }
      const double analytic = grad[k].item<double>();
      EXPECT_NEAR(analytic, numeric, 1e-6 + 1e-5 * std::abs(numeric)) << name << "[" << k << "]";
      ++checked;
    }
  }
  EXPECT_GT(checked, 60);
}

}  // namespace
}  // namespace mmctr::ctr
