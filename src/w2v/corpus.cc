#include "w2v/corpus.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "common/error.h"

namespace mmctr::w2v {

void CorpusBuilder::add(const int64_t* ids, int64_t n) {
  if (n <= 0) return;
  for (int64_t i = 0; i < n; ++i) {
    auto [it, inserted] = index_of_.try_emplace(ids[i], static_cast<int32_t>(ids_.size()));
    if (inserted) {
      MMCTR_ASSERT(ids_.size() < static_cast<size_t>(std::numeric_limits<int32_t>::max()));
      ids_.push_back(ids[i]);
      counts_.push_back(0);
    }
    ++counts_[it->second];
    tokens_.push_back(it->second);
  }
  offsets_.push_back(static_cast<int64_t>(tokens_.size()));
}

void CorpusBuilder::add(const io::ListArray& sequences) {
  for (int64_t r = 0; r < sequences.rows(); ++r) add(sequences.row(r), sequences.length(r));
}

Corpus CorpusBuilder::finish(int64_t min_count) && {
  // gensim's order: descending count; the stable sort keeps first appearance among equal counts.
  std::vector<int32_t> order(ids_.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return counts_[a] > counts_[b]; });
  Corpus corpus;
  constexpr int32_t kDropped = -1;
  std::vector<int32_t> final_index(ids_.size(), kDropped);
  for (int32_t provisional : order) {
    if (counts_[provisional] < min_count) break;
    final_index[provisional] = static_cast<int32_t>(corpus.vocab.ids.size());
    corpus.vocab.ids.push_back(ids_[provisional]);
    corpus.vocab.counts.push_back(counts_[provisional]);
  }
  MMCTR_CHECK(!corpus.vocab.ids.empty(),
              "empty corpus: {} non-empty sequences, no item seen at least min_count={} times",
              sequences(), min_count);
  index_of_.clear();

  // Renumber in place; sequences that lose all their items disappear.
  corpus.offsets.push_back(0);
  int64_t write = 0;
  for (size_t s = 0; s + 1 < offsets_.size(); ++s) {
    for (int64_t i = offsets_[s]; i < offsets_[s + 1]; ++i) {
      int32_t index = final_index[tokens_[i]];
      if (index != kDropped) tokens_[write++] = index;
    }
    if (write > corpus.offsets.back()) corpus.offsets.push_back(write);
  }
  tokens_.resize(write);
  tokens_.shrink_to_fit();
  corpus.tokens = std::move(tokens_);
  return corpus;
}

}  // namespace mmctr::w2v
