#include "metrics/check_inputs.h"

#include <cmath>

#include "common/error.h"

namespace mmctr::metrics {

void check_inputs(const char* metric, const std::vector<double>& labels,
                  const std::vector<double>& predictions) {
  MMCTR_CHECK(!labels.empty(), "{}: no rows to evaluate", metric);
  MMCTR_CHECK(labels.size() == predictions.size(), "{}: {} labels but {} predictions", metric,
              labels.size(), predictions.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    MMCTR_CHECK(labels[i] == 0.0 || labels[i] == 1.0, "{}: label at row {} is {}, expected 0 or 1",
                metric, i, labels[i]);
    MMCTR_CHECK(std::isfinite(predictions[i]), "{}: prediction at row {} is {}", metric, i,
                predictions[i]);
  }
}

}  // namespace mmctr::metrics
