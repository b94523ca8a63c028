#include "ctr/mlp_block.h"

#include "ctr/dropout.h"

namespace mmctr::ctr {

MLPBlockImpl::MLPBlockImpl(const MLPBlockOptions& options) {
  torch::nn::Sequential layers;
  int64_t dim = options.input_dim;
  for (int64_t units : options.hidden_units) {
    layers->push_back(torch::nn::Linear(dim, units));
    if (options.batch_norm) layers->push_back(torch::nn::BatchNorm1d(units));
    layers->push_back(torch::nn::ReLU());
    if (options.dropout > 0) layers->push_back(Dropout(options.dropout));
    dim = units;
  }
  if (options.output_dim > 0) {
    layers->push_back(torch::nn::Linear(dim, options.output_dim));
    dim = options.output_dim;
  }
  output_dim_ = dim;
  layers_ = register_module("layers", layers);
}

torch::Tensor MLPBlockImpl::forward(torch::Tensor x) { return layers_->forward(x); }

void xavier_init_linears(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& child : module.modules(/*include_self=*/false)) {
    if (auto* linear = child->as<torch::nn::LinearImpl>()) {
      torch::nn::init::xavier_normal_(linear->weight);
      if (linear->bias.defined()) linear->bias.zero_();
    }
  }
}

}  // namespace mmctr::ctr
