// `mmctr eval`: AUC and logloss of a trained run on a labelled file.
#include "cli/command.h"
#include "ctr/din_config.h"
#include "ctr/run_folder.h"
#include "ctr/trainer.h"

namespace mmctr::cli {
namespace {

struct EvalOptions {
  CommonOptions common;
  std::string run, data, item_info;
  int64_t batch_size = 0;
};

void run_eval(const EvalOptions& o) {
  apply(o.common);
  const ctr::DinConfig config = ctr::DinConfig::from_file(ctr::run_file(o.run, "config.yaml"));
  const std::string item_info_path = o.item_info.empty() ? config.data_path(config.item_info) : o.item_info;
  const io::ItemInfo items = ctr::load_item_info(item_info_path, config);
  auto model = ctr::load_trained_model(o.run, config, items);
  const io::CtrData data = ctr::load_ctr(o.data, io::CtrKind::Labelled, items, config);
  const ctr::Evaluation eval =
      ctr::evaluate(*model, data, items, o.batch_size > 0 ? o.batch_size : config.batch_size);
  print_summary({{"command", "eval"},
                 {"run", o.run},
                 {"data", o.data},
                 {"auc", eval.auc},
                 {"logloss", eval.logloss},
                 {"rows", eval.rows}});
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* command = app.add_subcommand("eval", "AUC (ties as sklearn) and logloss of a trained run on a labelled file");
  command->add_option("--run", options->run, "run folder written by mmctr train")->required();
  command->add_option("--data", options->data, "labelled parquet (train/valid schema)")->required();
  command->add_option("--item-info", options->item_info, "item_info parquet [the run's]");
  command->add_option("--batch-size", options->batch_size, "rows per forward pass [the run's batch_size]");
  add_common_options(command, options->common);
  command->callback([options] { run_eval(*options); });
}

}  // namespace mmctr::cli
