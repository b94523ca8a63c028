// MLPBlock: FuxiCTR's MLP_Block with ReLU: each hidden layer is Linear -> [BatchNorm] -> ReLU ->
// [Dropout]; then an optional output Linear without activation (callers apply sigmoid where needed).
#pragma once

#include <torch/torch.h>

#include <vector>

namespace mmctr::ctr {

struct MLPBlockOptions {
  int64_t input_dim = 0;
  std::vector<int64_t> hidden_units;
  int64_t output_dim = 0;  // 0: no output layer, the block ends with the last hidden layer
  double dropout = 0;
  bool batch_norm = false;
};

class MLPBlockImpl : public torch::nn::Module {
 public:
  explicit MLPBlockImpl(const MLPBlockOptions& options);
  // x (N, input_dim) -> (N, output_dim or last hidden units)
  torch::Tensor forward(torch::Tensor x);
  int64_t output_dim() const { return output_dim_; }

 private:
  torch::nn::Sequential layers_{nullptr};
  int64_t output_dim_;
};
TORCH_MODULE(MLPBlock);

// FuxiCTR's default initialisation of every Linear below `module` (callable from a constructor):
// Xavier-normal weight, zero bias.
void xavier_init_linears(torch::nn::Module& module);

}  // namespace mmctr::ctr
