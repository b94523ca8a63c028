#include "ctr/trainer.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "common/error.h"
#include "common/files.h"
#include "common/progress.h"
#include "common/runtime.h"
#include "ctr/batch.h"
#include "metrics/auc.h"
#include "metrics/logloss.h"
#include "metrics/metric.h"

namespace mmctr::ctr {
namespace {

constexpr double kMinDelta = 1e-6;  // FuxiCTR's checkpoint_and_earlystop min_delta

// A log line in FuxiCTR's format on stderr: "2025-01-01 12:00:00 INFO message".
template <typename... Args>
void log_info(fmt::format_string<Args...> format, Args&&... args) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  fmt::print(stderr, "{:%Y-%m-%d %H:%M:%S} INFO {}\n", local,
             fmt::format(format, std::forward<Args>(args)...));
}

// Weights are kept by value: the best epoch's copy is restored at the end.
using Snapshot = std::vector<torch::Tensor>;

Snapshot snapshot(CtrModel& model) {
  Snapshot copy;
  for (const auto& p : model.parameters()) copy.push_back(p.detach().clone());
  for (const auto& b : model.buffers()) copy.push_back(b.detach().clone());
  return copy;
}

void restore(CtrModel& model, const Snapshot& copy) {
  torch::NoGradGuard no_grad;
  size_t i = 0;
  for (auto& p : model.parameters()) p.copy_(copy.at(i++));
  for (auto& b : model.buffers()) b.copy_(copy.at(i++));
}

void set_learning_rate(torch::optim::Adam& optimizer, double lr) {
  for (auto& group : optimizer.param_groups())
    static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
}

// Writes an archive through a temporary name so that a crash never leaves half a file.
void save_archive(torch::serialize::OutputArchive& archive, const std::string& path) {
  PendingOutput output(path);
  archive.save_to(output.path());
  output.commit();
}

bool improved(double value, double best, int64_t best_epoch, bool higher_is_better) {
  if (best_epoch == 0) return true;
  return higher_is_better ? value >= best + kMinDelta : value <= best - kMinDelta;
}

std::string join_path(const std::string& dir, const char* name) { return dir + "/" + name; }

}  // namespace

nlohmann::json TrainState::to_json() const {
  nlohmann::json epochs = nlohmann::json::array();
  for (const EpochRecord& r : history)
    epochs.push_back({{"epoch", r.epoch},
                      {"train_loss", r.train_loss},
                      {"valid_auc", r.valid_auc},
                      {"valid_logloss", r.valid_logloss},
                      {"learning_rate", r.learning_rate},
                      {"seconds", r.seconds},
                      {"samples_per_second", r.samples_per_second},
                      {"best", r.best}});
  return {{"epochs_done", epochs_done},     {"learning_rate", learning_rate},
          {"best_metric", best_metric},     {"best_epoch", best_epoch},
          {"stopping_steps", stopping_steps}, {"finished", finished},
          {"early_stopped", early_stopped}, {"epochs", epochs}};
}

TrainState TrainState::from_json(const nlohmann::json& json) {
  TrainState state;
  state.epochs_done = json.at("epochs_done");
  state.learning_rate = json.at("learning_rate");
  state.best_metric = json.at("best_metric");
  state.best_epoch = json.at("best_epoch");
  state.stopping_steps = json.at("stopping_steps");
  state.finished = json.at("finished");
  state.early_stopped = json.at("early_stopped");
  for (const auto& e : json.at("epochs")) {
    EpochRecord r;
    r.epoch = e.at("epoch");
    r.train_loss = e.at("train_loss");
    r.valid_auc = e.at("valid_auc");
    r.valid_logloss = e.at("valid_logloss");
    r.learning_rate = e.at("learning_rate");
    r.seconds = e.at("seconds");
    r.samples_per_second = e.at("samples_per_second");
    r.best = e.at("best");
    state.history.push_back(r);
  }
  return state;
}

Trainer::Trainer(const DinConfig& config, const FeatureShape& shape, std::string run_dir)
    : config_(config), run_dir_(std::move(run_dir)), device_(config_.device()) {
  config_.validate();
  torch::manual_seed(config_.seed);
  model_ = Create(config_.model, config_, shape);
  model_->to(device_);  // before the optimizer takes the parameters
  optimizer_ = std::make_unique<torch::optim::Adam>(model_->parameters(),
                                                    torch::optim::AdamOptions(config_.learning_rate));
}

double Trainer::train_epoch(const io::CtrData& train, const io::ItemInfo& items, int64_t epoch) {
  model_->train();
  // Dropout draws from torch's generator: seeding it per epoch makes an epoch independent of
  // what ran before it in this process (resume).
  torch::manual_seed(config_.seed + 1000003ULL * static_cast<uint64_t>(epoch + 1));
  BatchLoader loader(train, items, epoch_order(train.rows(), config_.seed, epoch), config_.batch_size);
  Progress progress(fmt::format("epoch {}/{}", epoch + 1, config_.epochs), loader.batches(), "batches");
  double loss_sum = 0;
  int64_t batches = 0, samples = 0;
  Batch batch;
  while (loader.next(batch)) {
    loss_sum += step(batch);
    ++batches;
    samples += batch.size();
    progress.update(batches, fmt::format("loss {:.5f} | {:.0f} samples/s", loss_sum / batches,
                                         samples / std::max(progress.seconds(), 1e-9)));
  }
  progress.finish(fmt::format("loss {:.5f}", loss_sum / std::max<int64_t>(batches, 1)));
  return loss_sum / std::max<int64_t>(batches, 1);
}

double Trainer::step(const Batch& batch) {
  optimizer_->zero_grad();
  const Batch on_device = batch.to(device_);
  auto logits = model_->forward(on_device);                                        // (B)
  // FuxiCTR applies sigmoid then BCE; the fused form is the same function, computed stably.
  auto loss = torch::binary_cross_entropy_with_logits(logits, on_device.label) + model_->regularization();
  loss.backward();
  torch::nn::utils::clip_grad_norm_(model_->parameters(), config_.max_gradient_norm);
  optimizer_->step();
  return loss.item<double>();
}

void Trainer::save_last(const TrainState& state) const {
  torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
  model_->save(model_archive);
  optimizer_->save(optimizer_archive);
  archive.write("model", model_archive);
  archive.write("optimizer", optimizer_archive);
  archive.write("state", c10::IValue(state.to_json().dump()));
  save_archive(archive, join_path(run_dir_, "last.pt"));
}

void Trainer::write_metrics(const TrainState& state) const {
  std::string csv = "epoch,train_loss,valid_auc,valid_logloss,learning_rate,seconds,samples_per_second,best\n";
  for (const EpochRecord& r : state.history)
    csv += fmt::format("{},{:.8f},{:.8f},{:.8f},{:.3g},{:.3f},{:.1f},{}\n", r.epoch, r.train_loss, r.valid_auc,
                       r.valid_logloss, r.learning_rate, r.seconds, r.samples_per_second, r.best ? 1 : 0);
  write_text_file_atomic(join_path(run_dir_, "metrics.csv"), csv);
  write_text_file_atomic(join_path(run_dir_, "metrics.json"), state.to_json().dump(2) + "\n");
}

TrainState Trainer::fit(const io::CtrData& train, const io::CtrData& valid, const io::ItemInfo& items,
                        const std::function<bool(const EpochRecord&)>& on_epoch_end) {
  torch::set_num_threads(num_threads());
  const bool higher_is_better = metrics::Create(config_.monitor)->higher_is_better();
  TrainState state;
  state.learning_rate = config_.learning_rate;
  Snapshot best;
  const std::string last_path = run_dir_.empty() ? "" : join_path(run_dir_, "last.pt");
  if (!last_path.empty() && file_exists(last_path)) {
    torch::serialize::InputArchive archive, model_archive, optimizer_archive;
    archive.load_from(last_path, device_);
    archive.read("model", model_archive);
    archive.read("optimizer", optimizer_archive);
    model_->load(model_archive);
    optimizer_->load(optimizer_archive);
    c10::IValue saved;
    archive.read("state", saved);
    state = TrainState::from_json(nlohmann::json::parse(saved.toStringRef()));
    set_learning_rate(*optimizer_, state.learning_rate);
    log_info("Resume {} after epoch {}", run_dir_, state.epochs_done);
    if (state.best_epoch > 0) {
      const Snapshot current = snapshot(*model_);
      load_model(*model_, join_path(run_dir_, "best.pt"));
      best = snapshot(*model_);
      restore(*model_, current);
    }
  }
  log_info("Start training: {} batches/epoch", (train.rows() + config_.batch_size - 1) / config_.batch_size);
  for (int64_t epoch = state.epochs_done; epoch < config_.epochs && !state.finished; ++epoch) {
    log_info("************ Epoch={} start ************", epoch + 1);
    const auto start = std::chrono::steady_clock::now();
    EpochRecord record;
    record.epoch = epoch + 1;
    record.learning_rate = state.learning_rate;
    record.train_loss = train_epoch(train, items, epoch);
    record.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    record.samples_per_second = train.rows() / std::max(record.seconds, 1e-9);
    log_info("Train loss: {:.6f}", record.train_loss);
    log_info("Evaluation @epoch {} - batch {}: ", epoch + 1,
             (train.rows() + config_.batch_size - 1) / config_.batch_size);
    const Evaluation eval = evaluate(*model_, valid, items, config_.batch_size);
    record.valid_auc = eval.auc;
    record.valid_logloss = eval.logloss;
    log_info("[Metrics] AUC: {:.6f} - logloss: {:.6f}", eval.auc, eval.logloss);
    const double monitored = config_.monitor == "auc" ? eval.auc : eval.logloss;
    if (improved(monitored, state.best_metric, state.best_epoch, higher_is_better)) {
      record.best = true;
      state.best_metric = monitored;
      state.best_epoch = record.epoch;
      state.stopping_steps = 0;
      best = snapshot(*model_);
      log_info("Save best model: monitor({})={:.6f}", config_.monitor, monitored);
      if (!run_dir_.empty()) save_model(*model_, join_path(run_dir_, "best.pt"));
    } else {
      ++state.stopping_steps;
      state.learning_rate = std::max(state.learning_rate * config_.lr_decay_factor, config_.min_learning_rate);
      set_learning_rate(*optimizer_, state.learning_rate);
      log_info("Monitor({})={:.6f} STOP!", config_.monitor, monitored);
      log_info("Reduce learning rate on plateau: {:.6f}", state.learning_rate);
    }
    state.epochs_done = record.epoch;
    state.history.push_back(record);
    if (state.stopping_steps >= config_.early_stop_patience) {
      state.early_stopped = true;
      log_info("********* Epoch={} early stop *********", record.epoch);
    }
    state.finished = state.early_stopped || state.epochs_done >= config_.epochs;
    if (!run_dir_.empty()) {
      save_last(state);
      write_metrics(state);
    }
    log_info("************ Epoch={} end ************", record.epoch);
    if (on_epoch_end && !on_epoch_end(record) && !state.finished) {
      log_info("Training interrupted after epoch {}", record.epoch);
      return state;
    }
  }
  log_info("Training finished.");
  if (!best.empty()) {
    log_info("Load best model: epoch {} ({}={:.6f})", state.best_epoch, config_.monitor, state.best_metric);
    restore(*model_, best);
  }
  return state;
}

std::vector<double> predict(CtrModel& model, const io::CtrData& data, const io::ItemInfo& items,
                            int64_t batch_size) {
  torch::set_num_threads(num_threads());
  torch::NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  std::vector<double> out;
  out.reserve(data.rows());
  const torch::Device device = model.parameters().front().device();
  BatchLoader loader(data, items, sequential_order(data.rows()), batch_size);
  Batch batch;
  while (loader.next(batch)) {
    auto probabilities =
        torch::sigmoid(model.forward(batch.to(device)).to(torch::kCPU, torch::kFloat64)).contiguous();
    const double* p = probabilities.data_ptr<double>();
    out.insert(out.end(), p, p + probabilities.numel());
  }
  model.train(was_training);
  return out;
}

Evaluation evaluate(CtrModel& model, const io::CtrData& data, const io::ItemInfo& items, int64_t batch_size) {
  MMCTR_CHECK(!data.label.empty(), "evaluate: the data has no label column");
  const std::vector<double> predictions = predict(model, data, items, batch_size);
  const std::vector<double> labels(data.label.begin(), data.label.end());
  return Evaluation{metrics::roc_auc(labels, predictions), metrics::logloss(labels, predictions), data.rows()};
}

void save_model(CtrModel& model, const std::string& path) {
  torch::serialize::OutputArchive archive;
  model.save(archive);
  save_archive(archive, path);
}

void load_model(CtrModel& model, const std::string& path) {
  require_file(path, "model checkpoint");
  torch::serialize::InputArchive archive;
  try {
    archive.load_from(path, model.parameters().front().device());
    model.load(archive);
  } catch (const c10::Error& e) {
    fail("{}: not a checkpoint of this model ({})", path, e.what_without_backtrace());
  }
}

}  // namespace mmctr::ctr
