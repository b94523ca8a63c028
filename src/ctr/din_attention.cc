#include "ctr/din_attention.h"

#include "ctr/dropout.h"

namespace mmctr::ctr {

DinAttentionImpl::DinAttentionImpl(const DinAttentionOptions& options) : options_(options) {
  const int64_t first_units = options.hidden_units.at(0);
  first_ = register_module("first", torch::nn::Linear(4 * options.item_dim, first_units));
  MLPBlockOptions rest;
  rest.input_dim = first_units;
  rest.hidden_units.assign(options.hidden_units.begin() + 1, options.hidden_units.end());
  rest.output_dim = 1;
  rest.dropout = options.dropout;
  rest_ = register_module("rest", MLPBlock(rest));
}

DinAttentionImpl::Positions DinAttentionImpl::unmasked(const torch::Tensor& history, const torch::Tensor& mask) {
  Positions kept;
  kept.flat = (mask.reshape({-1}) > 0).nonzero().squeeze(1);                             // (P)
  kept.sample = torch::div(kept.flat, history.size(1), /*rounding_mode=*/"floor");      // (P)
  kept.item = history.reshape({-1}).index_select(0, kept.flat);                         // (P)
  return kept;
}

torch::Tensor DinAttentionImpl::position_scores(const torch::Tensor& target, const torch::Tensor& items,
                                                const Positions& kept) {
  const int64_t dim = options_.item_dim;
  const torch::Tensor& weight = first_->weight;  // (H, 4D)
  auto w_target = weight.narrow(1, 0, dim), w_history = weight.narrow(1, dim, dim);
  auto w_difference = weight.narrow(1, 2 * dim, dim), w_product = weight.narrow(1, 3 * dim, dim);

  auto per_sample = torch::addmm(first_->bias, target, (w_target + w_difference).t());  // (B, H)
  auto per_item = torch::mm(items, (w_history - w_difference).t());                    // (U, H)
  auto product = items.index_select(0, kept.item) * target.index_select(0, kept.sample);  // (P, D)
  auto hidden = torch::addmm(per_item.index_select(0, kept.item), product, w_product.t());  // (P, H)
  hidden = hidden.add_(per_sample.index_select(0, kept.sample));                        // (P, H)
  hidden = ctr::dropout(torch::relu(hidden), options_.dropout, is_training());
  return rest_->forward(hidden).squeeze(1);                                              // (P)
}

torch::Tensor DinAttentionImpl::dense_scores(const torch::Tensor& kept_scores, const Positions& kept,
                                             int64_t batch, int64_t length) const {
  // FuxiCTR's softmax fills masked scores with -1e9 first, so they get (almost) no weight.
  const double fill = options_.use_softmax ? -1e9 : 0.0;
  auto score = torch::full({batch * length}, fill, kept_scores.options()).index_copy(0, kept.flat, kept_scores);
  score = score.view({batch, length});                                                   // (B, L)
  return options_.use_softmax ? torch::softmax(score, /*dim=*/1) : score;
}

torch::Tensor DinAttentionImpl::scores(const torch::Tensor& target, const torch::Tensor& items,
                                       const torch::Tensor& history, const torch::Tensor& mask) {
  const Positions kept = unmasked(history, mask);
  return dense_scores(position_scores(target, items, kept), kept, history.size(0), history.size(1));
}

torch::Tensor DinAttentionImpl::forward(const torch::Tensor& target, const torch::Tensor& items,
                                        const torch::Tensor& history, const torch::Tensor& mask) {
  const Positions kept = unmasked(history, mask);
  auto kept_scores = position_scores(target, items, kept);                               // (P)
  if (options_.use_softmax) {
    // Softmax weighs every position (a row without items spreads its weight over the padding, as
    // FuxiCTR does), so pool over all of them.
    auto score = dense_scores(kept_scores, kept, history.size(0), history.size(1));      // (B, L)
    auto history_vectors =
        items.index_select(0, history.reshape({-1})).view({history.size(0), history.size(1), -1});  // (B, L, D)
    return torch::bmm(score.unsqueeze(1), history_vectors).squeeze(1);                   // (B, D)
  }
  auto weighted = items.index_select(0, kept.item) * kept_scores.unsqueeze(1);           // (P, D)
  return torch::zeros({history.size(0), items.size(1)}, items.options()).index_add(0, kept.sample, weighted);
}

}  // namespace mmctr::ctr
