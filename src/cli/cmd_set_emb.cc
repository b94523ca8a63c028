// `mmctr set-emb`: ready-made item vectors into item_info's embedding column (no training).
#include "cli/command.h"
#include "proj/set_embeddings.h"

namespace mmctr::cli {

void add_set_emb_command(CLI::App& app) {
  auto args = std::make_shared<proj::SetEmbeddingsArgs>();
  auto common = std::make_shared<CommonOptions>();
  CLI::App* command = app.add_subcommand(
      "set-emb",
      "Put ready-made item vectors (any item_id + list<float> Parquet, e.g. mmctr w2v output) into "
      "item_info's embedding column without training; items without a vector (and item 0) get zeros. "
      "Writes item_info with every other column and row unchanged.");
  command->add_option("--embeddings", args->embeddings,
                      "FILE[:COLUMN] with item_id and a list<float> column (default: the file's only one)")
      ->required();
  command->add_option("--item-info", args->item_info, "item_info.parquet: the items")->required();
  command->add_option("--out", args->out, "output item_info Parquet with the column")->required();
  command->add_option("--emb-column", args->emb_column,
                      "item_info column that receives the vectors (replaced in place, keeping its type, or "
                      "appended); DIN reads item_emb_d128")
      ->capture_default_str();
  command->add_flag("!--no-normalize", args->normalize,
                    "keep the vectors as they are instead of L2-normalising them (norm + 1e-6)");
  add_common_options(command, *common);
  command->callback([args, common] {
    apply(*common);
    nlohmann::json summary = proj::set_embeddings(*args);
    summary["command"] = "set-emb";
    print_summary(summary);
  });
}

}  // namespace mmctr::cli
