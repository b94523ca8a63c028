// Trains the projector on (features, target) pairs with MSE and Adam, one shuffled pass per
// epoch, and scores it on held-out items after every epoch. Randomness (shuffling, dropout) comes
// from torch's global generator: seed it (torch::manual_seed) first for a reproducible run.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <vector>

#include "proj/projector.h"
#include "proj/regression_score.h"

namespace mmctr::proj {

struct TrainOptions {
  int epochs = 10;
  int64_t batch = 256;
  double lr = 1e-3;
};

struct EpochReport {
  int epoch = 0;            // 1-based
  double train_loss = 0;    // mean MSE over the epoch's batches
  bool has_valid = false;
  RegressionScore valid;    // on the held-out items, model in eval mode
  double seconds = 0;
};

// x_train (N, in), y_train (N, out); x_valid/y_valid may be empty (0 rows). A last batch of one
// item is skipped (BatchNorm needs two), so N >= 2.
std::vector<EpochReport> train_projector(Projector& model, const torch::Tensor& x_train,
                                         const torch::Tensor& y_train, const torch::Tensor& x_valid,
                                         const torch::Tensor& y_valid, const TrainOptions& options,
                                         const std::function<void(const EpochReport&)>& on_epoch = {});

// Eval-mode projection of x (M, in), M >= 1 -> (M, out), in batches of `batch` rows.
torch::Tensor project(Projector& model, const torch::Tensor& x, int64_t batch = 8192);

}  // namespace mmctr::proj
