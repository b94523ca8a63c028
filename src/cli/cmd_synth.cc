// `mmctr synth`: writes the embedded default data set (or one sized by flags, up to full MicroLens
// scale) with its ground truth in DIR/truth/.
#include <chrono>
#include <memory>
#include <string>

#include "cli/command.h"
#include "synth/synth.h"

namespace mmctr::cli {
namespace {

struct SynthOptions {
  CommonOptions common;
  synth::SynthArgs args;
  std::string scale = "small";
  bool no_images = false;
};

void run_synth(SynthOptions& o, CLI::App* command) {
  apply(o.common);
  synth::SynthArgs args = o.args;
  if (o.scale == "full") {
    // The preset sets the sizes; flags given explicitly still win.
    synth::SynthArgs full;
    full.set_full_scale();
    auto unless_given = [&](const char* flag, auto& field, auto preset) {
      if (command->get_option(flag)->count() == 0) field = preset;
    };
    unless_given("--items", args.items, full.items);
    unless_given("--users", args.users, full.users);
    unless_given("--train-rows", args.train_rows, full.train_rows);
    unless_given("--valid-rows", args.valid_rows, full.valid_rows);
    unless_given("--test-rows", args.test_rows, full.test_rows);
    unless_given("--topics", args.topics, full.topics);
  }
  args.images = !o.no_images;
  args.seed = o.common.seed;
  args.threads = o.common.threads;

  const auto start = std::chrono::steady_clock::now();
  nlohmann::json truth = synth::generate(args);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  print_summary({{"command", "synth"},
                 {"out", args.out},
                 {"seed", args.seed},
                 {"counts", truth["counts"]},
                 {"positive_rate", truth["positive_rate"]},
                 {"oracle_auc", truth["oracle_auc"]},
                 {"popularity_auc", truth["popularity_auc"]},
                 {"seconds", seconds}});
}

}  // namespace

void add_synth_command(CLI::App& app) {
  auto options = std::make_shared<SynthOptions>();
  synth::SynthArgs& a = options->args;
  CLI::App* command = app.add_subcommand(
      "synth", "write a synthetic MicroLens_1M_x1-shaped data set with planted structure and ground truth");
  command->add_option("--out", a.out, "output folder (item_info, item_seq, train, valid, test parquet; "
                                      "item_images/; truth/)")->required();
  command->add_option("--scale", options->scale, "size preset: small (the defaults below) or full "
                                                 "(MicroLens_1M_x1: 91,717 items, 1M users, 3.6M train rows)")
      ->check(CLI::IsMember({"small", "full"}))->capture_default_str();
  command->add_option("--items", a.items, "items (ids 1..N; row 0 of item_info is padding)")->capture_default_str();
  command->add_option("--users", a.users, "users")->capture_default_str();
  command->add_option("--train-rows", a.train_rows, "rows of train.parquet")->capture_default_str();
  command->add_option("--valid-rows", a.valid_rows, "rows of valid.parquet")->capture_default_str();
  command->add_option("--test-rows", a.test_rows, "rows of test.parquet")->capture_default_str();
  command->add_option("--topics", a.topics, "latent item topics")->capture_default_str();
  command->add_option("--history", a.history, "length of the left-padded item_seq column")->capture_default_str();
  command->add_option("--image-min", a.image_min, "smallest image side in pixels")->capture_default_str();
  command->add_option("--image-max", a.image_max, "largest image side in pixels")->capture_default_str();
  command->add_flag("--no-images", options->no_images, "write no item_images/");
  command->add_option("--missing-images", a.missing_images, "share of items without an image file")
      ->capture_default_str();
  command->add_option("--corrupt-images", a.corrupt_images, "share of items with a corrupt image file")
      ->capture_default_str();
  command->add_option("--cold-items", a.cold_items, "share of items with no behaviour (never in a sequence)")
      ->capture_default_str();
  command->add_flag("--force", a.force, "replace a non-empty --out folder that is not an earlier synth output");
  add_common_options(command, options->common);
  command->callback([options, command] { run_synth(*options, command); });
}

}  // namespace mmctr::cli
