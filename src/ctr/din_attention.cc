#include "ctr/din_attention.h"

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

namespace {
// items (U, D), history (B, L) -> (B, L, D)
torch::Tensor gather_history(const torch::Tensor& items, const torch::Tensor& history) {
  return items.index_select(0, history.reshape({-1})).view({history.size(0), history.size(1), -1});
}
}  // namespace

torch::Tensor DinAttentionImpl::scores(const torch::Tensor& target, const torch::Tensor& items,
                                       const torch::Tensor& history, const torch::Tensor& mask) {
  return masked_scores(target, items, history, gather_history(items, history), mask);
}

torch::Tensor DinAttentionImpl::masked_scores(const torch::Tensor& target, const torch::Tensor& items,
                                              const torch::Tensor& history,
                                              const torch::Tensor& history_vectors,
                                              const torch::Tensor& mask) {
  const int64_t batch = history.size(0), length = history.size(1), dim = options_.item_dim;
  const torch::Tensor& weight = first_->weight;  // (H, 4D)
  auto w_target = weight.narrow(1, 0, dim), w_history = weight.narrow(1, dim, dim);
  auto w_difference = weight.narrow(1, 2 * dim, dim), w_product = weight.narrow(1, 3 * dim, dim);

  auto per_sample = torch::addmm(first_->bias, target, (w_target + w_difference).t());  // (B, H)
  auto per_item = torch::mm(items, (w_history - w_difference).t());                    // (U, H)
  auto positions = history.reshape({-1});                                              // (B*L)
  auto product = (history_vectors * target.unsqueeze(1)).view({batch * length, dim});   // (B*L, D)
  auto hidden = torch::addmm(per_item.index_select(0, positions), product, w_product.t());  // (B*L, H)
  hidden = hidden.view({batch, length, -1}).add_(per_sample.unsqueeze(1));              // (B, L, H)
  hidden = torch::dropout(torch::relu(hidden), options_.dropout, is_training());
  auto score = rest_->forward(hidden.view({batch * length, -1})).view({batch, length});  // (B, L)
  score = score * mask;
  if (options_.use_softmax) score = torch::softmax(score + (mask - 1) * 1e9, /*dim=*/1);
  return score;
}

torch::Tensor DinAttentionImpl::forward(const torch::Tensor& target, const torch::Tensor& items,
                                        const torch::Tensor& history, const torch::Tensor& mask) {
  auto history_vectors = gather_history(items, history);                               // (B, L, D)
  auto score = masked_scores(target, items, history, history_vectors, mask);             // (B, L)
  return torch::bmm(score.unsqueeze(1), history_vectors).squeeze(1);                    // (B, D)
}

}  // namespace mmctr::ctr
