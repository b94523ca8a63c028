#include "proj/projector_trainer.h"

#include <fmt/format.h>

#include <chrono>

#include "common/error.h"
#include "common/progress.h"

namespace mmctr::proj {

std::vector<EpochReport> train_projector(Projector& model, const torch::Tensor& x_train,
                                         const torch::Tensor& y_train, const torch::Tensor& x_valid,
                                         const torch::Tensor& y_valid, const TrainOptions& options,
                                         const std::function<void(const EpochReport&)>& on_epoch) {
  const int64_t n = x_train.size(0);
  MMCTR_CHECK(n >= 2, "the projector needs at least 2 training items, got {}", n);
  MMCTR_ASSERT(y_train.size(0) == n && options.batch >= 2 && options.epochs >= 1);
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(options.lr));
  const int64_t steps_per_epoch = (n + options.batch - 1) / options.batch;
  Progress progress("project", steps_per_epoch * options.epochs, "batches");
  std::vector<EpochReport> reports;
  for (int epoch = 1; epoch <= options.epochs; ++epoch) {
    auto start = std::chrono::steady_clock::now();
    model->train();
    auto order = torch::randperm(n, torch::kLong);
    double loss_sum = 0;
    int64_t batches = 0;
    for (int64_t begin = 0; begin < n; begin += options.batch) {
      int64_t end = std::min(n, begin + options.batch);
      if (end - begin < 2) continue;
      auto rows = order.slice(0, begin, end);
      auto prediction = model->forward(x_train.index_select(0, rows));  // (B, out)
      auto loss = torch::mse_loss(prediction, y_train.index_select(0, rows));
      optimizer.zero_grad();
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>();
      ++batches;
      progress.update((epoch - 1) * steps_per_epoch + begin / options.batch + 1);
    }
    EpochReport report;
    report.epoch = epoch;
    report.train_loss = loss_sum / std::max<int64_t>(batches, 1);
    if (x_valid.defined() && x_valid.size(0) > 0) {
      report.has_valid = true;
      report.valid = score_regression(project(model, x_valid), y_valid);
    }
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    reports.push_back(report);
    if (on_epoch) on_epoch(report);
  }
  progress.finish(fmt::format("train mse {:.4g}", reports.back().train_loss));
  return reports;
}

torch::Tensor project(Projector& model, const torch::Tensor& x, int64_t batch) {
  MMCTR_ASSERT(x.size(0) > 0);
  torch::NoGradGuard no_grad;
  model->eval();
  std::vector<torch::Tensor> parts;
  for (int64_t begin = 0; begin < x.size(0); begin += batch)
    parts.push_back(model->forward(x.slice(0, begin, std::min(x.size(0), begin + batch))));
  return torch::cat(parts, 0);
}

}  // namespace mmctr::proj
