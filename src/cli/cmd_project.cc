// `mmctr project`: the distillation MLP from teacher features to behaviour vectors, and the item
// embedding file it writes (item_info with the new column).
#include "cli/command.h"
#include "cli/project_options.h"
#include "proj/project.h"

namespace mmctr::cli {

void add_projector_training_options(CLI::App* command, proj::ProjectArgs& args) {
  command->add_option("--emb-column", args.emb_column,
                      "item_info column that receives the vectors (replaced in place, keeping its type, "
                      "or appended); DIN reads item_emb_d128")
      ->capture_default_str();
  command->add_option("--epochs", args.epochs, "training epochs")->capture_default_str();
  command->add_option("--batch", args.batch, "items per training batch (>= 2)")->capture_default_str();
  command->add_option("--lr", args.lr, "Adam learning rate")->capture_default_str();
  command->add_option("--dropout", args.dropout, "dropout after the first hidden layer")
      ->capture_default_str();
  command->add_option("--hidden1", args.hidden1, "width of the first hidden layer")->capture_default_str();
  command->add_option("--hidden2", args.hidden2, "width of the second hidden layer")->capture_default_str();
  command->add_option("--valid-share", args.valid_share,
                      "share of the aligned items held out to score the projector and its references "
                      "each epoch (the final model is trained without them)")
      ->capture_default_str();
  command->add_option("--ridge-lambda", args.ridge_lambda,
                      "L2 penalty of the closed-form ridge reference (on centred features)")
      ->capture_default_str();
  command->add_flag("--standardize-targets", args.standardize_targets,
                    "let the network learn per-dimension standardised targets (mean and std of the "
                    "training split, undone at its output); helps when the targets are small and share a "
                    "large common component; off: the seed's model");
  command->add_flag("--allow-missing-features", args.allow_missing_features,
                    "embed items of item_info without features as zero vectors instead of failing");
}

void add_project_command(CLI::App& app) {
  auto args = std::make_shared<proj::ProjectArgs>();
  auto common = std::make_shared<CommonOptions>();
  CLI::App* command = app.add_subcommand(
      "project",
      "Distil behaviour vectors (Word2Vec) into an MLP over teacher features (CLIP image vectors, or "
      "any list<float> column), then embed every item of item_info from its features alone, cold-start "
      "items included: Linear(in,512)-BN-ReLU-Dropout-Linear(512,256)-BN-ReLU-Linear(256,dim), MSE, "
      "Adam. Vectors are L2-normalised (norm + 1e-6); item 0 (padding) stays all zero. Writes item_info "
      "with every other column and row unchanged.");
  command->add_option("--features", args->features,
                      "FILE[:COLUMN] with item_id and a list<float> column (default: the file's only one); "
                      "repeat to concatenate several per item, e.g. img_emb_CLIPRN50 and txt_emb_BERT")
      ->required();
  command->add_option("--targets", args->targets,
                      "FILE[:COLUMN] behaviour vectors (item_id, w2v_emb); their dimension is the output's")
      ->required();
  command->add_option("--item-info", args->item_info, "item_info.parquet: the items to embed")->required();
  command->add_option("--out", args->out, "output item_info Parquet with the new column")->required();
  command->add_option("--out-embeddings", args->out_embeddings,
                      "also write item_id, item_emb alone (one row per item_info item, sorted by item_id)");
  add_projector_training_options(command, *args);
  add_common_options(command, *common);
  command->callback([args, common] {
    apply(*common);
    args->seed = common->seed;
    nlohmann::json summary = proj::run_project(*args);
    summary["command"] = "project";
    print_summary(summary);
  });
}

}  // namespace mmctr::cli
