// The model factory: one place mapping names to implementations.
#include "ctr/model.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "ctr/din.h"

namespace mmctr::ctr {

FeatureShape feature_shape(const io::ItemInfo& items, const DinConfig& config) {
  MMCTR_CHECK(items.items() > 1, "item_info: {} items; expected the padding row 0 and at least one item",
              items.items());
  MMCTR_CHECK(items.emb.rows == items.items() && items.emb.cols > 0,
              "item_info: no frozen item embedding ({} x {})", items.emb.rows, items.emb.cols);
  MMCTR_CHECK(items.tags.rows == items.items() && items.tags.cols > 0, "item_info: no item_tags");
  int64_t max_tag = 0;
  for (int64_t tag : items.tags.data) {
    MMCTR_CHECK(tag >= 0, "item_info: column item_tags holds a negative tag id {}", tag);
    max_tag = std::max(max_tag, tag);
  }
  FeatureShape shape;
  shape.items = items.items();
  shape.tag_vocab = max_tag + 1;
  shape.tags_per_item = items.tags.cols;
  shape.frozen_dim = items.emb.cols;
  shape.level_vocab = config.level_vocab_size;
  return shape;
}

std::shared_ptr<CtrModel> Create(const std::string& name, const DinConfig& config, const FeatureShape& shape) {
  std::string key = name;
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  if (key == "din") return std::make_shared<DinImpl>(config, shape);
  fail("unknown CTR model '{}' (known: DIN)", name);
}

}  // namespace mmctr::ctr
