#include "clip/vision_model.h"

#include <cmath>
#include <map>

#include "clip/safetensors.h"
#include "common/error.h"
#include "common/files.h"

namespace mmctr::clip {
namespace {

torch::nn::LayerNorm layer_norm(const VisionConfig& config) {
  return torch::nn::LayerNorm(
      torch::nn::LayerNormOptions({config.hidden_size}).eps(config.layer_norm_eps));
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// Tensors of a full CLIPModel checkpoint that the image tower does not use.
bool is_ignorable(const std::string& key) {
  return starts_with(key, "text_model.") || starts_with(key, "text_projection.") || key == "logit_scale";
}

const char* kPositionIds = "vision_model.embeddings.position_ids";

// Older checkpoints store position_ids as a buffer; it must be the identity 0..T-1 that the model
// applies anyway, or the checkpoint means something this model does not compute.
void check_position_ids(const SafetensorsFile& file, const TensorInfo& tensor, int64_t positions) {
  MMCTR_CHECK(tensor.numel() == positions && tensor.shape.back() == positions,
              "{}: tensor '{}' has shape {}, expected [1, {}]", file.path(), tensor.name, shape_string(tensor.shape),
              positions);
  std::vector<float> ids(static_cast<size_t>(positions));
  file.read_float(tensor, ids.data());
  for (int64_t i = 0; i < positions; ++i)
    MMCTR_CHECK(ids[i] == static_cast<float>(i), "{}: tensor '{}' is not 0..{} (element {} is {})", file.path(),
                tensor.name, positions - 1, i, ids[i]);
}

}  // namespace

VisionEmbeddingsImpl::VisionEmbeddingsImpl(const VisionConfig& config) {
  class_embedding = register_parameter("class_embedding", torch::zeros({config.hidden_size}));
  patch_embedding = register_module(
      "patch_embedding", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, config.hidden_size, config.patch_size)
                                               .stride(config.patch_size)
                                               .bias(false)));
  position_embedding = register_module(
      "position_embedding", torch::nn::Embedding(config.num_positions(), config.hidden_size));
}

torch::Tensor VisionEmbeddingsImpl::forward(const torch::Tensor& pixels) {
  const int64_t batch = pixels.size(0);
  auto patches = patch_embedding(pixels);              // [B, D, G, G]
  patches = patches.flatten(2).transpose(1, 2);        // [B, G*G, D], row-major over the grid
  auto cls = class_embedding.view({1, 1, -1}).expand({batch, 1, class_embedding.size(0)});  // [B, 1, D]
  auto tokens = torch::cat({cls, patches}, 1);         // [B, T, D]
  return tokens + position_embedding->weight.unsqueeze(0);  // + [1, T, D]
}

AttentionImpl::AttentionImpl(const VisionConfig& config)
    : heads_(config.num_attention_heads),
      head_dim_(config.head_dim()),
      scale_(1.0 / std::sqrt(static_cast<double>(config.head_dim()))) {
  const int64_t d = config.hidden_size;
  q_proj = register_module("q_proj", torch::nn::Linear(d, d));
  k_proj = register_module("k_proj", torch::nn::Linear(d, d));
  v_proj = register_module("v_proj", torch::nn::Linear(d, d));
  out_proj = register_module("out_proj", torch::nn::Linear(d, d));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x) {
  const int64_t batch = x.size(0), tokens = x.size(1);
  auto split_heads = [&](const torch::Tensor& t) {  // [B, T, D] -> [B, H, T, hd]
    return t.view({batch, tokens, heads_, head_dim_}).transpose(1, 2);
  };
  auto q = split_heads(q_proj(x) * scale_);
  auto k = split_heads(k_proj(x));
  auto v = split_heads(v_proj(x));
  auto weights = torch::softmax(torch::matmul(q, k.transpose(-2, -1)), -1);  // [B, H, T, T]
  auto context = torch::matmul(weights, v);                                   // [B, H, T, hd]
  context = context.transpose(1, 2).reshape({batch, tokens, heads_ * head_dim_});  // [B, T, D]
  return out_proj(context);
}

MlpImpl::MlpImpl(const VisionConfig& config) : activation_(config.hidden_act) {
  fc1 = register_module("fc1", torch::nn::Linear(config.hidden_size, config.intermediate_size));
  fc2 = register_module("fc2", torch::nn::Linear(config.intermediate_size, config.hidden_size));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) {
  auto h = fc1(x);  // [B, T, I]
  h = activation_ == Activation::QuickGelu ? h * torch::sigmoid(1.702 * h) : torch::gelu(h);
  return fc2(h);  // [B, T, D]
}

EncoderLayerImpl::EncoderLayerImpl(const VisionConfig& config) {
  self_attn = register_module("self_attn", Attention(config));
  layer_norm1 = register_module("layer_norm1", layer_norm(config));
  mlp = register_module("mlp", Mlp(config));
  layer_norm2 = register_module("layer_norm2", layer_norm(config));
}

torch::Tensor EncoderLayerImpl::forward(torch::Tensor x) {
  x = x + self_attn(layer_norm1(x));  // [B, T, D]
  return x + mlp(layer_norm2(x));     // [B, T, D]
}

LayerStackImpl::LayerStackImpl(const VisionConfig& config) {
  layers = register_module("layers", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) layers->push_back(EncoderLayer(config));
}

torch::Tensor LayerStackImpl::forward(torch::Tensor x) {
  for (const auto& layer : *layers) x = layer->as<EncoderLayer>()->forward(x);  // [B, T, D]
  return x;
}

VisionTransformerImpl::VisionTransformerImpl(const VisionConfig& config) {
  embeddings = register_module("embeddings", VisionEmbeddings(config));
  pre_layrnorm = register_module("pre_layrnorm", layer_norm(config));
  encoder = register_module("encoder", LayerStack(config));
  post_layernorm = register_module("post_layernorm", layer_norm(config));
}

torch::Tensor VisionTransformerImpl::forward(const torch::Tensor& pixels) {
  auto x = pre_layrnorm(embeddings(pixels));  // [B, T, D]
  x = encoder(x);                             // [B, T, D]
  return post_layernorm(x.select(1, 0));      // class token [B, D]
}

VisionModelImpl::VisionModelImpl(const VisionConfig& config) : config_(config) {
  vision_model = register_module("vision_model", VisionTransformer(config));
  visual_projection = register_module(
      "visual_projection",
      torch::nn::Linear(torch::nn::LinearOptions(config.hidden_size, config.projection_dim).bias(false)));
}

torch::Tensor VisionModelImpl::forward(const torch::Tensor& pixels) {
  torch::NoGradGuard no_grad;
  const int64_t s = config_.image_size;
  TORCH_CHECK(pixels.dim() == 4 && pixels.size(1) == 3 && pixels.size(2) == s && pixels.size(3) == s,
              "CLIP pixels must be [B, 3, ", s, ", ", s, "], got ", pixels.sizes());
  auto embeds = visual_projection(vision_model(pixels));  // [B, P]
  return embeds / embeds.norm(2, {-1}, /*keepdim=*/true);  // [B, P], unit length
}

void load_weights(VisionModelImpl& model, const SafetensorsFile& file) {
  torch::NoGradGuard no_grad;
  const int64_t positions = model.config().num_positions();
  std::map<std::string, torch::Tensor> parameters;
  for (auto& item : model.named_parameters(/*recurse=*/true)) parameters.emplace(item.key(), item.value());

  for (const auto& tensor : file.tensors()) {
    if (parameters.count(tensor.name) || is_ignorable(tensor.name)) continue;
    if (tensor.name == kPositionIds) {
      check_position_ids(file, tensor, positions);
      continue;
    }
    fail("{}: unexpected tensor '{}' {}: not part of the CLIP vision tower that config.json describes "
         "(num_hidden_layers {})", file.path(), tensor.name, shape_string(tensor.shape),
         model.config().num_hidden_layers);
  }
  for (auto& [name, parameter] : parameters) {
    const TensorInfo* tensor = file.find(name);
    std::vector<int64_t> expected = parameter.sizes().vec();
    MMCTR_CHECK(tensor != nullptr, "{}: missing tensor '{}' (expected shape {})", file.path(), name,
                shape_string(expected));
    MMCTR_CHECK(tensor->shape == expected, "{}: tensor '{}' has shape {}, but config.json implies {}",
                file.path(), name, shape_string(tensor->shape), shape_string(expected));
    file.read_float(*tensor, parameter.data_ptr<float>());
  }
}

VisionModel load_vision_model(const std::string& model_dir) {
  VisionModel model(load_vision_config(model_dir));
  std::string weights = model_dir + "/model.safetensors";
  require_file(weights, "CLIP model weights");
  load_weights(*model, SafetensorsFile(weights));
  model->eval();
  for (auto& parameter : model->parameters()) parameter.set_requires_grad(false);
  return model;
}

}  // namespace mmctr::clip
