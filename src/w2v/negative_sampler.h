// Draws negative samples with probability proportional to count^0.75 (gensim's ns_exponent) in
// O(1) per draw: Walker's alias table, two 4-byte entries per word instead of gensim's binary
// search over a cumulative table or word2vec.c's 100M-entry unigram table.
#pragma once

#include <cstdint>
#include <vector>

#include "w2v/rng.h"

namespace mmctr::w2v {

class NegativeSampler {
 public:
  NegativeSampler(const std::vector<int64_t>& counts, double exponent = 0.75);

  int32_t draw(Rng& rng) const {
    uint64_t r = rng.next();
    auto slot = static_cast<uint32_t>(((r >> 32) * size_) >> 32);
    return static_cast<uint32_t>(r) < keep_[slot] ? static_cast<int32_t>(slot) : alias_[slot];
  }

  // The probability with which draw() returns `index` (for tests).
  double probability(int32_t index) const;

 private:
  uint64_t size_;
  std::vector<uint32_t> keep_;   // slot kept if a 32-bit draw is below; 2^32 - 1 ~ always
  std::vector<int32_t> alias_;   // otherwise this index
};

}  // namespace mmctr::w2v
