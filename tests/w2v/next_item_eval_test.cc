#include <gtest/gtest.h>

#include <cmath>

#include "w2v/next_item_eval.h"

namespace mmctr::w2v {
namespace {

io::ListArray lists(const std::vector<std::vector<int64_t>>& rows) {
  io::ListArray out;
  for (const auto& r : rows) out.push_back(r.data(), static_cast<int64_t>(r.size()));
  return out;
}

// Items on a quarter circle: item 10*k sits at angle k * 10 degrees, so the cosine order is known.
Embeddings circle(int items) {
  Embeddings e;
  e.vectors = io::FloatMatrix{items, 2, {}};
  for (int k = 0; k < items; ++k) {
    e.ids.push_back(10 * k);
    e.vectors.data.push_back(static_cast<float>(std::cos(k * M_PI / 18)));
    e.vectors.data.push_back(static_cast<float>(std::sin(k * M_PI / 18)));
  }
  return e;
}

TEST(NextItemEval, SplitHoldsOutTheLastItem) {
  NextItemTask task = split_last_item(lists({{1, 2, 3}, {4}, {5, 6}}));
  EXPECT_EQ(task.targets, (std::vector<int64_t>{3, 6}));
  EXPECT_EQ(task.history.values, (std::vector<int64_t>{1, 2, 5}));
  EXPECT_EQ(task.history.offsets, (std::vector<int64_t>{0, 2, 3}));
}

TEST(NextItemEval, CosineRanksAroundTheQueryExcludingSeenItems) {
  Embeddings e = circle(12);
  // User 0: query 0, target 10: the nearest, rank 0.
  // User 1: query 0, seen 10 and 20, target 30: rank 0 once seen items are excluded.
  // User 2: query 0, target 110: the farthest, behind the 10 others, a miss at k=10.
  // User 3: query 30, target 60: behind 20 and 40 (10 degrees), 10 and 50 (20 degrees), and 0
  // (30 degrees too, the smaller id wins the tie): rank 5.
  NextItemTask task{lists({{0}, {10, 20, 0}, {0}, {30}}), {10, 30, 110, 60}};
  RankingMetrics m = evaluate_cosine(task, e, 10, 2);
  EXPECT_EQ(m.users, 4);
  EXPECT_DOUBLE_EQ(m.hit_rate, 3.0 / 4);
  EXPECT_NEAR(m.ndcg, (1.0 + 1.0 + 0.0 + 1.0 / std::log2(7.0)) / 4, 1e-12);
  RankingMetrics top1 = evaluate_cosine(task, e, 1, 1);
  EXPECT_DOUBLE_EQ(top1.hit_rate, 2.0 / 4);
}

TEST(NextItemEval, UnknownOrSeenTargetsAreMisses) {
  Embeddings e = circle(4);
  NextItemTask task{lists({{0}, {0, 10}}), {999, 10}};
  RankingMetrics m = evaluate_cosine(task, e, 10, 1);
  EXPECT_EQ(m.hit_rate, 0.0);
}

TEST(NextItemEval, PopularityRanksByHistoryCount) {
  // Counts: 7 x3, 8 x2, 9 x1, 5 x1.
  NextItemTask task{lists({{7, 7, 8}, {7, 8, 9}, {5}}), {9, 5, 8}};
  RankingMetrics m = evaluate_popularity(task, 2);
  // User 0 (seen 7, 8): 5 and 9 tie at 1, 5 first -> target 9 rank 1, hit.
  // User 1 (seen 7, 8, 9): only 5 left -> rank 0, hit. User 2 (seen 5): 7 then 8 -> rank 1, hit.
  EXPECT_DOUBLE_EQ(m.hit_rate, 1.0);
  EXPECT_NEAR(m.ndcg, (1 / std::log2(3.0) + 1.0 + 1 / std::log2(3.0)) / 3, 1e-12);
  EXPECT_DOUBLE_EQ(evaluate_popularity(task, 1).hit_rate, 1.0 / 3);
}

}  // namespace
}  // namespace mmctr::w2v
