// Input checks shared by the metrics: equal non-empty sizes, 0/1 labels, finite predictions.
#pragma once

#include <vector>

namespace mmctr::metrics {

void check_inputs(const char* metric, const std::vector<double>& labels,
                  const std::vector<double>& predictions);

}  // namespace mmctr::metrics
