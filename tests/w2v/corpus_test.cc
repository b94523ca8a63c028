#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "w2v/corpus.h"
#include "w2v/negative_sampler.h"
#include "w2v/vocab.h"

namespace mmctr::w2v {
namespace {

Corpus build(const std::vector<std::vector<int64_t>>& sequences, int64_t min_count) {
  CorpusBuilder builder;
  for (const auto& s : sequences) builder.add(s.data(), static_cast<int64_t>(s.size()));
  return std::move(builder).finish(min_count);
}

TEST(Corpus, VocabularyIsSortedByCountThenFirstAppearance) {
  Corpus corpus = build({{42, 7, 42, 9}, {}, {9, 7, 42, 100}}, 1);
  EXPECT_EQ(corpus.vocab.ids, (std::vector<int64_t>{42, 7, 9, 100}));
  EXPECT_EQ(corpus.vocab.counts, (std::vector<int64_t>{3, 2, 2, 1}));
  // The empty sequence is skipped; tokens are vocab indices.
  EXPECT_EQ(corpus.offsets, (std::vector<int64_t>{0, 4, 8}));
  EXPECT_EQ(corpus.tokens, (std::vector<int32_t>{0, 1, 0, 2, 2, 1, 0, 3}));
}

TEST(Corpus, MinCountDropsRareItemsAndEmptiedSequences) {
  Corpus corpus = build({{1, 2, 1}, {3, 4}, {2, 3, 1}}, 2);
  EXPECT_EQ(corpus.vocab.ids, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(corpus.vocab.total_count(), 7);
  // {3, 4} keeps 3; a sequence of only rare items would vanish.
  EXPECT_EQ(corpus.sequences(), 3);
  Corpus strict = build({{1, 2, 1}, {5, 6}, {2, 1}}, 2);
  EXPECT_EQ(strict.sequences(), 2);
  EXPECT_EQ(strict.tokens, (std::vector<int32_t>{0, 1, 0, 1, 0}));
}

TEST(Corpus, NothingLeftIsAnInputError) {
  EXPECT_THROW(build({{}, {}}, 1), InputError);
  EXPECT_THROW(build({{1, 2, 3}}, 2), InputError);
}

TEST(Vocab, KeepProbabilityMatchesGensimFormula) {
  // sample 1e-3 over a million words: threshold count 1000.
  EXPECT_NEAR(keep_probability(10000, 1000.0), (std::sqrt(10.0) + 1) * 0.1, 1e-12);
  EXPECT_NEAR(keep_probability(100000, 1000.0), 0.11, 1e-12);
  EXPECT_DOUBLE_EQ(keep_probability(1000, 1000.0), 1.0);  // (1 + 1) * 1 capped at 1
  EXPECT_DOUBLE_EQ(keep_probability(3, 1000.0), 1.0);
}

TEST(Vocab, KeepThresholdsScaleToUint32) {
  Vocab vocab{{1, 2}, {999000, 1000}};  // 1M words, threshold count 1000
  auto thresholds = keep_thresholds(vocab, 1e-3);
  EXPECT_NEAR(thresholds[0] / 4294967295.0, keep_probability(999000, 1000.0), 1e-9);
  EXPECT_EQ(thresholds[1], 4294967295u);
  for (uint32_t t : keep_thresholds(vocab, 0.0)) EXPECT_EQ(t, 4294967295u);
}

TEST(NegativeSampler, DrawsProportionalToCountPowerThreeQuarters) {
  std::vector<int64_t> counts{5000, 1200, 300, 40, 1, 1, 7};
  double total = 0;
  for (int64_t c : counts) total += std::pow(double(c), 0.75);
  NegativeSampler sampler(counts);
  std::vector<int64_t> drawn(counts.size(), 0);
  Rng rng(3);
  const int draws = 2'000'000;
  for (int i = 0; i < draws; ++i) ++drawn[sampler.draw(rng)];
  for (size_t i = 0; i < counts.size(); ++i) {
    double expected = std::pow(double(counts[i]), 0.75) / total;
    EXPECT_NEAR(sampler.probability(static_cast<int32_t>(i)), expected, 1e-7) << "index " << i;
    // 5 standard deviations of a binomial share.
    double tolerance = 5 * std::sqrt(expected * (1 - expected) / draws);
    EXPECT_NEAR(double(drawn[i]) / draws, expected, tolerance) << "index " << i;
  }
}

}  // namespace
}  // namespace mmctr::w2v
