// A CLIP-shaped vision model folder (config.json + model.safetensors) with seeded random weights,
// for the embedded default pipeline where the real openai/clip-vit-base-patch32 is not at hand.
// It is NOT CLIP: its features keep only what random projections of the pixels keep.
#pragma once

#include <cstdint>
#include <string>

#include "clip/vision_config.h"

namespace mmctr::clip {

// A small shape that runs fast on a CPU: 128 wide, 2 layers, 4 heads, patch 32, image 224, projection 64.
VisionConfig small_random_shape();

// Writes dir/config.json and dir/model.safetensors (F32) with the Hugging Face tensor names.
// Same seed, same bytes.
void write_random_model(const std::string& dir, const VisionConfig& shape, uint64_t seed);

}  // namespace mmctr::clip
