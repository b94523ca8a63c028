#include "ctr/dropout.h"

#include <gtest/gtest.h>

namespace mmctr::ctr {
namespace {

TEST(Dropout, IsTheIdentityInEvaluationOrWithoutRate) {
  auto x = torch::randn({100, 7});
  EXPECT_TRUE(torch::equal(ctr::dropout(x, 0.3, /*training=*/false), x));
  EXPECT_TRUE(torch::equal(ctr::dropout(x, 0.0, /*training=*/true), x));
}

TEST(Dropout, KeepsOneMinusPAndScalesKeptValues) {
  torch::manual_seed(11);
  const double p = 0.2;
  auto x = torch::rand({1000, 1000}) + 1.0;  // no zeros: a zero in the output means dropped
  auto y = ctr::dropout(x, p, /*training=*/true);
  auto kept = y != 0;
  // 1e6 Bernoulli(0.8) draws: standard deviation of the share 0.0004.
  EXPECT_NEAR(kept.to(torch::kFloat64).mean().item<double>(), 1 - p, 0.002);
  EXPECT_TRUE(torch::allclose(y.masked_select(kept), x.masked_select(kept) / (1 - p)));
  // Rows and columns are not correlated with the mask: every row keeps about the same share.
  auto per_row = kept.to(torch::kFloat64).mean(1);
  EXPECT_NEAR(per_row.min().item<double>(), 1 - p, 0.07);
  EXPECT_NEAR(per_row.max().item<double>(), 1 - p, 0.07);
}

TEST(Dropout, MaskFollowsTheTorchSeedNotTheThreadCount) {
  auto x = torch::ones({300, 301}, torch::kFloat64);
  const int threads = at::get_num_threads();
  torch::manual_seed(5);
  auto a = ctr::dropout(x, 0.5, true);
  at::set_num_threads(1);
  torch::manual_seed(5);
  auto b = ctr::dropout(x, 0.5, true);
  at::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_EQ(a.scalar_type(), torch::kFloat64);
  auto c = ctr::dropout(x, 0.5, true);  // the generator moved on
  EXPECT_FALSE(torch::equal(a, c));
}

TEST(Dropout, GradientIsTheMask) {
  torch::manual_seed(3);
  auto x = torch::randn({64, 33}, torch::requires_grad());
  auto y = ctr::dropout(x, 0.4, true);
  y.sum().backward();
  auto expected = (y.detach() != 0).to(torch::kFloat32) / 0.6;
  EXPECT_TRUE(torch::allclose(x.grad(), expected));
}

}  // namespace
}  // namespace mmctr::ctr
