// Din: FuxiCTR 2.3.7's DIN as the WWW 2025 MM-CTR challenge configures it.
//   item vector  = [id embedding | mean of non-zero tag embeddings | Linear(frozen embedding)]
//   pooled       = DinAttention(target item, history items, mask)
//   logit        = DNN([likes | views | target | pooled])
// Embedding row 0 is padding (zero, no gradient), as FuxiCTR's tokenizers reserve 0 for padding.
#pragma once

#include <torch/torch.h>

#include "ctr/din_attention.h"
#include "ctr/din_config.h"
#include "ctr/mlp_block.h"
#include "ctr/model.h"

namespace mmctr::ctr {

class DinImpl : public CtrModel {
 public:
  DinImpl(const DinConfig& config, const FeatureShape& shape);

  torch::Tensor forward(const Batch& batch) override;
  torch::Tensor regularization() override;

  // items (U), tags (U, T), frozen (U, E) -> item vectors (U, 2·embedding_dim + E)
  torch::Tensor item_vectors(const torch::Tensor& items, const torch::Tensor& tags,
                             const torch::Tensor& frozen);
  int64_t item_dim() const { return item_dim_; }

  // Re-draws all parameters the way FuxiCTR initialises them.
  void reset_parameters();

 private:
  double embedding_regularizer_;
  int64_t item_dim_;
  torch::nn::Embedding likes_{nullptr}, views_{nullptr}, item_id_{nullptr}, item_tags_{nullptr};
  torch::nn::Linear frozen_projection_{nullptr};  // item_emb_d128 -> 128, no bias
  DinAttention attention_{nullptr};
  MLPBlock dnn_{nullptr};
};
TORCH_MODULE(Din);

}  // namespace mmctr::ctr
