#include <gtest/gtest.h>

#include <cmath>

#include "common/progress.h"
#include "w2v/corpus.h"
#include "w2v/rng.h"
#include "w2v/trainer.h"

namespace mmctr::w2v {
namespace {

// Two communities of 20 items each: sequences stay inside one community, so items of the same
// community share contexts and items of different communities never do.
Corpus two_communities(int sequences, uint64_t seed) {
  Rng rng(seed);
  CorpusBuilder builder;
  std::vector<int64_t> sequence(12);
  for (int s = 0; s < sequences; ++s) {
    int64_t community = s % 2;
    for (int64_t& id : sequence) id = 1000 * community + rng.below(20);
    builder.add(sequence.data(), static_cast<int64_t>(sequence.size()));
  }
  return std::move(builder).finish(1);
}

double cosine(const float* a, const float* b, int64_t dim) {
  double ab = 0, aa = 0, bb = 0;
  for (int64_t i = 0; i < dim; ++i) ab += a[i] * b[i], aa += a[i] * a[i], bb += b[i] * b[i];
  return ab / std::sqrt(aa * bb);
}

// Mean cosine within communities minus mean cosine across them.
double community_margin(const Corpus& corpus, const io::FloatMatrix& vectors) {
  double within = 0, across = 0;
  int64_t n_within = 0, n_across = 0;
  for (int64_t a = 0; a < vectors.rows; ++a) {
    for (int64_t b = a + 1; b < vectors.rows; ++b) {
      double c = cosine(vectors.row(a), vectors.row(b), vectors.cols);
      if (corpus.vocab.ids[a] / 1000 == corpus.vocab.ids[b] / 1000) within += c, ++n_within;
      else across += c, ++n_across;
    }
  }
  return within / n_within - across / n_across;
}

Args small_args() {
  Args args;
  args.dim = 16;
  args.epochs = 5;
  args.sample = 0;
  return args;
}

class TrainerTest : public ::testing::Test {
 protected:
  void SetUp() override { Progress::set_enabled(false); }
};

TEST_F(TrainerTest, SingleThreadIsDeterministicGivenTheSeed) {
  Corpus corpus = two_communities(200, 1);
  Args args = small_args();
  args.sample = 1e-3;  // exercise the downsampling draws too
  TrainStats first_stats, second_stats;
  io::FloatMatrix first = train(corpus, args, &first_stats);
  io::FloatMatrix second = train(corpus, args, &second_stats);
  EXPECT_EQ(first.data, second.data);
  EXPECT_EQ(first_stats.effective_words, second_stats.effective_words);
  args.seed = 2;
  EXPECT_NE(train(corpus, args).data, first.data);
}

TEST_F(TrainerTest, CountsWordsAndDownsamplesFrequentOnes) {
  Corpus corpus = two_communities(200, 1);
  Args args = small_args();
  TrainStats stats;
  train(corpus, args, &stats);
  EXPECT_EQ(stats.words, corpus.size() * args.epochs);
  EXPECT_EQ(stats.effective_words, stats.words);  // sample = 0 keeps everything
  EXPECT_EQ(stats.vocab_size, 40);
  // Threshold 2.4 occurrences; each item has about 60: keep (sqrt(60/2.4) + 1) * 2.4/60 = 0.24.
  args.sample = 1e-3;
  train(corpus, args, &stats);
  EXPECT_NEAR(double(stats.effective_words) / double(stats.words), 0.24, 0.03);
}

TEST_F(TrainerTest, InitialVectorsAreGensimsUniformRange) {
  Corpus corpus = two_communities(2, 1);
  Args args = small_args();
  args.alpha = 1e-30f;  // no learning: the result is the initialisation
  args.min_alpha = 0;
  io::FloatMatrix vectors = train(corpus, args);
  float low = 1, high = -1;
  for (float x : vectors.data) low = std::min(low, x), high = std::max(high, x);
  EXPECT_GE(low, -1.0f / args.dim);
  EXPECT_LT(high, 1.0f / args.dim);
  EXPECT_LT(low, -0.8f / args.dim);
  EXPECT_GT(high, 0.8f / args.dim);
}

struct Variant {
  const char* name;
  Model model;
  bool shared_negatives;
  int threads;
};

class TrainerVariantTest : public ::testing::TestWithParam<Variant> {
 protected:
  void SetUp() override { Progress::set_enabled(false); }
};

TEST_P(TrainerVariantTest, LearnsTheCommunities) {
  Corpus corpus = two_communities(400, 3);
  Args args = small_args();
  args.model = GetParam().model;
  args.shared_negatives = GetParam().shared_negatives;
  args.threads = GetParam().threads;
  io::FloatMatrix vectors = train(corpus, args);
  for (float x : vectors.data) ASSERT_TRUE(std::isfinite(x));
  EXPECT_GT(community_margin(corpus, vectors), 0.5);
}

INSTANTIATE_TEST_SUITE_P(Models, TrainerVariantTest,
                         ::testing::Values(Variant{"sg_shared", Model::SkipGram, true, 1},
                                           Variant{"sg_exact", Model::SkipGram, false, 1},
                                           Variant{"cbow", Model::Cbow, true, 1},
                                           Variant{"sg_hogwild", Model::SkipGram, true, 2},
                                           Variant{"cbow_hogwild", Model::Cbow, true, 2}),
                         [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace mmctr::w2v
