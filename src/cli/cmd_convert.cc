// `mmctr convert-sequences`: a MicroLens-schema CTR data set from plain behaviour sequences.
#include "cli/command.h"
#include "prep/sequence_ctr.h"

namespace mmctr::cli {

void add_convert_command(CLI::App& app) {
  auto args = std::make_shared<prep::SequenceCtrArgs>();
  auto common = std::make_shared<CommonOptions>();
  CLI::App* command = app.add_subcommand(
      "convert-sequences",
      "Make a CTR data set in the MicroLens_1M_x1 schema from behaviour sequences (one 'user item item ...' "
      "line per user, oldest first, e.g. the Amazon review files): each step's next item is a positive, an "
      "item the user never touched a negative, with the up-to-64 items before as history; the last step of "
      "every user is test (labels in truth/test_labels.parquet), the one before valid, the rest train. "
      "item_info gets item_tags from --attributes and no embedding yet (add one with set-emb or project).");
  command->add_option("--sequences", args->sequences, "text file: user id then item ids per line")->required();
  command->add_option("--attributes", args->attributes,
                      "JSON object item id -> list of attribute ids, which become item_tags");
  command->add_option("--out", args->out, "folder to create (absent or empty)")->required();
  command->add_option("--history", args->history, "history length of the CTR rows")->capture_default_str();
  command->add_option("--tags", args->tags, "tags per item (the first attributes listed are kept)")
      ->capture_default_str();
  add_common_options(command, *common);
  command->callback([args, common] {
    apply(*common);
    args->seed = common->seed;
    nlohmann::json summary = prep::convert_sequences(*args);
    summary["command"] = "convert-sequences";
    print_summary(summary);
  });
}

}  // namespace mmctr::cli
