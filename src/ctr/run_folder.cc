#include "ctr/run_folder.h"

#include "common/error.h"
#include "common/files.h"
#include "ctr/batch.h"
#include "ctr/trainer.h"

namespace mmctr::ctr {

std::string run_file(const std::string& run_dir, const char* name) { return run_dir + "/" + name; }

io::ItemInfo load_item_info(const std::string& path, const DinConfig& config) {
  require_file(path, "item_info");
  io::ColumnNames names;
  names.item_emb = config.item_emb_column;
  return io::read_item_info(path, names, /*need_emb=*/true);
}

io::CtrData load_ctr(const std::string& path, io::CtrKind kind, const io::ItemInfo& items, const DinConfig& config) {
  require_file(path, "CTR data");
  io::CtrData data = io::read_ctr(path, kind, items.items());
  check_ctr_data(data, items, config.level_vocab_size, config.max_len, path);
  return data;
}

nlohmann::json fingerprint(const std::string& path, int64_t rows) {
  return {{"path", path}, {"bytes", file_size(path)}, {"rows", rows}};
}

void write_meta(const std::string& run_dir, const FeatureShape& shape, const nlohmann::json& inputs) {
  nlohmann::json meta = {{"features",
                          {{"item_id", {{"vocab_size", shape.items}}},
                           {"item_tags", {{"vocab_size", shape.tag_vocab}, {"max_len", shape.tags_per_item}}},
                           {"item_emb", {{"dim", shape.frozen_dim}}},
                           {"likes_level", {{"vocab_size", shape.level_vocab}}},
                           {"views_level", {{"vocab_size", shape.level_vocab}}}}},
                         {"inputs", inputs}};
  write_text_file_atomic(run_file(run_dir, "meta.json"), meta.dump(2) + "\n");
}

FeatureShape read_meta(const std::string& run_dir) {
  const std::string path = run_file(run_dir, "meta.json");
  require_file(path, "run metadata");
  try {
    const auto meta = nlohmann::json::parse(read_text_file(path)).at("features");
    FeatureShape shape;
    shape.items = meta.at("item_id").at("vocab_size");
    shape.tag_vocab = meta.at("item_tags").at("vocab_size");
    shape.tags_per_item = meta.at("item_tags").at("max_len");
    shape.frozen_dim = meta.at("item_emb").at("dim");
    shape.level_vocab = meta.at("likes_level").at("vocab_size");
    return shape;
  } catch (const nlohmann::json::exception& e) {
    fail("{}: not a run metadata file ({})", path, e.what());
  }
}

std::shared_ptr<CtrModel> load_trained_model(const std::string& run_dir, const DinConfig& config,
                                             const io::ItemInfo& items) {
  const FeatureShape trained = read_meta(run_dir);
  const FeatureShape given = feature_shape(items, config);
  MMCTR_CHECK(given.items == trained.items && given.frozen_dim == trained.frozen_dim &&
                  given.tags_per_item == trained.tags_per_item && given.tag_vocab <= trained.tag_vocab,
              "item_info does not fit the run {}: {} items, embedding width {}, {} tags per item, tag ids < {}; "
              "the model was trained with {} items, width {}, {} tags, tag ids < {}",
              run_dir, given.items, given.frozen_dim, given.tags_per_item, given.tag_vocab, trained.items,
              trained.frozen_dim, trained.tags_per_item, trained.tag_vocab);
  auto model = Create(config.model, config, trained);
  load_model(*model, run_file(run_dir, "best.pt"));
  model->to(config.device());
  model->eval();
  return model;
}

}  // namespace mmctr::ctr
