// `mmctr predict`: the submission CSV `ID,<column>` for test.parquet, in test order.
#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "cli/command.h"
#include "common/error.h"
#include "common/files.h"
#include "ctr/din_config.h"
#include "ctr/run_folder.h"
#include "ctr/trainer.h"
#include "metrics/logloss.h"

namespace mmctr::cli {
namespace {

struct PredictOptions {
  CommonOptions common;
  std::string run, data, out, item_info, column = "Task1&2";
  int64_t batch_size = 0;
  int64_t gpu = -2;  // -2: the run's own setting
};

void run_predict(const PredictOptions& o) {
  apply(o.common);
  ctr::DinConfig config = ctr::DinConfig::from_file(ctr::run_file(o.run, "config.yaml"));
  if (o.gpu >= -1) config.gpu = o.gpu;
  const std::string item_info_path = o.item_info.empty() ? config.data_path(config.item_info) : o.item_info;
  check_not_input(o.out, {o.data, item_info_path, ctr::run_file(o.run, "best.pt"),
                          ctr::run_file(o.run, "config.yaml"), ctr::run_file(o.run, "meta.json")});
  const io::ItemInfo items = ctr::load_item_info(item_info_path, config);
  auto model = ctr::load_trained_model(o.run, config, items);
  const io::CtrData data = ctr::load_ctr(o.data, io::CtrKind::Test, items, config);
  MMCTR_CHECK(static_cast<int64_t>(data.id.size()) == data.rows(), "{}: no ID column", o.data);
  const std::vector<double> predictions =
      ctr::predict(*model, data, items, o.batch_size > 0 ? o.batch_size : config.batch_size);

  PendingOutput output(o.out);
  std::FILE* file = std::fopen(output.path().c_str(), "w");
  MMCTR_CHECK(file, "{}: cannot write", o.out);
  fmt::print(file, "ID,{}\n", o.column);
  for (int64_t r = 0; r < data.rows(); ++r) {
    // Saturated sigmoids would print as 0 or 1; the submission wants probabilities in (0, 1).
    const double p = std::clamp(predictions[r], metrics::kLoglossEps, 1.0 - metrics::kLoglossEps);
    fmt::print(file, "{},{:.8g}\n", data.id[r], p);
  }
  const bool written = std::fclose(file) == 0;
  MMCTR_CHECK(written, "{}: write failed (disk full?)", o.out);
  output.commit();
  double mean = 0;
  for (double p : predictions) mean += p / static_cast<double>(predictions.size());
  print_summary({{"command", "predict"}, {"run", o.run}, {"data", o.data}, {"out", o.out},
                 {"rows", data.rows()}, {"column", o.column}, {"mean_prediction", mean}});
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto options = std::make_shared<PredictOptions>();
  CLI::App* command = app.add_subcommand("predict", "write the submission CSV ID,<column> for test.parquet");
  command->add_option("--run", options->run, "run folder written by mmctr train")->required();
  command->add_option("--data", options->data, "test parquet (ID, user_id, item_seq, item_id, levels)")->required();
  command->add_option("--out", options->out, "CSV to write")->required();
  command->add_option("--column", options->column, "prediction column name")
      ->check(CLI::IsMember({"Task1", "Task2", "Task1&2"}))->capture_default_str();
  command->add_option("--item-info", options->item_info, "item_info parquet [the run's]");
  command->add_option("--gpu", options->gpu, "CUDA device to compute on, -1 for the CPU [the run's gpu]");
  command->add_option("--batch-size", options->batch_size, "rows per forward pass [the run's batch_size]");
  add_common_options(command, options->common);
  command->callback([options] { run_predict(*options); });
}

}  // namespace mmctr::cli
