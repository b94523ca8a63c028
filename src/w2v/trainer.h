// Word2Vec with negative sampling (skip-gram or CBOW) over an in-memory corpus, trained the way
// fastText does it: Hogwild threads over offset shards of the corpus, lock-free updates of the
// shared matrices, a learning rate decayed linearly by an atomic count of processed words.
//
// Same semantics as gensim 4 (word2vec_inner.pyx) in: vocabulary order and min_count, keep
// probability applied before windowing, reduced windows, linear decay over all epochs, count^0.75
// negatives with draws equal to the target dropped, |logit| >= 6 pairs skipped, sg as "context
// input predicts centre", CBOW mean with the undivided gradient, init uniform [-1/dim, 1/dim).
// Departures, for speed: skip-gram by default shares one draw of negatives among all context words
// of a centre word and updates them as one block from the same snapshot (Args::shared_negatives;
// false restores gensim's per-pair draws); negatives come from an alias table rather than a
// cumulative table (same distribution); our own RNG streams; sequences are never split (gensim
// splits at 10,000 words).
#pragma once

#include <cstdint>

#include "io/table.h"
#include "w2v/args.h"
#include "w2v/corpus.h"

namespace mmctr::w2v {

struct TrainStats {
  int64_t vocab_size = 0;
  int64_t sequences = 0;
  int64_t words = 0;            // corpus tokens x epochs
  int64_t effective_words = 0;  // of those, the ones kept by downsampling (gensim's count)
  double seconds = 0;
  const char* kernels = "";
  double effective_words_per_second() const { return seconds > 0 ? effective_words / seconds : 0; }
};

// Returns the input vectors (vocab size, dim), row i for corpus.vocab.ids[i]. With
// args.threads == 1 the result depends only on the corpus and args (seed included).
io::FloatMatrix train(const Corpus& corpus, const Args& args, TrainStats* stats = nullptr);

}  // namespace mmctr::w2v
