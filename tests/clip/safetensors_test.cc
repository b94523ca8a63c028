#include "clip/safetensors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "clip_fixture.h"
#include "common/error.h"

namespace mmctr::clip {
namespace {

using ::testing::HasSubstr;
using namespace testing;

// Opening `bytes` as a safetensors file fails with an InputError whose message contains `what`.
void expect_error(const std::vector<uint8_t>& bytes, const std::string& what) {
  TempDir dir;
  std::string path = dir.file("bad.safetensors");
  write_bytes(path, bytes);
  try {
    SafetensorsFile file(path);
    FAIL() << "opened a broken file; expected an error containing '" << what << "'";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(what));
    EXPECT_THAT(e.what(), HasSubstr(path));
  }
}

std::string entry(const std::string& name, const std::string& dtype, const std::string& shape, int begin, int end) {
  return "\"" + name + "\": {\"dtype\": \"" + dtype + "\", \"shape\": " + shape + ", \"data_offsets\": [" +
         std::to_string(begin) + ", " + std::to_string(end) + "]}";
}

TEST(Safetensors, ReadsTheFixtureCheckpoint) {
  SafetensorsFile file(tiny_model_dir() + "/model.safetensors");
  EXPECT_EQ(file.tensors().size(), 40u);  // 3 embeddings, 2 x 16 per layer, 4 layer norm, projection
  const TensorInfo* patch = file.find("vision_model.embeddings.patch_embedding.weight");
  ASSERT_NE(patch, nullptr);
  EXPECT_EQ(patch->shape, (std::vector<int64_t>{64, 3, 32, 32}));
  EXPECT_EQ(patch->dtype, Dtype::F32);
  EXPECT_EQ(file.find("__metadata__"), nullptr);
  EXPECT_EQ(file.find("vision_model.embeddings.position_ids"), nullptr);

  // The values are the stored bytes: compare with an independent parse of the file.
  auto raw = read_raw_safetensors(file.path());
  std::vector<float> values = file.read_float("visual_projection.weight");
  const auto& bytes = raw.at("visual_projection.weight").bytes;
  ASSERT_EQ(values.size() * 4, bytes.size());
  EXPECT_EQ(std::memcmp(values.data(), bytes.data(), bytes.size()), 0);
}

TEST(Safetensors, ConvertsHalfBfloatAndInt64ToFloat) {
  TempDir dir;
  // 1.0, -2.5, 65504 (max half), 2^-24 (smallest subnormal), -0, +inf
  std::vector<uint16_t> half{0x3c00, 0xc100, 0x7bff, 0x0001, 0x8000, 0x7c00};
  std::vector<uint16_t> bf16{0x3f80, 0xc020, 0x4049};  // 1.0, -2.5, 3.140625
  std::vector<int64_t> ids{0, 1, 49};
  write_safetensors(dir.file("t.safetensors"), {{"half", {"F16", {2, 3}, as_bytes(half)}},
                                                {"bf16", {"BF16", {3}, as_bytes(bf16)}},
                                                {"ids", {"I64", {1, 3}, as_bytes(ids)}}});
  SafetensorsFile file(dir.file("t.safetensors"));
  EXPECT_EQ(file.read_float("half"),
            (std::vector<float>{1.0f, -2.5f, 65504.0f, std::ldexp(1.0f, -24), -0.0f,
                                std::numeric_limits<float>::infinity()}));
  EXPECT_TRUE(std::signbit(file.read_float("half")[4]));
  EXPECT_EQ(file.read_float("bf16"), (std::vector<float>{1.0f, -2.5f, 3.140625f}));
  EXPECT_EQ(file.read_float("ids"), (std::vector<float>{0, 1, 49}));
  EXPECT_EQ(file.find("half")->shape, (std::vector<int64_t>{2, 3}));
}

TEST(Safetensors, RejectsAFileShorterThanTheLengthField) {
  expect_error({0x10, 0, 0}, "shorter than the 8-byte header length");
  expect_error({}, "shorter than the 8-byte header length");
}

TEST(Safetensors, RejectsAHeaderLengthPastTheEnd) {
  std::string header = "{" + entry("a", "F32", "[1]", 0, 4) + "}";
  auto bytes = safetensors_bytes(header, std::vector<uint8_t>(4));
  bytes[0] = static_cast<uint8_t>(bytes.size());  // claims more header than the whole file holds
  expect_error(bytes, "runs past the end of the file");
}

TEST(Safetensors, RejectsBadJson) {
  expect_error(safetensors_bytes("{\"a\": {\"dtype\": ", {}), "not valid JSON");
  expect_error(safetensors_bytes("[1, 2]", {}), "not a JSON object");
  expect_error(safetensors_bytes("{\"a\": {\"dtype\": \"F32\", \"shape\": [1]}}", std::vector<uint8_t>(4)),
               "missing 'data_offsets'");
  expect_error(safetensors_bytes("{" + entry("a", "F32", "[-1]", 0, 4) + "}", std::vector<uint8_t>(4)),
               "non-integer or negative");
}

TEST(Safetensors, RejectsOffsetsOutOfRange) {
  // A data section cut short: the second tensor ends past it.
  std::string header = "{" + entry("a", "F32", "[2]", 0, 8) + ", " + entry("b", "F32", "[2]", 8, 16) + "}";
  expect_error(safetensors_bytes(header, std::vector<uint8_t>(12)), "'b' data_offsets [8, 16] lie outside");
  expect_error(safetensors_bytes("{" + entry("a", "F32", "[1]", 8, 4) + "}", std::vector<uint8_t>(8)),
               "end before begin");
}

TEST(Safetensors, RejectsOverlappingTensors) {
  std::string header = "{" + entry("a", "F32", "[3]", 0, 12) + ", " + entry("b", "F32", "[2]", 8, 16) + "}";
  expect_error(safetensors_bytes(header, std::vector<uint8_t>(16)), "overlap");
}

TEST(Safetensors, RejectsAnUnknownDtype) {
  expect_error(safetensors_bytes("{" + entry("a", "I32", "[1]", 0, 4) + "}", std::vector<uint8_t>(4)),
               "unsupported dtype 'I32'");
}

TEST(Safetensors, RejectsASizeThatDisagreesWithShapeAndDtype) {
  expect_error(safetensors_bytes("{" + entry("a", "F16", "[2, 3]", 0, 24) + "}", std::vector<uint8_t>(24)),
               "hold 24 bytes but shape [2, 3] of F16 needs 12 bytes");
}

TEST(Safetensors, RejectsAMissingFile) {
  EXPECT_THROW(SafetensorsFile("/nonexistent/model.safetensors"), InputError);
}

}  // namespace
}  // namespace mmctr::clip
