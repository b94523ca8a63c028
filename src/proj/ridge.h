// Closed-form ridge regression from features to targets, the linear reference the projector has
// to beat: W = (Xc'Xc + lambda I)^-1 Xc'Yc on centred data, so the intercept is not penalised.
#pragma once

#include <torch/torch.h>

namespace mmctr::proj {

class RidgeRegression {
 public:
  // x: (N, in), y: (N, out). Solved in double precision through a Cholesky factor.
  void fit(const torch::Tensor& x, const torch::Tensor& y, double lambda);
  // x: (M, in) -> (M, out), float.
  torch::Tensor predict(const torch::Tensor& x) const;

 private:
  torch::Tensor x_mean_, y_mean_, weight_;  // (in), (out), (in, out); double
};

}  // namespace mmctr::proj
