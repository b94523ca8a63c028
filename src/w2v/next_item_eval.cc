#include "w2v/next_item_eval.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "common/error.h"
#include "common/parallel.h"
#include "w2v/kernels.h"

namespace mmctr::w2v {
namespace {

int64_t index_of(const std::vector<int64_t>& sorted_ids, int64_t id) {
  auto it = std::lower_bound(sorted_ids.begin(), sorted_ids.end(), id);
  return it != sorted_ids.end() && *it == id ? it - sorted_ids.begin() : -1;
}

// Ranks every user's target among the candidates (sorted ids) by score_user(user, scores), seen
// items excluded, and averages HR@k and NDCG@k.
RankingMetrics rank_targets(const NextItemTask& task, const std::vector<int64_t>& candidates, int k,
                            int threads, const std::function<void(int64_t, std::vector<float>&)>& score_user) {
  const int64_t users = task.history.rows();
  std::vector<double> hit(users, 0.0), gain(users, 0.0);
  parallel_for(users, threads, [&](int64_t begin, int64_t end, int) {
    std::vector<float> scores(candidates.size());
    std::vector<char> seen(candidates.size(), 0);
    std::vector<int64_t> seen_indices;
    for (int64_t u = begin; u < end; ++u) {
      int64_t target = index_of(candidates, task.targets[u]);
      seen_indices.clear();
      for (int64_t i = 0; i < task.history.length(u); ++i) {
        int64_t c = index_of(candidates, task.history.row(u)[i]);
        if (c >= 0) seen[c] = 1, seen_indices.push_back(c);
      }
      if (target >= 0 && !seen[target]) {
        score_user(u, scores);
        const float target_score = scores[target];
        int64_t rank = 0;
        for (int64_t c = 0; c < static_cast<int64_t>(candidates.size()) && rank < k; ++c)
          if (!seen[c] && c != target && (scores[c] > target_score || (scores[c] == target_score && c < target)))
            ++rank;
        if (rank < k) hit[u] = 1.0, gain[u] = 1.0 / std::log2(double(rank) + 2.0);
      }
      for (int64_t c : seen_indices) seen[c] = 0;
    }
  });
  RankingMetrics metrics;
  metrics.users = users;
  for (int64_t u = 0; u < users; ++u) metrics.hit_rate += hit[u], metrics.ndcg += gain[u];
  if (users > 0) metrics.hit_rate /= double(users), metrics.ndcg /= double(users);
  return metrics;
}

}  // namespace

NextItemTask split_last_item(const io::ListArray& sequences) {
  NextItemTask task;
  for (int64_t r = 0; r < sequences.rows(); ++r) {
    int64_t n = sequences.length(r);
    if (n < 2) continue;
    task.history.push_back(sequences.row(r), n - 1);
    task.targets.push_back(sequences.row(r)[n - 1]);
  }
  return task;
}

RankingMetrics evaluate_cosine(const NextItemTask& task, const Embeddings& embeddings, int k, int threads) {
  const Kernels& kernels = best_kernels();
  const int dim = static_cast<int>(embeddings.vectors.cols);
  io::FloatMatrix unit = embeddings.vectors;
  for (int64_t r = 0; r < unit.rows; ++r) {
    float norm = std::sqrt(kernels.dot(unit.row(r), unit.row(r), dim));
    if (norm > 0) for (int64_t c = 0; c < dim; ++c) unit.row(r)[c] /= norm;
  }
  return rank_targets(task, embeddings.ids, k, threads, [&](int64_t u, std::vector<float>& scores) {
    int64_t query = index_of(embeddings.ids, task.history.row(u)[task.history.length(u) - 1]);
    for (int64_t c = 0; c < unit.rows; ++c)
      scores[c] = query >= 0 ? kernels.dot(unit.row(query), unit.row(c), dim) : 0.0f;
  });
}

RankingMetrics evaluate_popularity(const NextItemTask& task, int k) {
  std::map<int64_t, int64_t> counts;
  for (int64_t v : task.history.values) ++counts[v];
  std::vector<int64_t> ids;
  std::vector<float> popularity;
  for (auto [id, count] : counts) ids.push_back(id), popularity.push_back(static_cast<float>(count));
  return rank_targets(task, ids, k, 1, [&](int64_t, std::vector<float>& scores) { scores = popularity; });
}

}  // namespace mmctr::w2v
