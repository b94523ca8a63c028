// Synthetic item pictures whose colours, shapes and textures depend on the item's topic (with
// per-item variation in hue, layout, size and aspect ratio), so an image encoder has a signal to find;
// and the damaged files that exercise the cold-start path.
#pragma once

#include <cstdint>
#include <vector>

#include "image/image.h"
#include "synth/rng.h"

namespace mmctr::synth {

// What a topic looks like; a pure function of the topic index.
struct TopicStyle {
  double hue = 0;       // degrees, of the background; shapes take the complementary hue
  int shape = 0;        // 0 discs, 1 rectangles, 2 triangles, 3 rings, 4 diamonds
  int texture = 0;      // 0 plain grain, 1 stripes, 2 checks, 3 concentric waves
  double frequency = 0; // texture periods across the picture
};

TopicStyle topic_style(int topic, int topics);

// A picture with sides in [min_side, max_side] and aspect ratio between 1:2 and 2:1.
image::Image render_item_image(const TopicStyle& style, Rng& rng, int min_side, int max_side);

// Bytes that no decoder accepts: a JPEG cut short, or noise.
std::vector<uint8_t> corrupt_image_bytes(const std::vector<uint8_t>& jpeg, Rng& rng);

}  // namespace mmctr::synth
