// How close predicted vectors are to their targets: what the projector and its two reference
// predictors (mean target, ridge regression) are compared on.
#pragma once

#include <torch/torch.h>

namespace mmctr::proj {

struct RegressionScore {
  double mse = 0;     // mean over rows and dimensions, as torch's mse_loss
  double cosine = 0;  // mean over rows of cos(prediction, target)
};

// prediction, target: (N, D), N >= 1.
RegressionScore score_regression(const torch::Tensor& prediction, const torch::Tensor& target);

}  // namespace mmctr::proj
