// The CLIP image tower (Hugging Face CLIPVisionModelWithProjection) as LibTorch modules. Every
// registered name equals the checkpoint key, so named_parameters() of VisionModel are exactly the
// vision_model.* and visual_projection.* tensors of model.safetensors.
#pragma once

#include <torch/torch.h>

#include <string>

#include "clip/vision_config.h"

namespace mmctr::clip {

class SafetensorsFile;

// Keys: class_embedding, patch_embedding.weight, position_embedding.weight.
class VisionEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit VisionEmbeddingsImpl(const VisionConfig& config);
  // pixels [B, 3, S, S] -> tokens [B, 1 + (S/P)^2, D]: class token, then patches row-major.
  torch::Tensor forward(const torch::Tensor& pixels);

 private:
  torch::Tensor class_embedding;  // [D]
  torch::nn::Conv2d patch_embedding{nullptr};
  torch::nn::Embedding position_embedding{nullptr};
};
TORCH_MODULE(VisionEmbeddings);

// Keys: {q,k,v,out}_proj.{weight,bias}.
class AttentionImpl : public torch::nn::Module {
 public:
  explicit AttentionImpl(const VisionConfig& config);
  // x [B, T, D] -> [B, T, D]
  torch::Tensor forward(const torch::Tensor& x);

 private:
  int64_t heads_, head_dim_;
  double scale_;  // head_dim^-0.5, applied to the queries
  torch::nn::Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};
};
TORCH_MODULE(Attention);

// Keys: fc1.{weight,bias}, fc2.{weight,bias}.
class MlpImpl : public torch::nn::Module {
 public:
  explicit MlpImpl(const VisionConfig& config);
  // x [B, T, D] -> [B, T, D] through [B, T, intermediate]
  torch::Tensor forward(const torch::Tensor& x);

 private:
  Activation activation_;
  torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Mlp);

// One pre-LayerNorm block. Keys: self_attn.*, layer_norm1.*, mlp.*, layer_norm2.*.
class EncoderLayerImpl : public torch::nn::Module {
 public:
  explicit EncoderLayerImpl(const VisionConfig& config);
  // x [B, T, D] -> [B, T, D]
  torch::Tensor forward(torch::Tensor x);

 private:
  Attention self_attn{nullptr};
  torch::nn::LayerNorm layer_norm1{nullptr};
  Mlp mlp{nullptr};
  torch::nn::LayerNorm layer_norm2{nullptr};
};
TORCH_MODULE(EncoderLayer);

// The stack of blocks. Key prefix: encoder.layers.{i}.
class LayerStackImpl : public torch::nn::Module {
 public:
  explicit LayerStackImpl(const VisionConfig& config);
  // x [B, T, D] -> [B, T, D]
  torch::Tensor forward(torch::Tensor x);

 private:
  torch::nn::ModuleList layers;
};
TORCH_MODULE(LayerStack);

// Keys: embeddings.*, pre_layrnorm.* (the checkpoint's spelling), encoder.*, post_layernorm.*.
class VisionTransformerImpl : public torch::nn::Module {
 public:
  explicit VisionTransformerImpl(const VisionConfig& config);
  // pixels [B, 3, S, S] -> pooled [B, D]: post_layernorm of the class token.
  torch::Tensor forward(const torch::Tensor& pixels);

 private:
  VisionEmbeddings embeddings{nullptr};
  torch::nn::LayerNorm pre_layrnorm{nullptr};
  LayerStack encoder{nullptr};
  torch::nn::LayerNorm post_layernorm{nullptr};
};
TORCH_MODULE(VisionTransformer);

// Keys: vision_model.*, visual_projection.weight.
class VisionModelImpl : public torch::nn::Module {
 public:
  explicit VisionModelImpl(const VisionConfig& config);
  // pixels [B, 3, S, S] (normalised CHW) -> L2-normalised image embeddings [B, projection_dim].
  torch::Tensor forward(const torch::Tensor& pixels);

  const VisionConfig& config() const { return config_; }

 private:
  VisionConfig config_;
  VisionTransformer vision_model{nullptr};
  torch::nn::Linear visual_projection{nullptr};
};
TORCH_MODULE(VisionModel);

// Copies the checkpoint's tensors into the model's parameters (converted to float32). InputError
// naming the file and key for a missing tensor, a shape that differs from the config's, or a
// tensor that is neither part of the vision tower nor known to be ignorable (text tower,
// logit_scale, text_projection, vision_model.embeddings.position_ids, which must be 0..T-1).
void load_weights(VisionModelImpl& model, const SafetensorsFile& file);

// Builds the tower from <model_dir>/config.json, loads <model_dir>/model.safetensors, and returns
// it frozen (eval mode, no gradients).
VisionModel load_vision_model(const std::string& model_dir);

}  // namespace mmctr::clip
