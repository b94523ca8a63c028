// The next-item protocol on real Amazon data: Word2Vec neighbours must beat popularity by
// a wide margin. Smaller than the benchmark's setting (dim 64) to keep the test short.
#include <gtest/gtest.h>

#include "common/progress.h"
#include "w2v/corpus.h"
#include "w2v/next_item_eval.h"
#include "w2v/sequence_source.h"
#include "w2v/trainer.h"

namespace mmctr::w2v {
namespace {

TEST(Quality, ToysAndGamesSkipGramFarAbovePopularity) {
  Progress::set_enabled(false);
  NextItemTask task = split_last_item(read_amazon_sequences(MMCTR_SHARED_DIR "/data/amazon/Toys_and_Games.txt"));
  ASSERT_EQ(task.targets.size(), 19412u);
  CorpusBuilder builder;
  builder.add(task.history);
  Corpus corpus = std::move(builder).finish(1);
  Args args;
  args.dim = 64;
  args.epochs = 15;
  args.threads = 2;
  Embeddings embeddings = sort_by_id(corpus.vocab, train(corpus, args));
  RankingMetrics ours = evaluate_cosine(task, embeddings, 10, 2);
  RankingMetrics popularity = evaluate_popularity(task, 10);
  RecordProperty("hr10", std::to_string(ours.hit_rate));
  RecordProperty("popularity_hr10", std::to_string(popularity.hit_rate));
  EXPECT_GT(popularity.hit_rate, 0.005);  // the floor is real, not zero
  EXPECT_GT(ours.hit_rate, 3 * popularity.hit_rate);
  EXPECT_GT(ours.ndcg, 3 * popularity.ndcg);
  EXPECT_GT(ours.ndcg, 0.4 * ours.hit_rate);  // hits concentrate near the top
}

}  // namespace
}  // namespace mmctr::w2v
