#include "clip/random_model.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

#include "common/error.h"
#include "common/files.h"
#include "common/random.h"

namespace mmctr::clip {
namespace {

struct Tensor {
  std::string name;
  std::vector<int64_t> shape;
  std::vector<float> values;
};

}  // namespace

VisionConfig small_random_shape() {
  VisionConfig c;
  c.hidden_size = 128;
  c.intermediate_size = 512;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 4;
  c.projection_dim = 64;
  return c;
}

void write_random_model(const std::string& dir, const VisionConfig& c, uint64_t seed) {
  Rng rng(seed, /*stream=*/0, /*index=*/0);
  std::vector<Tensor> tensors;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, float stddev, float constant = 0.f) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    std::vector<float> values(n, constant);
    if (stddev > 0)
      for (auto& v : values) v = static_cast<float>(stddev * rng.normal());
    tensors.push_back({name, std::move(shape), std::move(values)});
  };
  const int64_t h = c.hidden_size;
  // Scales as Hugging Face's CLIP initialisation (factor 1): they keep activations of order one.
  const float width_scale = 1.f / std::sqrt(static_cast<float>(h));
  add("vision_model.embeddings.class_embedding", {h}, width_scale);
  add("vision_model.embeddings.patch_embedding.weight", {h, 3, c.patch_size, c.patch_size}, 0.02f);
  add("vision_model.embeddings.position_embedding.weight", {c.num_positions(), h}, 0.02f);
  add("vision_model.pre_layrnorm.weight", {h}, 0, 1.f);
  add("vision_model.pre_layrnorm.bias", {h}, 0);
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    std::string layer = fmt::format("vision_model.encoder.layers.{}.", i);
    for (const char* proj : {"q_proj", "k_proj", "v_proj", "out_proj"}) {
      add(layer + "self_attn." + proj + ".weight", {h, h}, width_scale);
      add(layer + "self_attn." + proj + ".bias", {h}, 0);
    }
    for (const char* norm : {"layer_norm1", "layer_norm2"}) {
      add(layer + norm + ".weight", {h}, 0, 1.f);
      add(layer + norm + ".bias", {h}, 0);
    }
    add(layer + "mlp.fc1.weight", {c.intermediate_size, h}, width_scale);
    add(layer + "mlp.fc1.bias", {c.intermediate_size}, 0);
    add(layer + "mlp.fc2.weight", {h, c.intermediate_size}, 1.f / std::sqrt(static_cast<float>(c.intermediate_size)));
    add(layer + "mlp.fc2.bias", {h}, 0);
  }
  add("vision_model.post_layernorm.weight", {h}, 0, 1.f);
  add("vision_model.post_layernorm.bias", {h}, 0);
  add("visual_projection.weight", {c.projection_dim, h}, width_scale);

  nlohmann::json header = {{"__metadata__", {{"format", "pt"}, {"note", "mmctr random weights, not CLIP"}}}};
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    uint64_t bytes = t.values.size() * sizeof(float);
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string header_text = header.dump();
  header_text.append((8 - header_text.size() % 8) % 8, ' ');  // data starts 8-byte aligned

  std::filesystem::create_directories(dir);
  PendingOutput weights(dir + "/model.safetensors");
  {
    std::ofstream out(weights.path(), std::ios::binary);
    uint64_t length = header_text.size();  // little-endian on every platform we build for
    out.write(reinterpret_cast<const char*>(&length), 8);
    out.write(header_text.data(), static_cast<std::streamsize>(header_text.size()));
    for (const auto& t : tensors)
      out.write(reinterpret_cast<const char*>(t.values.data()), static_cast<std::streamsize>(t.values.size() * 4));
    MMCTR_CHECK(out.good(), "{}: write failed", weights.target());
  }
  weights.commit();

  nlohmann::json config = {
      {"model_type", "clip"},
      {"projection_dim", c.projection_dim},
      {"_comment", "random weights written by mmctr for the embedded default pipeline; this is not CLIP"},
      {"vision_config",
       {{"hidden_size", h},
        {"intermediate_size", c.intermediate_size},
        {"num_hidden_layers", c.num_hidden_layers},
        {"num_attention_heads", c.num_attention_heads},
        {"patch_size", c.patch_size},
        {"image_size", c.image_size},
        {"hidden_act", c.hidden_act == Activation::QuickGelu ? "quick_gelu" : "gelu"},
        {"layer_norm_eps", c.layer_norm_eps}}}};
  write_text_file_atomic(dir + "/config.json", config.dump(2) + "\n");
}

}  // namespace mmctr::clip
