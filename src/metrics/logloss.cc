#include "metrics/logloss.h"

#include <algorithm>
#include <cmath>

#include "metrics/check_inputs.h"

namespace mmctr::metrics {

double logloss(const std::vector<double>& labels, const std::vector<double>& predictions, double eps) {
  check_inputs("logloss", labels, predictions);
  double total = 0;
  for (size_t i = 0; i < labels.size(); ++i) {
    const double p = std::clamp(predictions[i], eps, 1.0 - eps);
    total -= labels[i] * std::log(p) + (1.0 - labels[i]) * std::log(1.0 - p);
  }
  return total / static_cast<double>(labels.size());
}

}  // namespace mmctr::metrics
