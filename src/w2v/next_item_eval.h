// The next-item protocol for judging item vectors on real sequences: train on each user's
// sequence minus its last item, query with the second-to-last item, rank every item by a score
// (cosine similarity to the query, or popularity) with the user's seen items excluded, and report
// HR@k and NDCG@k of the held-out last item.
#pragma once

#include <cstdint>
#include <vector>

#include "io/table.h"
#include "w2v/embeddings.h"

namespace mmctr::w2v {

struct NextItemTask {
  io::ListArray history;         // per user: the sequence minus its last item (the training data)
  std::vector<int64_t> targets;  // per user: the held-out last item
};

// Users with fewer than two items have nothing to query with and are left out.
NextItemTask split_last_item(const io::ListArray& sequences);

struct RankingMetrics {
  int64_t users = 0;
  double hit_rate = 0;  // HR@k
  double ndcg = 0;      // NDCG@k
};

// Candidates are the items that have vectors; a target without one (or already seen) is a miss.
// Ties are broken by the smaller item id.
RankingMetrics evaluate_cosine(const NextItemTask& task, const Embeddings& embeddings, int k, int threads);
// Candidates are the items of the history, scored by their count there.
RankingMetrics evaluate_popularity(const NextItemTask& task, int k);

}  // namespace mmctr::w2v
