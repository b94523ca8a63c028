// DinAttention: DIN's local activation unit (FuxiCTR DIN_Attention with ReLU, no BatchNorm).
// For target t and history item h the unit scores MLP([t, h, t-h, t*h]) -> 1 (no output activation),
// multiplies the scores by the mask (and, with use_softmax, normalises them over the unmasked
// positions), and returns sum_l score_l * h_l.
//
// Two savings that change no result:
// - The first layer W [t, h, t-h, t*h] + b is computed as (W_t + W_d) t + (W_h - W_d) h + W_p (t*h) + b:
//   the t-part once per sample, the h-part once per distinct item of the batch, and only the product
//   part per history position, instead of a 4x wider matrix product per position. The weight keeps
//   FuxiCTR's shape (units x 4·dim), so initialisation and checkpoints are the same.
// - The MLP runs only on the unmasked positions, packed: a masked score is zero whatever the MLP
//   says, and histories are mostly padding (MicroLens users have ~9 items of the 64 slots). Without
//   softmax the pooling also sums over those positions alone.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "ctr/mlp_block.h"

namespace mmctr::ctr {

struct DinAttentionOptions {
  int64_t item_dim = 0;               // D: size of an item vector
  std::vector<int64_t> hidden_units;  // at least one layer
  double dropout = 0;
  bool use_softmax = false;
};

class DinAttentionImpl : public torch::nn::Module {
 public:
  explicit DinAttentionImpl(const DinAttentionOptions& options);

  // target (B, D), items (U, D): the batch's distinct item vectors, history (B, L) int64 rows of
  // items, mask (B, L) float 1/0 -> scores (B, L) after masking (and softmax)
  torch::Tensor scores(const torch::Tensor& target, const torch::Tensor& items,
                       const torch::Tensor& history, const torch::Tensor& mask);
  // same inputs -> pooled history (B, D)
  torch::Tensor forward(const torch::Tensor& target, const torch::Tensor& items,
                        const torch::Tensor& history, const torch::Tensor& mask);

  torch::nn::Linear first_layer() const { return first_; }
  MLPBlock rest() const { return rest_; }

 private:
  // The unmasked history positions of a batch, flattened: position p is history[sample[p]][slot].
  struct Positions {
    torch::Tensor flat;    // (P) sample * L + slot
    torch::Tensor sample;  // (P) row of the batch
    torch::Tensor item;    // (P) row of items
  };
  static Positions unmasked(const torch::Tensor& history, const torch::Tensor& mask);
  // MLP scores of the unmasked positions (P), before softmax
  torch::Tensor position_scores(const torch::Tensor& target, const torch::Tensor& items, const Positions& kept);
  // scores (P) -> (B, L) with zeros (or, with softmax, normalised weights) at masked positions
  torch::Tensor dense_scores(const torch::Tensor& kept_scores, const Positions& kept, int64_t batch,
                             int64_t length) const;

  DinAttentionOptions options_;
  torch::nn::Linear first_{nullptr};  // over [t, h, t-h, t*h]
  MLPBlock rest_{nullptr};            // remaining hidden layers and the 1-unit output
};
TORCH_MODULE(DinAttention);

}  // namespace mmctr::ctr
