// The distillation MLP: maps an item's teacher features (image, text) onto its behaviour vector.
// Linear(in, 512) -> BatchNorm -> ReLU -> Dropout -> Linear(512, 256) -> BatchNorm -> ReLU
// -> Linear(256, out), as in the challenge seed.
#pragma once

#include <torch/torch.h>

#include <cstdint>

namespace mmctr::proj {

struct ProjectorOptions {
  int64_t in_dim = 512;
  int64_t hidden1 = 512;
  int64_t hidden2 = 256;
  int64_t out_dim = 128;
  double dropout = 0.2;
};

class ProjectorImpl : public torch::nn::Module {
 public:
  explicit ProjectorImpl(const ProjectorOptions& options);
  // features (B, in_dim) -> projection (B, out_dim), not normalised.
  torch::Tensor forward(const torch::Tensor& features);

  // Fixed per-dimension output affine: projection = shift + scale * network output. The seed's
  // model is the identity (shift 0, scale 1); setting the training targets' mean and standard
  // deviation lets the network learn standardised targets while it is still scored in their units.
  void set_output_affine(const torch::Tensor& shift, const torch::Tensor& scale);

 private:
  torch::nn::Linear fc1_{nullptr}, fc2_{nullptr}, fc3_{nullptr};
  torch::nn::BatchNorm1d bn1_{nullptr}, bn2_{nullptr};
  torch::nn::Dropout dropout_{nullptr};
  torch::Tensor output_shift_, output_scale_;  // (out_dim) buffers
};
TORCH_MODULE(Projector);

}  // namespace mmctr::proj
