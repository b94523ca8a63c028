#include "ctr/din.h"

namespace mmctr::ctr {
namespace {

torch::nn::Embedding padded_embedding(int64_t vocab, int64_t dim) {
  return torch::nn::Embedding(torch::nn::EmbeddingOptions(vocab, dim).padding_idx(0));
}

}  // namespace

DinImpl::DinImpl(const DinConfig& config, const FeatureShape& shape)
    : embedding_regularizer_(config.embedding_regularizer),
      item_dim_(2 * config.embedding_dim + shape.frozen_dim) {
  const int64_t dim = config.embedding_dim;
  likes_ = register_module("likes_level", padded_embedding(shape.level_vocab, dim));
  views_ = register_module("views_level", padded_embedding(shape.level_vocab, dim));
  item_id_ = register_module("item_id", padded_embedding(shape.items, dim));
  item_tags_ = register_module("item_tags", padded_embedding(shape.tag_vocab, dim));
  frozen_projection_ = register_module(
      "item_emb", torch::nn::Linear(torch::nn::LinearOptions(shape.frozen_dim, shape.frozen_dim).bias(false)));
  attention_ = register_module("attention", DinAttention(DinAttentionOptions{
                                                item_dim_, config.attention_hidden_units,
                                                config.attention_dropout, config.din_use_softmax}));
  MLPBlockOptions dnn;
  dnn.input_dim = 2 * dim + 2 * item_dim_;
  dnn.hidden_units = config.dnn_hidden_units;
  dnn.output_dim = 1;
  dnn.dropout = config.net_dropout;
  dnn.batch_norm = config.batch_norm;
  dnn_ = register_module("dnn", MLPBlock(dnn));
  reset_parameters();
}

void DinImpl::reset_parameters() {
  xavier_init_linears(*this);
  torch::NoGradGuard no_grad;
  for (auto* table : {&likes_, &views_, &item_id_, &item_tags_}) {
    auto& weight = (*table)->weight;
    torch::nn::init::normal_(weight, 0.0, 1e-4);
    weight[0].zero_();
  }
}

torch::Tensor DinImpl::item_vectors(const torch::Tensor& items, const torch::Tensor& tags,
                                    const torch::Tensor& frozen) {
  auto id = item_id_->forward(items);                                           // (U, De)
  auto tag_embeddings = item_tags_->forward(tags);                              // (U, T, De)
  auto tag_count = (tags > 0).sum(1, /*keepdim=*/true).to(tag_embeddings.scalar_type());  // (U, 1)
  auto tag_mean = tag_embeddings.sum(1) / (tag_count + 1e-12);                  // (U, De)
  auto projected = frozen_projection_->forward(frozen);                         // (U, E)
  return torch::cat({id, tag_mean, projected}, 1);                              // (U, 2De + E)
}

torch::Tensor DinImpl::forward(const Batch& batch) {
  auto items = item_vectors(batch.items, batch.item_tags, batch.item_emb);     // (U, D)
  auto target = items.index_select(0, batch.target);                            // (B, D)
  auto pooled = attention_->forward(target, items, batch.history, batch.mask); // (B, D)
  auto features = torch::cat({likes_->forward(batch.likes), views_->forward(batch.views), target, pooled},
                             1);                                                // (B, 2De + 2D)
  return dnn_->forward(features).squeeze(1);                                    // (B)
}

torch::Tensor DinImpl::regularization() {
  auto squared = torch::zeros({}, likes_->weight.options());
  for (const auto& weight : {likes_->weight, views_->weight, item_id_->weight, item_tags_->weight,
                             frozen_projection_->weight})
    squared = squared + weight.pow(2).sum();
  return squared * (embedding_regularizer_ / 2);
}

}  // namespace mmctr::ctr
