// Dropout as torch.nn.Dropout (FuxiCTR's): in training, each value is kept with probability 1 - p
// and scaled by 1 / (1 - p), else zeroed; in evaluation it is the identity. The mask comes from a
// counter-based generator run on all threads, keyed by one draw from LibTorch's default generator
// (so torch::manual_seed still fixes it, and the thread count does not change it), instead of
// LibTorch's sequential mt19937: measured 1.3 s for a (133k, 1024) attention activation on 2 cores,
// about a fifth of a DIN training step at the seed's configuration. Tensors on another device get
// LibTorch's dropout.
#pragma once

#include <torch/torch.h>

namespace mmctr::ctr {

torch::Tensor dropout(const torch::Tensor& input, double p, bool training);

// The module form, for MLPBlock's Sequential.
class DropoutImpl : public torch::nn::Module {
 public:
  explicit DropoutImpl(double p) : p_(p) {}
  torch::Tensor forward(const torch::Tensor& input) { return ctr::dropout(input, p_, is_training()); }

 private:
  double p_;
};
TORCH_MODULE(Dropout);

}  // namespace mmctr::ctr
