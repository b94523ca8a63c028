#include "clip/vision_model.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <set>

#include "clip/safetensors.h"
#include "clip_fixture.h"
#include "common/error.h"

namespace mmctr::clip {
namespace {

using ::testing::HasSubstr;
using namespace testing;

// The fixture's preprocessed input of one image: float32 [1, 3, 224, 224].
torch::Tensor fixture_pixels(const std::string& image_name) {
  std::vector<uint8_t> bytes = read_bytes(tiny_clip_dir() + "/pixels/" + image_name + ".f32");
  EXPECT_EQ(bytes.size(), 3u * 224 * 224 * 4);
  auto pixels = torch::empty({1, 3, 224, 224});
  std::memcpy(pixels.data_ptr<float>(), bytes.data(), bytes.size());
  return pixels;
}

// All fixture images as one batch [N, 3, 224, 224].
torch::Tensor all_fixture_pixels() {
  std::vector<torch::Tensor> images;
  for (const auto& name : image_names()) images.push_back(fixture_pixels(name));
  return torch::cat(images, 0);
}

void expect_matches_reference(const torch::Tensor& embeds) {
  auto names = image_names();
  ASSERT_EQ(embeds.size(0), static_cast<int64_t>(names.size()));
  for (size_t i = 0; i < names.size(); ++i) {
    std::vector<double> want = expected_embedding(names[i]);
    ASSERT_EQ(embeds.size(1), static_cast<int64_t>(want.size()));
    double worst = 0;
    for (size_t j = 0; j < want.size(); ++j)
      worst = std::max(worst, std::abs(embeds[i][j].item<double>() - want[j]));
    EXPECT_LT(worst, 1e-5) << names[i];
  }
}

TEST(VisionModel, ParameterNamesAreTheCheckpointKeys) {
  VisionModel model(load_vision_config(tiny_model_dir()));
  std::set<std::string> names, keys;
  for (const auto& p : model->named_parameters()) names.insert(p.key());
  SafetensorsFile file(tiny_model_dir() + "/model.safetensors");
  for (const auto& t : file.tensors()) keys.insert(t.name);
  EXPECT_EQ(names, keys);
}

TEST(VisionModel, MatchesTheFloat64ReferenceOnEveryFixtureImage) {
  VisionModel model = load_vision_model(tiny_model_dir());
  auto embeds = model->forward(all_fixture_pixels());
  EXPECT_EQ(embeds.sizes(), (std::vector<int64_t>{15, 32}));
  expect_matches_reference(embeds);
  // Each row on its own gives the same result as in the batch.
  auto single = model->forward(fixture_pixels(image_names()[3]));
  EXPECT_LT((single[0] - embeds[3]).abs().max().item<float>(), 1e-6);
}

TEST(VisionModel, LoadsTheCheckpointWithPositionIdsIdentically) {
  VisionModel plain = load_vision_model(tiny_model_dir());
  VisionModel with_ids = load_vision_model(tiny_posids_model_dir());
  auto pixels = all_fixture_pixels();
  auto a = plain->forward(pixels), b = with_ids->forward(pixels);
  EXPECT_TRUE(torch::equal(a, b));
  expect_matches_reference(b);
}

// A copy of the fixture model folder whose weights are changed by `edit`.
class EditedModel {
 public:
  explicit EditedModel(const std::function<void(std::map<std::string, RawTensor>&)>& edit) {
    std::filesystem::copy_file(tiny_model_dir() + "/config.json", dir_.file("config.json"));
    auto tensors = read_raw_safetensors(tiny_model_dir() + "/model.safetensors");
    edit(tensors);
    write_safetensors(dir_.file("model.safetensors"), tensors);
  }
  // The InputError message of loading it ("" if it loads).
  std::string load_error() const {
    try {
      load_vision_model(dir_.path());
    } catch (const InputError& e) {
      return e.what();
    }
    return "";
  }
  const std::string& path() const { return dir_.path(); }

 private:
  TempDir dir_;
};

TEST(VisionModel, RejectsAMissingTensor) {
  EditedModel model([](auto& t) { t.erase("vision_model.encoder.layers.1.mlp.fc2.bias"); });
  EXPECT_THAT(model.load_error(),
              HasSubstr("missing tensor 'vision_model.encoder.layers.1.mlp.fc2.bias' (expected shape [64])"));
}

TEST(VisionModel, RejectsAMisshapedTensor) {
  EditedModel model([](auto& t) { t["visual_projection.weight"].shape = {64, 32}; });
  EXPECT_THAT(model.load_error(),
              HasSubstr("tensor 'visual_projection.weight' has shape [64, 32], but config.json implies [32, 64]"));
}

TEST(VisionModel, RejectsAnUnexpectedTensor) {
  // A checkpoint with one more layer than config.json says.
  EditedModel model([](auto& t) {
    t["vision_model.encoder.layers.2.mlp.fc2.bias"] = t.at("vision_model.encoder.layers.1.mlp.fc2.bias");
  });
  EXPECT_THAT(model.load_error(), HasSubstr("unexpected tensor 'vision_model.encoder.layers.2.mlp.fc2.bias'"));
}

TEST(VisionModel, RejectsPositionIdsThatAreNotTheIdentity) {
  EditedModel model([](auto& t) {
    std::vector<int64_t> ids(50);
    for (int i = 0; i < 50; ++i) ids[i] = 49 - i;
    t["vision_model.embeddings.position_ids"] = RawTensor{"I64", {1, 50}, as_bytes(ids)};
  });
  EXPECT_THAT(model.load_error(), HasSubstr("is not 0..49"));
}

TEST(VisionModel, IgnoresTheTextTowerAndConvertsHalfPrecision) {
  EditedModel model([](auto& t) {
    t["text_model.embeddings.token_embedding.weight"] = RawTensor{"F32", {4, 2}, std::vector<uint8_t>(32)};
    t["text_projection.weight"] = RawTensor{"F32", {2, 2}, std::vector<uint8_t>(16)};
    t["logit_scale"] = RawTensor{"F32", {}, std::vector<uint8_t>(4)};
    // The class embedding as bfloat16: the top half of each float32.
    auto& cls = t.at("vision_model.embeddings.class_embedding");
    std::vector<uint8_t> bf16;
    for (size_t i = 0; i < cls.bytes.size(); i += 4) bf16.insert(bf16.end(), {cls.bytes[i + 2], cls.bytes[i + 3]});
    cls = RawTensor{"BF16", cls.shape, bf16};
  });
  EXPECT_EQ(model.load_error(), "");
  VisionModel loaded = load_vision_model(model.path());
  auto embeds = loaded->forward(all_fixture_pixels());
  EXPECT_LT((embeds.norm(2, {1}) - 1).abs().max().item<float>(), 1e-6);
  // Truncating the class embedding to bfloat16 moves the output a little, not a lot.
  auto reference = load_vision_model(tiny_model_dir())->forward(all_fixture_pixels());
  float moved = (embeds - reference).abs().max().item<float>();
  EXPECT_GT(moved, 0.0f);
  EXPECT_LT(moved, 0.05f);
}

}  // namespace
}  // namespace mmctr::clip
