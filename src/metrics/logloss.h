// Binary cross-entropy of probabilities, clipped to [eps, 1 - eps] first (FuxiCTR evaluates with
// sklearn's log_loss and eps = 1e-7), averaged over rows.
#pragma once

#include <vector>

namespace mmctr::metrics {

constexpr double kLoglossEps = 1e-7;

double logloss(const std::vector<double>& labels, const std::vector<double>& predictions,
               double eps = kLoglossEps);

}  // namespace mmctr::metrics
