#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "common/error.h"
#include "metrics/auc.h"
#include "metrics/group_auc.h"
#include "metrics/logloss.h"
#include "metrics/metric.h"

namespace mmctr::metrics {
namespace {

TEST(RocAuc, MatchesSklearnDocumentationExample) {
  // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
  EXPECT_DOUBLE_EQ(roc_auc({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 0.75);
}

TEST(RocAuc, TiesBetweenClassesCountHalf) {
  // Positives 0.35, 0.8, 0.4, 0.9 against negatives 0.1, 0.4, 0.4, 0.2:
  // 2 + 4 + (2 + 2 * 0.5) + 4 = 13 won pairs of 16.
  EXPECT_DOUBLE_EQ(roc_auc({0, 0, 1, 1, 0, 1, 0, 1}, {0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9}), 13.0 / 16);
  // All predictions equal: the ROC curve is the diagonal.
  EXPECT_DOUBLE_EQ(roc_auc({0, 1, 1, 0, 1}, {0.3, 0.3, 0.3, 0.3, 0.3}), 0.5);
}

TEST(RocAuc, EqualsPairCountingOnRandomTiedData) {
  std::mt19937 rng(7);
  std::vector<double> labels, predictions;
  for (int i = 0; i < 500; ++i) {
    labels.push_back(rng() % 3 == 0 ? 1 : 0);
    predictions.push_back(static_cast<double>(rng() % 20) / 20);  // many ties
  }
  double won = 0, pairs = 0;
  for (size_t i = 0; i < labels.size(); ++i)
    for (size_t j = 0; j < labels.size(); ++j)
      if (labels[i] == 1 && labels[j] == 0) {
        pairs += 1;
        won += predictions[i] > predictions[j] ? 1.0 : predictions[i] == predictions[j] ? 0.5 : 0.0;
      }
  EXPECT_NEAR(roc_auc(labels, predictions), won / pairs, 1e-12);
}

TEST(RocAuc, RejectsUndefinedAndMalformedInput) {
  EXPECT_THROW(roc_auc({1, 1}, {0.2, 0.3}), InputError);
  EXPECT_THROW(roc_auc({}, {}), InputError);
  EXPECT_THROW(roc_auc({0, 1}, {0.2}), InputError);
  EXPECT_THROW(roc_auc({0, 2}, {0.2, 0.3}), InputError);
  EXPECT_THROW(roc_auc({0, 1}, {0.2, NAN}), InputError);
}

TEST(GroupAuc, WeightsEachUsersAucByItsRowsAndSkipsOneClassUsers) {
  // user 7: 3 rows, AUC 1/2 (positive 0.5 beats 0.2, loses to 0.9);
  // user 3: 4 rows, AUC 3/4 ([0, 0, 1, 1] with [0.1, 0.4, 0.35, 0.8]);
  // user 5: only positives, left out.
  const std::vector<double> labels = {0, 1, 0, 0, 0, 1, 1, 1, 1};
  const std::vector<double> predictions = {0.2, 0.5, 0.1, 0.9, 0.4, 0.35, 0.8, 0.6, 0.7};
  const std::vector<int64_t> users = {7, 7, 3, 7, 3, 3, 3, 5, 5};
  const GroupAuc result = group_auc(labels, predictions, users);
  EXPECT_EQ(result.groups, 2);
  EXPECT_EQ(result.rows, 7);
  EXPECT_DOUBLE_EQ(result.gauc, (3 * 0.5 + 4 * 0.75) / 7);
  // The global AUC ranks across users; the group AUC does not see a user-wide offset.
  std::vector<double> shifted = predictions;
  for (size_t i = 0; i < shifted.size(); ++i)
    if (users[i] == 3) shifted[i] += 10;
  EXPECT_DOUBLE_EQ(group_auc(labels, shifted, users).gauc, result.gauc);
  EXPECT_NE(roc_auc(labels, shifted), roc_auc(labels, predictions));
}

TEST(GroupAuc, IsUndefinedWithoutAMixedGroupAndRejectsMismatchedGroups) {
  const GroupAuc none = group_auc({0, 1}, {0.2, 0.3}, {1, 2});
  EXPECT_EQ(none.groups, 0);
  EXPECT_TRUE(std::isnan(none.gauc));
  EXPECT_THROW(group_auc({0, 1}, {0.2, 0.3}, {1}), InputError);
  EXPECT_THROW(group_auc({0, 2}, {0.2, 0.3}, {1, 1}), InputError);
}

TEST(Logloss, MatchesSklearnDocumentationExample) {
  // sklearn.metrics.log_loss(["spam", "ham", "ham", "spam"],
  //                          [[.1, .9], [.9, .1], [.8, .2], [.35, .65]]) == 0.21616187468057912
  EXPECT_NEAR(logloss({1, 0, 0, 1}, {0.9, 0.1, 0.2, 0.65}), 0.21616187468057912, 1e-15);
}

TEST(Logloss, ClipsAtEps) {
  // Wrong predictions of exactly 0 and 1 cost -log(1e-7) each instead of infinity
  // (1 - (1 - 1e-7) is 1e-7 only up to rounding, hence the tolerance).
  const double expected = (2 * -std::log(1e-7) + -std::log(0.5) + -std::log(0.1)) / 4;
  EXPECT_NEAR(logloss({1, 0, 1, 0}, {0.0, 1.0, 0.5, 0.9}), expected, 1e-9);
}

TEST(MetricFactory, CreatesByNameAndRejectsUnknown) {
  auto auc = Create("AUC");
  EXPECT_EQ(auc->name(), "auc");
  EXPECT_TRUE(auc->higher_is_better());
  EXPECT_DOUBLE_EQ(auc->compute({0, 0, 1, 1}, {0.1, 0.4, 0.35, 0.8}), 0.75);
  auto loss = Create("logloss");
  EXPECT_FALSE(loss->higher_is_better());
  EXPECT_NEAR(loss->compute({1, 0}, {0.5, 0.5}), std::log(2.0), 1e-15);
  EXPECT_THROW(Create("gauc2"), InputError);
}

}  // namespace
}  // namespace mmctr::metrics
