#include "baseline/reference_scores.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "common/error.h"

namespace mmctr::baseline {

std::vector<double> popularity_scores(const io::CtrData& train, const io::CtrData& data) {
  MMCTR_CHECK(!train.label.empty(), "popularity: the training rows have no label column");
  std::unordered_map<int64_t, double> clicks;
  for (int64_t r = 0; r < train.rows(); ++r)
    if (train.label[r] == 1) clicks[train.item_id[r]] += 1;
  std::vector<double> scores(data.rows());
  for (int64_t r = 0; r < data.rows(); ++r) {
    const auto found = clicks.find(data.item_id[r]);
    scores[r] = found == clicks.end() ? 0.0 : found->second;
  }
  return scores;
}

std::vector<double> cosine_scores(const io::ItemInfo& items, const io::CtrData& data) {
  const io::FloatMatrix& emb = items.emb;
  MMCTR_CHECK(emb.rows == items.items() && emb.cols > 0, "cosine: item_info has no embedding column");
  const int64_t dim = emb.cols;
  std::vector<double> mean(dim);
  std::vector<double> scores(data.rows());
  for (int64_t r = 0; r < data.rows(); ++r) {
    std::fill(mean.begin(), mean.end(), 0.0);
    const int64_t* history = data.item_seq.row(r);
    for (int64_t p = 0; p < data.item_seq.cols; ++p) {
      if (history[p] <= 0) continue;
      const float* v = emb.row(history[p]);
      for (int64_t d = 0; d < dim; ++d) mean[d] += v[d];
    }
    // The mean's scale does not change a cosine: the sum serves.
    const float* target = emb.row(data.item_id[r]);
    double dot = 0, mean_norm = 0, target_norm = 0;
    for (int64_t d = 0; d < dim; ++d) {
      dot += mean[d] * target[d];
      mean_norm += mean[d] * mean[d];
      target_norm += static_cast<double>(target[d]) * target[d];
    }
    scores[r] = mean_norm > 0 && target_norm > 0 ? dot / std::sqrt(mean_norm * target_norm) : 0.0;
  }
  return scores;
}

}  // namespace mmctr::baseline
