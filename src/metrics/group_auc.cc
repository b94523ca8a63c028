#include "metrics/group_auc.h"

#include <algorithm>
#include <limits>
#include <numeric>

#include "common/error.h"
#include "metrics/auc.h"
#include "metrics/check_inputs.h"

namespace mmctr::metrics {

GroupAuc group_auc(const std::vector<double>& labels, const std::vector<double>& predictions,
                   const std::vector<int64_t>& groups) {
  check_inputs("gauc", labels, predictions);
  MMCTR_CHECK(groups.size() == labels.size(), "gauc: {} group ids for {} labels", groups.size(), labels.size());
  std::vector<size_t> order(labels.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return groups[a] < groups[b]; });

  GroupAuc result;
  double weighted_sum = 0;
  std::vector<double> group_labels, group_predictions;
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin;
    group_labels.clear();
    group_predictions.clear();
    double positives = 0;
    while (end < order.size() && groups[order[end]] == groups[order[begin]]) {
      group_labels.push_back(labels[order[end]]);
      group_predictions.push_back(predictions[order[end]]);
      positives += labels[order[end]];
      ++end;
    }
    const double n = static_cast<double>(end - begin);
    if (positives > 0 && positives < n) {
      weighted_sum += n * roc_auc(group_labels, group_predictions);
      result.rows += static_cast<int64_t>(n);
      ++result.groups;
    }
    begin = end;
  }
  result.gauc = result.groups > 0 ? weighted_sum / static_cast<double>(result.rows)
                                  : std::numeric_limits<double>::quiet_NaN();
  return result;
}

}  // namespace mmctr::metrics
