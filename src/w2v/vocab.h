// The vocabulary: item ids with their corpus counts, indexed like gensim's (descending count, ties
// in order of first appearance), and gensim's downsampling keep probability.
#pragma once

#include <cstdint>
#include <vector>

namespace mmctr::w2v {

struct Vocab {
  std::vector<int64_t> ids;     // vocab index -> item id
  std::vector<int64_t> counts;  // vocab index -> occurrences in the corpus

  int64_t size() const { return static_cast<int64_t>(ids.size()); }
  int64_t total_count() const;
};

// gensim: the probability of keeping one occurrence of a word seen `count` times, with
// threshold_count = sample * (total words of the vocabulary): (sqrt(c/t) + 1) * t/c, at most 1.
double keep_probability(int64_t count, double threshold_count);

// Per vocab index: keep an occurrence iff a uniform 32-bit draw is <= the value (gensim's
// sample_int). sample == 0 keeps everything.
std::vector<uint32_t> keep_thresholds(const Vocab& vocab, double sample);

}  // namespace mmctr::w2v
