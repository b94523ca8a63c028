#include "proj/regression_score.h"

namespace mmctr::proj {

RegressionScore score_regression(const torch::Tensor& prediction, const torch::Tensor& target) {
  torch::NoGradGuard no_grad;
  RegressionScore score;
  score.mse = torch::mse_loss(prediction, target).item<double>();
  score.cosine = torch::cosine_similarity(prediction, target, /*dim=*/1).mean().item<double>();
  return score;
}

}  // namespace mmctr::proj
