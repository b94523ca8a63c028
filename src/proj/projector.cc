#include "proj/projector.h"

namespace mmctr::proj {

ProjectorImpl::ProjectorImpl(const ProjectorOptions& options) {
  namespace nn = torch::nn;
  fc1_ = register_module("fc1", nn::Linear(options.in_dim, options.hidden1));
  bn1_ = register_module("bn1", nn::BatchNorm1d(options.hidden1));
  dropout_ = register_module("dropout", nn::Dropout(options.dropout));
  fc2_ = register_module("fc2", nn::Linear(options.hidden1, options.hidden2));
  bn2_ = register_module("bn2", nn::BatchNorm1d(options.hidden2));
  fc3_ = register_module("fc3", nn::Linear(options.hidden2, options.out_dim));
  output_shift_ = register_buffer("output_shift", torch::zeros({options.out_dim}));
  output_scale_ = register_buffer("output_scale", torch::ones({options.out_dim}));
}

void ProjectorImpl::set_output_affine(const torch::Tensor& shift, const torch::Tensor& scale) {
  torch::NoGradGuard no_grad;
  output_shift_.copy_(shift);
  output_scale_.copy_(scale);
}

torch::Tensor ProjectorImpl::forward(const torch::Tensor& features) {
  auto h = dropout_(torch::relu(bn1_(fc1_(features))));  // (B, hidden1)
  h = torch::relu(bn2_(fc2_(h)));                         // (B, hidden2)
  return fc3_(h) * output_scale_ + output_shift_;         // (B, out_dim)
}

}  // namespace mmctr::proj
