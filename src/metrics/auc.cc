#include "metrics/auc.h"

#include <algorithm>
#include <cstdint>
#include <numeric>

#include "common/error.h"
#include "metrics/check_inputs.h"

namespace mmctr::metrics {

double roc_auc(const std::vector<double>& labels, const std::vector<double>& predictions) {
  check_inputs("auc", labels, predictions);
  const size_t n = labels.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return predictions[a] < predictions[b]; });

  // Walk groups of equal predictions in increasing order. Every positive beats the negatives
  // already passed, and ties with the negatives of its own group for half credit.
  double pairs_won = 0;
  int64_t negatives_below = 0, positives = 0;
  for (size_t begin = 0; begin < n;) {
    size_t end = begin;
    int64_t group_pos = 0, group_neg = 0;
    while (end < n && predictions[order[end]] == predictions[order[begin]]) {
      (labels[order[end]] == 1.0 ? group_pos : group_neg) += 1;
      ++end;
    }
    pairs_won += static_cast<double>(group_pos) *
                 (static_cast<double>(negatives_below) + 0.5 * static_cast<double>(group_neg));
    negatives_below += group_neg;
    positives += group_pos;
    begin = end;
  }
  MMCTR_CHECK(positives > 0 && negatives_below > 0,
              "auc: only one class among {} labels ({} positive); the AUC is undefined", n, positives);
  return pairs_won / (static_cast<double>(positives) * static_cast<double>(negatives_below));
}

}  // namespace mmctr::metrics
