// `mmctr train`: trains the DIN CTR model on DIR/train.parquet, picks the best epoch on
// DIR/valid.parquet and leaves a run folder (see ctr/run_folder.h); `--resume RUN` continues an
// interrupted run from its last epoch.
#include <chrono>
#include <filesystem>

#include "cli/command.h"
#include "common/error.h"
#include "common/files.h"
#include "ctr/din_config.h"
#include "ctr/run_folder.h"
#include "ctr/trainer.h"

namespace mmctr::cli {
namespace {

namespace fs = std::filesystem;

struct TrainOptions {
  CommonOptions common;
  std::string data, out, config_file, item_info, resume;
  std::vector<std::string> sets;
  int64_t epochs = 0, batch_size = 0;
  double learning_rate = 0;
  int64_t gpu = -1;
};

// The config of a new run: file (or the seed defaults) < explicit flags < --set.
ctr::DinConfig new_run_config(const TrainOptions& o, CLI::App* command) {
  ctr::DinConfig config = o.config_file.empty() ? ctr::DinConfig{} : ctr::DinConfig::from_file(o.config_file);
  if (!o.data.empty()) config.data_root = o.data;
  if (!o.item_info.empty()) config.item_info = fs::absolute(o.item_info).string();
  if (o.epochs > 0) config.epochs = o.epochs;
  if (o.batch_size > 0) config.batch_size = o.batch_size;
  if (o.learning_rate > 0) config.learning_rate = o.learning_rate;
  if (command->get_option("--seed")->count() > 0) config.seed = o.common.seed;
  if (command->get_option("--gpu")->count() > 0) config.gpu = o.gpu;
  for (const std::string& assignment : o.sets) {
    const auto eq = assignment.find('=');
    MMCTR_CHECK(eq != std::string::npos && eq > 0, "--set {}: expected key=value", assignment);
    config.set(assignment.substr(0, eq), assignment.substr(eq + 1));
  }
  MMCTR_CHECK(!config.data_root.empty(), "train: no data folder; pass --data DIR (or dataset_config.data_root)");
  config.data_root = fs::absolute(config.data_root).string();
  config.validate();
  config.device();  // an unavailable GPU fails before the run folder exists
  return config;
}

void run_train(TrainOptions& o, CLI::App* command) {
  apply(o.common);
  const bool resuming = !o.resume.empty();
  ctr::DinConfig config;
  std::string run_dir;
  if (resuming) {
    MMCTR_CHECK(o.out.empty() && o.config_file.empty() && o.sets.empty() && o.data.empty() && o.item_info.empty(),
                "train --resume RUN continues RUN with its own config.yaml; it takes no --out, --config, --data, "
                "--item-info or --set");
    run_dir = o.resume;
    config = ctr::DinConfig::from_file(ctr::run_file(run_dir, "config.yaml"));
    if (command->get_option("--gpu")->count() > 0) config.gpu = o.gpu;  // a run may continue elsewhere
    config.validate();
    MMCTR_CHECK(file_exists(ctr::run_file(run_dir, "last.pt")),
                "{}: no last.pt; the run never finished an epoch, start it again", run_dir);
  } else {
    MMCTR_CHECK(!o.out.empty(), "train: --out RUN is required (or --resume RUN)");
    config = new_run_config(o, command);
    run_dir = o.out;
    MMCTR_CHECK(!fs::exists(run_dir) || (fs::is_directory(run_dir) && fs::is_empty(run_dir)),
                "{}: already exists; continue it with --resume {} or choose another --out", run_dir, run_dir);
  }
  const std::string item_info_path = config.data_path(config.item_info);
  const std::string train_path = config.data_path(config.train_data);
  const std::string valid_path = config.data_path(config.valid_data);
  check_not_input(run_dir, {item_info_path, train_path, valid_path});

  const auto start = std::chrono::steady_clock::now();
  const io::ItemInfo items = ctr::load_item_info(item_info_path, config);
  const io::CtrData train = ctr::load_ctr(train_path, io::CtrKind::Labelled, items, config);
  const io::CtrData valid = ctr::load_ctr(valid_path, io::CtrKind::Labelled, items, config);
  const ctr::FeatureShape shape = ctr::feature_shape(items, config);
  if (resuming) {
    const ctr::FeatureShape trained = ctr::read_meta(run_dir);
    MMCTR_CHECK(trained.items == shape.items && trained.tag_vocab == shape.tag_vocab &&
                    trained.frozen_dim == shape.frozen_dim,
                "{}: the data changed since the run started (item count, tag vocabulary or embedding width)",
                run_dir);
  } else {
    fs::create_directories(run_dir);
    write_text_file_atomic(ctr::run_file(run_dir, "config.yaml"), config.to_yaml());
    ctr::write_meta(run_dir, shape,
                    {{"item_info", ctr::fingerprint(item_info_path, items.items())},
                     {"train", ctr::fingerprint(train_path, train.rows())},
                     {"valid", ctr::fingerprint(valid_path, valid.rows())}});
  }
  const double load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  ctr::Trainer trainer(config, shape, run_dir);
  const ctr::TrainState state = trainer.fit(train, valid, items);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  double train_seconds = 0;
  for (const auto& r : state.history) train_seconds += r.seconds;
  const ctr::EpochRecord* best = nullptr;
  for (const auto& r : state.history)
    if (r.epoch == state.best_epoch) best = &r;
  print_summary({{"command", "train"},
                 {"run", run_dir},
                 {"resumed", resuming},
                 {"train_rows", train.rows()},
                 {"valid_rows", valid.rows()},
                 {"epochs_done", state.epochs_done},
                 {"early_stopped", state.early_stopped},
                 {"best_epoch", state.best_epoch},
                 {"best_valid_auc", best ? best->valid_auc : 0.0},
                 {"best_valid_logloss", best ? best->valid_logloss : 0.0},
                 {"train_samples_per_second",
                  train_seconds > 0 ? static_cast<double>(train.rows()) * static_cast<double>(state.history.size()) / train_seconds : 0.0},
                 {"load_seconds", load_seconds},
                 {"seconds", seconds}});
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* command = app.add_subcommand(
      "train", "train the DIN CTR model (FuxiCTR 2.3.7 semantics) and keep the best epoch on valid");
  command->add_option("--data", options->data, "data folder with train/valid parquet and item_info "
                                               "(dataset_config.data_root)");
  command->add_option("--out", options->out, "run folder to create (config, checkpoints, metrics)");
  command->add_option("--config", options->config_file, "YAML config (configs/din.yaml shape) [seed defaults]");
  command->add_option("--item-info", options->item_info,
                      "item_info parquet whose embedding column feeds the frozen feature [DATA/item_info.parquet]");
  command->add_option("--set", options->sets, "override a config key: key=value (repeatable), e.g. "
                                              "--set attention_hidden_units=[512,256]");
  command->add_option("--epochs", options->epochs, "epochs [config: 8]");
  command->add_option("--batch-size", options->batch_size, "batch size [config: 4096]");
  command->add_option("--learning-rate", options->learning_rate, "Adam learning rate [config: 5e-4]");
  command->add_option("--gpu", options->gpu,
                      "CUDA device to train on, -1 for the CPU (model_config.gpu, FuxiCTR's key) [config: -1]");
  command->add_option("--resume", options->resume, "continue the interrupted run RUN from its last epoch");
  add_common_options(command, options->common);
  command->callback([options, command] { run_train(*options, command); });
}

}  // namespace mmctr::cli
