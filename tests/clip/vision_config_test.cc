#include "clip/vision_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "clip_fixture.h"
#include "common/error.h"

namespace mmctr::clip {
namespace {

using ::testing::HasSubstr;

nlohmann::json fixture_config() {
  std::ifstream in(testing::tiny_model_dir() + "/config.json");
  return nlohmann::json::parse(in);
}

void expect_error(const nlohmann::json& config, const std::string& what) {
  try {
    parse_vision_config(config, "config.json");
    FAIL() << "accepted a bad config; expected an error containing '" << what << "'";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(what));
  }
}

TEST(VisionConfig, ReadsTheFixtureModel) {
  VisionConfig c = load_vision_config(testing::tiny_model_dir());
  EXPECT_EQ(c.hidden_size, 64);
  EXPECT_EQ(c.intermediate_size, 256);
  EXPECT_EQ(c.num_hidden_layers, 2);
  EXPECT_EQ(c.num_attention_heads, 4);
  EXPECT_EQ(c.patch_size, 32);
  EXPECT_EQ(c.image_size, 224);
  EXPECT_EQ(c.hidden_act, Activation::QuickGelu);
  EXPECT_DOUBLE_EQ(c.layer_norm_eps, 1e-5);
  EXPECT_EQ(c.projection_dim, 32);
  EXPECT_EQ(c.num_positions(), 50);
  EXPECT_EQ(c.head_dim(), 16);
}

TEST(VisionConfig, ReadsGelu) {
  auto config = fixture_config();
  config["vision_config"]["hidden_act"] = "gelu";
  EXPECT_EQ(parse_vision_config(config, "config.json").hidden_act, Activation::Gelu);
}

TEST(VisionConfig, RejectsMissingKeys) {
  for (const char* key : {"hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                          "patch_size", "image_size", "hidden_act", "layer_norm_eps"}) {
    auto config = fixture_config();
    config["vision_config"].erase(key);
    expect_error(config, key);
  }
  auto config = fixture_config();
  config.erase("projection_dim");
  expect_error(config, "missing key 'projection_dim'");
  expect_error(nlohmann::json::object(), "missing object 'vision_config'");
}

TEST(VisionConfig, RejectsBadValues) {
  auto config = fixture_config();
  config["vision_config"]["hidden_act"] = "relu";
  expect_error(config, "hidden_act 'relu' is not supported");
  config = fixture_config();
  config["vision_config"]["num_attention_heads"] = 5;
  expect_error(config, "not a multiple of num_attention_heads 5");
  config = fixture_config();
  config["vision_config"]["patch_size"] = 30;
  expect_error(config, "not a multiple of patch_size 30");
  config = fixture_config();
  config["vision_config"]["hidden_size"] = "64";
  expect_error(config, "'hidden_size' must be a positive integer");
}

TEST(VisionConfig, RejectsAMissingFile) {
  testing::TempDir dir;
  EXPECT_THROW(load_vision_config(dir.path()), InputError);
}

}  // namespace
}  // namespace mmctr::clip
