// Trainer: FuxiCTR's BaseModel.fit for the CTR model. Adam; per batch BCE (mean) + the embedding
// regulariser, gradient norm clipped; after every epoch AUC/logloss on valid: an improvement
// (by 1e-6) keeps the weights as best, otherwise the learning rate is decayed and the epoch counts
// towards early stopping. At the end the best weights are restored.
//
// With a run folder, every epoch leaves there: best.pt (model), last.pt (model, optimizer and
// trainer state in one archive, replaced atomically), metrics.csv and metrics.json. fit() on a
// folder that holds last.pt continues after its last epoch: the shuffle order and the dropout
// stream of an epoch depend only on (seed, epoch), so a resumed run ends where an uninterrupted
// one does.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ctr/din_config.h"
#include "ctr/model.h"
#include "io/microlens.h"

namespace mmctr::ctr {

struct EpochRecord {
  int64_t epoch = 0;  // 1-based
  double train_loss = 0, valid_auc = 0, valid_logloss = 0;
  double learning_rate = 0;  // during this epoch
  double seconds = 0, samples_per_second = 0;
  bool best = false;
};

struct TrainState {
  int64_t epochs_done = 0;
  double learning_rate = 0;
  double best_metric = 0;
  int64_t best_epoch = 0;  // 0: none yet
  int64_t stopping_steps = 0;
  bool finished = false, early_stopped = false;
  std::vector<EpochRecord> history;

  nlohmann::json to_json() const;
  static TrainState from_json(const nlohmann::json& json);
};

struct Evaluation {
  double auc = 0, logloss = 0;
  int64_t rows = 0;
};

class Trainer {
 public:
  // run_dir: an existing folder for checkpoints and metrics, or "" to keep everything in memory.
  Trainer(const DinConfig& config, const FeatureShape& shape, std::string run_dir);

  // Trains (or continues the run in run_dir) until the epochs are done or early stopping;
  // on_epoch_end returning false stops after that epoch as an interruption would (the run can be
  // resumed). Returns the state; the model then holds the best weights if the run finished.
  TrainState fit(const io::CtrData& train, const io::CtrData& valid, const io::ItemInfo& items,
                 const std::function<bool(const EpochRecord&)>& on_epoch_end = {});

  // One optimisation step on a batch (forward, loss, backward, clipping, Adam) -> the loss.
  double step(const Batch& batch);

  CtrModel& model() { return *model_; }

 private:
  double train_epoch(const io::CtrData& train, const io::ItemInfo& items, int64_t epoch);
  void save_last(const TrainState& state) const;
  void write_metrics(const TrainState& state) const;

  DinConfig config_;
  std::string run_dir_;
  torch::Device device_;
  std::shared_ptr<CtrModel> model_;
  std::unique_ptr<torch::optim::Adam> optimizer_;
};

// Click probabilities (sigmoid of the logits) for every row, in row order.
std::vector<double> predict(CtrModel& model, const io::CtrData& data, const io::ItemInfo& items,
                            int64_t batch_size);
Evaluation evaluate(CtrModel& model, const io::CtrData& data, const io::ItemInfo& items, int64_t batch_size);

// Model weights alone (best.pt); loading fails on a missing key or a shape mismatch.
void save_model(CtrModel& model, const std::string& path);
void load_model(CtrModel& model, const std::string& path);

}  // namespace mmctr::ctr
