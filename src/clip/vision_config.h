// The shape of a CLIP vision tower, read from a Hugging Face model folder's config.json
// (vision_config.* and the top-level projection_dim).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

namespace mmctr::clip {

enum class Activation { QuickGelu, Gelu };

struct VisionConfig {
  int64_t hidden_size = 768;         // width of every token
  int64_t intermediate_size = 3072;  // MLP hidden width
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;  // must divide hidden_size
  int64_t patch_size = 32;           // must divide image_size
  int64_t image_size = 224;
  Activation hidden_act = Activation::QuickGelu;
  double layer_norm_eps = 1e-5;
  int64_t projection_dim = 512;  // output width (visual_projection)

  int64_t grid() const { return image_size / patch_size; }
  int64_t num_positions() const { return grid() * grid() + 1; }  // patches + class token
  int64_t head_dim() const { return hidden_size / num_attention_heads; }
};

// Reads <model_dir>/config.json. InputError naming the file and key for a missing key, a value of
// the wrong type, an unknown hidden_act, or sizes that do not fit together.
VisionConfig load_vision_config(const std::string& model_dir);
VisionConfig parse_vision_config(const nlohmann::json& config, const std::string& source);

}  // namespace mmctr::clip
