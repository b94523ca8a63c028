#include "baseline/reference_scores.h"

#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"

namespace mmctr::baseline {
namespace {

// Rows with a history of 3 (left-padded), targets and labels.
io::CtrData rows(const std::vector<std::vector<int64_t>>& histories, const io::Int64Array& targets,
                 const io::Int64Array& labels) {
  io::CtrData data;
  data.item_seq.cols = 3;
  for (const auto& h : histories) {
    data.item_seq.data.insert(data.item_seq.data.end(), h.begin(), h.end());
    ++data.item_seq.rows;
  }
  data.item_id = targets;
  data.label = labels;
  data.user_id.assign(targets.size(), 1);
  data.likes_level.assign(targets.size(), 0);
  data.views_level.assign(targets.size(), 0);
  return data;
}

TEST(PopularityScores, CountClickedTrainRowsOfTheShownItem) {
  // item 2 clicked twice (and shown once without a click), item 3 once, item 4 never clicked
  const io::CtrData train = rows({{0, 0, 1}, {0, 1, 3}, {0, 0, 1}, {0, 0, 2}, {0, 0, 5}},
                                 {2, 2, 3, 4, 2}, {1, 1, 1, 0, 0});
  const io::CtrData data = rows({{0, 0, 1}, {0, 0, 1}, {0, 0, 1}, {0, 0, 1}}, {3, 2, 4, 5}, {0, 1, 0, 1});
  EXPECT_EQ(popularity_scores(train, data), (std::vector<double>{1, 2, 0, 0}));
}

TEST(CosineScores, CompareTheTargetWithTheMeanOfTheUnpaddedHistory) {
  io::ItemInfo items;
  items.item_id = {0, 1, 2, 3, 4};
  items.emb = io::FloatMatrix{5, 2, {0, 0,  /* 1 */ 1, 0,  /* 2 */ 0, 1,  /* 3 */ 3, 4,  /* 4 */ 0, 0}};
  const io::CtrData data = rows({{0, 1, 2}, {0, 0, 1}, {0, 0, 2}, {0, 0, 1}, {0, 0, 0}}, {3, 2, 3, 4, 1},
                                {1, 0, 1, 0, 0});
  const std::vector<double> scores = cosine_scores(items, data);
  // mean of (1,0) and (0,1) is (0.5,0.5); with (3,4): 3.5 / (|(0.5,0.5)| * 5) = 0.7 * sqrt(2)
  EXPECT_NEAR(scores[0], 0.7 * std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(scores[1], 0.0, 1e-12);         // orthogonal
  EXPECT_NEAR(scores[2], 0.8, 1e-12);         // (0,1) against (3,4)/5
  EXPECT_EQ(scores[3], 0.0);                  // zero target vector
  EXPECT_EQ(scores[4], 0.0);                  // empty history
}

TEST(CosineScores, NeedsAnEmbeddingColumn) {
  io::ItemInfo items;
  items.item_id = {0, 1};
  const io::CtrData data = rows({{0, 0, 1}}, {1}, {1});
  EXPECT_THROW(cosine_scores(items, data), InputError);
}

}  // namespace
}  // namespace mmctr::baseline
