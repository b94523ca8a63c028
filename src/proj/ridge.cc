#include "proj/ridge.h"

#include "common/error.h"

namespace mmctr::proj {

void RidgeRegression::fit(const torch::Tensor& x, const torch::Tensor& y, double lambda) {
  torch::NoGradGuard no_grad;
  MMCTR_ASSERT(x.dim() == 2 && y.dim() == 2 && x.size(0) == y.size(0) && x.size(0) > 0);
  MMCTR_CHECK(lambda > 0 || x.size(0) > x.size(1),
              "ridge regression needs lambda > 0 when there are fewer items ({}) than features ({})",
              x.size(0), x.size(1));
  auto xd = x.to(torch::kFloat64), yd = y.to(torch::kFloat64);
  x_mean_ = xd.mean(0);
  y_mean_ = yd.mean(0);
  auto xc = xd - x_mean_, yc = yd - y_mean_;
  auto gram = xc.t().mm(xc) + lambda * torch::eye(x.size(1), torch::kFloat64);  // (in, in)
  auto factor = torch::linalg::cholesky(gram);
  weight_ = torch::cholesky_solve(xc.t().mm(yc), factor);  // (in, out)
}

torch::Tensor RidgeRegression::predict(const torch::Tensor& x) const {
  torch::NoGradGuard no_grad;
  MMCTR_ASSERT(weight_.defined());
  return ((x.to(torch::kFloat64) - x_mean_).mm(weight_) + y_mean_).to(torch::kFloat32);
}

}  // namespace mmctr::proj
