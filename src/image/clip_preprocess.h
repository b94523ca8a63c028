// CLIP image preprocessing as Hugging Face's CLIPImageProcessor does it on the Pillow path:
// shortest edge to `size` (Pillow bicubic), center crop, scale by 1/255, normalise, CHW float32.
#pragma once

#include <array>

#include "image/image.h"

namespace mmctr::image {

struct ClipPreprocessConfig {
  int size = 224;  // shortest-edge target and crop size
  std::array<float, 3> mean{0.48145466f, 0.4578275f, 0.40821073f};
  std::array<float, 3> std{0.26862954f, 0.26130258f, 0.27577711f};
};

struct Size {
  int width = 0, height = 0;
};

// The size after the shortest edge goes to `size`: the long edge becomes int(size * long / short),
// a double quotient truncated (not rounded), as Hugging Face computes it.
Size shortest_edge_size(int width, int height, int size);

// Shortest edge to `size` (long edge int(size * long / short), truncated), Pillow bicubic, then a
// center crop of size x size with top = (H - size) / 2 and left = (W - size) / 2 (floored).
Image resize_and_crop(const Image& image, int size);

// out[c * size * size + y * size + x] = (float(u8 * (1/255)) - mean[c]) / std[c], all in float32.
// `cropped` must be config.size x config.size; out holds 3 * size * size floats.
void to_normalized_chw(const Image& cropped, const ClipPreprocessConfig& config, float* out);

// The cold-start input for a missing or undecodable image: all zero, size x size.
Image black_image(int size);

}  // namespace mmctr::image
