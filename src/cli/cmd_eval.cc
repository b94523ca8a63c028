// `mmctr eval`: AUC, gAUC and logloss of a trained run on a labelled file, or of a reference scorer
// that needs no training (--baseline popularity|cosine). A test file whose labels are kept apart is
// scored with --labels FILE (ID, label).
#include <functional>

#include "baseline/reference_scores.h"
#include "cli/command.h"
#include "common/error.h"
#include "ctr/din_config.h"
#include "ctr/run_folder.h"
#include "ctr/trainer.h"
#include "metrics/auc.h"
#include "metrics/group_auc.h"
#include "metrics/logloss.h"

namespace mmctr::cli {
namespace {

struct EvalOptions {
  CommonOptions common;
  std::string run, baseline, data, labels, item_info, train, emb_column = "item_emb_d128";
  int64_t batch_size = 0;
  int64_t gpu = -2;  // -2: the run's own setting
};

// The rows to score, labelled from the file itself or from --labels.
io::CtrData read_rows(const EvalOptions& o, const io::ColumnNames& names,
                      const std::function<io::CtrData(io::CtrKind)>& read) {
  if (o.labels.empty()) return read(io::CtrKind::Labelled);
  io::CtrData data = read(io::CtrKind::Test);
  io::attach_labels(data, o.labels, names);
  return data;
}

nlohmann::json scores_summary(const io::CtrData& data, const std::vector<double>& predictions,
                              bool probabilities) {
  const std::vector<double> labels(data.label.begin(), data.label.end());
  const metrics::GroupAuc by_user = metrics::group_auc(labels, predictions, data.user_id);
  nlohmann::json summary = {{"auc", metrics::roc_auc(labels, predictions)},
                            {"gauc", by_user.gauc},
                            {"gauc_users", by_user.groups},
                            {"rows", data.rows()}};
  if (probabilities) summary["logloss"] = metrics::logloss(labels, predictions);
  return summary;
}

nlohmann::json eval_run(const EvalOptions& o) {
  ctr::DinConfig config = ctr::DinConfig::from_file(ctr::run_file(o.run, "config.yaml"));
  if (o.gpu >= -1) config.gpu = o.gpu;
  const std::string item_info_path = o.item_info.empty() ? config.data_path(config.item_info) : o.item_info;
  const io::ItemInfo items = ctr::load_item_info(item_info_path, config);
  auto model = ctr::load_trained_model(o.run, config, items);
  const io::CtrData data = read_rows(o, {}, [&](io::CtrKind kind) {
    return ctr::load_ctr(o.data, kind, items, config);
  });
  const std::vector<double> predictions =
      ctr::predict(*model, data, items, o.batch_size > 0 ? o.batch_size : config.batch_size);
  nlohmann::json summary = scores_summary(data, predictions, /*probabilities=*/true);
  summary["run"] = o.run;
  return summary;
}

nlohmann::json eval_baseline(const EvalOptions& o) {
  std::vector<double> scores;
  io::CtrData data;
  if (o.baseline == "popularity") {
    MMCTR_CHECK(!o.train.empty(), "eval --baseline popularity: --train FILE (the labelled training rows) is required");
    const io::CtrData train = io::read_ctr(o.train, io::CtrKind::Labelled);
    data = read_rows(o, {}, [&](io::CtrKind kind) { return io::read_ctr(o.data, kind); });
    scores = baseline::popularity_scores(train, data);
  } else {
    MMCTR_CHECK(!o.item_info.empty(), "eval --baseline cosine: --item-info FILE (with the embeddings) is required");
    io::ColumnNames names;
    names.item_emb = o.emb_column;
    const io::ItemInfo items = io::read_item_info(o.item_info, names);
    data = read_rows(o, names, [&](io::CtrKind kind) {
      return io::read_ctr(o.data, kind, items.items(), names);
    });
    scores = baseline::cosine_scores(items, data);
  }
  nlohmann::json summary = scores_summary(data, scores, /*probabilities=*/false);
  summary["baseline"] = o.baseline;
  return summary;
}

void run_eval(const EvalOptions& o) {
  apply(o.common);
  MMCTR_CHECK(o.run.empty() != o.baseline.empty(), "eval: give either --run RUN or --baseline NAME");
  nlohmann::json summary = o.run.empty() ? eval_baseline(o) : eval_run(o);
  summary["command"] = "eval";
  summary["data"] = o.data;
  if (!o.labels.empty()) summary["labels"] = o.labels;
  print_summary(summary);
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* command = app.add_subcommand(
      "eval", "AUC (ties as sklearn), gAUC (per user, weighted by rows, as FuxiCTR) and logloss of a trained "
              "run on a labelled file, or the AUCs of a reference scorer");
  command->add_option("--run", options->run, "run folder written by mmctr train");
  command->add_option("--baseline", options->baseline,
                      "score without a model instead: popularity (clicks of the item in --train) or cosine "
                      "(cosine of the item's embedding in --item-info with the mean of the history's)")
      ->check(CLI::IsMember({"popularity", "cosine"}));
  command->add_option("--data", options->data, "parquet to score (train/valid schema, or test with --labels)")
      ->required();
  command->add_option("--labels", options->labels,
                      "labels kept apart (ID, label), e.g. truth/test_labels.parquet; --data is then read "
                      "as a test file");
  command->add_option("--item-info", options->item_info, "item_info parquet [the run's]; required by cosine");
  command->add_option("--emb-column", options->emb_column, "embedding column the cosine baseline reads")
      ->capture_default_str();
  command->add_option("--train", options->train, "labelled training rows the popularity baseline counts");
  command->add_option("--gpu", options->gpu, "CUDA device to compute on, -1 for the CPU [the run's gpu]");
  command->add_option("--batch-size", options->batch_size, "rows per forward pass [the run's batch_size]");
  add_common_options(command, options->common);
  command->callback([options] { run_eval(*options); });
}

}  // namespace mmctr::cli
