#include "clip/vision_config.h"

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/files.h"

namespace mmctr::clip {
namespace {

int64_t positive_int(const nlohmann::json& object, const char* key, const std::string& where) {
  MMCTR_CHECK(object.contains(key), "{}: missing key '{}'", where, key);
  const auto& value = object[key];
  MMCTR_CHECK(value.is_number_integer() && value.get<int64_t>() > 0, "{}: '{}' must be a positive integer, got {}",
              where, key, value.dump());
  return value.get<int64_t>();
}

}  // namespace

VisionConfig parse_vision_config(const nlohmann::json& config, const std::string& source) {
  MMCTR_CHECK(config.is_object(), "{}: expected a JSON object", source);
  MMCTR_CHECK(config.contains("vision_config") && config["vision_config"].is_object(),
              "{}: missing object 'vision_config' (expected a Hugging Face CLIP config.json)", source);
  const auto& vision = config["vision_config"];
  const std::string where = source + ": vision_config";
  VisionConfig c;
  c.hidden_size = positive_int(vision, "hidden_size", where);
  c.intermediate_size = positive_int(vision, "intermediate_size", where);
  c.num_hidden_layers = positive_int(vision, "num_hidden_layers", where);
  c.num_attention_heads = positive_int(vision, "num_attention_heads", where);
  c.patch_size = positive_int(vision, "patch_size", where);
  c.image_size = positive_int(vision, "image_size", where);
  c.projection_dim = positive_int(config, "projection_dim", source);

  MMCTR_CHECK(vision.contains("hidden_act") && vision["hidden_act"].is_string(),
              "{}: missing string 'hidden_act'", where);
  std::string act = vision["hidden_act"].get<std::string>();
  if (act == "quick_gelu") c.hidden_act = Activation::QuickGelu;
  else if (act == "gelu") c.hidden_act = Activation::Gelu;
  else fail("{}: hidden_act '{}' is not supported (quick_gelu or gelu)", where, act);

  MMCTR_CHECK(vision.contains("layer_norm_eps") && vision["layer_norm_eps"].is_number() &&
                  vision["layer_norm_eps"].get<double>() > 0,
              "{}: missing or non-positive 'layer_norm_eps'", where);
  c.layer_norm_eps = vision["layer_norm_eps"].get<double>();

  MMCTR_CHECK(c.hidden_size % c.num_attention_heads == 0,
              "{}: hidden_size {} is not a multiple of num_attention_heads {}", where, c.hidden_size,
              c.num_attention_heads);
  MMCTR_CHECK(c.image_size % c.patch_size == 0, "{}: image_size {} is not a multiple of patch_size {}", where,
              c.image_size, c.patch_size);
  return c;
}

VisionConfig load_vision_config(const std::string& model_dir) {
  std::string path = model_dir + "/config.json";
  require_file(path, "CLIP model config");
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(read_text_file(path));
  } catch (const nlohmann::json::parse_error& e) {
    fail("{}: not valid JSON: {}", path, e.what());
  }
  return parse_vision_config(config, path);
}

}  // namespace mmctr::clip
