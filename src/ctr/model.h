// The CTR model interface and its factory: ctr::Create("din", config, shape).
#pragma once

#include <torch/torch.h>

#include <memory>
#include <string>

#include "ctr/batch.h"
#include "ctr/din_config.h"

namespace mmctr::ctr {

// Sizes the model takes from the data rather than the config; saved in the run folder (meta.json).
struct FeatureShape {
  int64_t items = 0;          // rows of item_info (item ids 0..items-1, 0 = padding)
  int64_t tag_vocab = 0;      // max tag id + 1
  int64_t tags_per_item = 0;  // item_tags list length
  int64_t frozen_dim = 0;     // width of the frozen item embedding
  int64_t level_vocab = 0;    // likes_level / views_level vocabulary
};

// Shape of the features of `items` (tags must be >= 0; the frozen embedding present).
FeatureShape feature_shape(const io::ItemInfo& items, const DinConfig& config);

class CtrModel : public torch::nn::Module {
 public:
  // -> logits (B); sigmoid gives the click probability
  virtual torch::Tensor forward(const Batch& batch) = 0;
  // The embedding regulariser: (λ/2)·Σ‖W‖² over the embedding parameters (a scalar).
  virtual torch::Tensor regularization() = 0;
};

// name: "din" (case-insensitive). Parameters are initialised from the current torch seed.
std::shared_ptr<CtrModel> Create(const std::string& name, const DinConfig& config, const FeatureShape& shape);

}  // namespace mmctr::ctr
