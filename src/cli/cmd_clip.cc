// mmctr clip: frozen CLIP image embeddings for every item (Task 1 visual teacher).
#include "cli/command.h"
#include "clip/encoder.h"

namespace mmctr::cli {

void add_clip_command(CLI::App& app) {
  auto args = std::make_shared<clip::ClipArgs>();
  auto common = std::make_shared<CommonOptions>();
  CLI::App* command = app.add_subcommand(
      "clip",
      "CLIP image embedding per item (vision tower + projection, L2-normalised). A missing or undecodable "
      "image gets the black 224x224 image and is counted, never fatal. Item 0, the data set's padding row, "
      "gets an all-zero vector and no image is read for it. Output: item_id, clip_emb list<float>, sorted by "
      "item_id, one row per distinct item.");
  command->add_option("--model", args->model_dir, "Hugging Face CLIP folder (config.json, model.safetensors)")
      ->required();
  command->add_option("--items", args->items_path, "Parquet with an item_id column (e.g. item_info.parquet)")
      ->required();
  command->add_option("--images", args->images_dir, "folder of item images")->required();
  command->add_option("--out", args->out_path, "output Parquet (item_id, clip_emb)")->required();
  command->add_option("--batch", args->batch, "images per model forward")->capture_default_str();
  command->add_option("--pattern", args->pattern, "image file name in --images; {item_id} is replaced")
      ->capture_default_str();
  command->add_option("--decode-threads", args->decode_threads,
                      "image decoding/preprocessing workers (0: same as --threads)")
      ->capture_default_str();
  add_common_options(command, *common);
  command->callback([args, common] {
    apply(*common);
    clip::EncodeResult result = clip::run_clip(*args);
    const int64_t images = result.ok + result.missing + result.corrupt;
    print_summary({{"items", static_cast<int64_t>(result.item_ids.size())},
                   {"ok", result.ok},
                   {"missing", result.missing},
                   {"corrupt", result.corrupt},
                   {"padding", result.padding},
                   {"dim", result.embeddings.cols},
                   {"seconds", result.seconds},
                   {"images_per_s", result.seconds > 0 ? images / result.seconds : 0.0},
                   {"out", args->out_path}});
  });
}

}  // namespace mmctr::cli
