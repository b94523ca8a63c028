#include "image/clip_preprocess.h"

#include "common/error.h"
#include "image/resize.h"

namespace mmctr::image {

Size shortest_edge_size(int width, int height, int size) {
  MMCTR_CHECK(size > 0, "shortest_edge_size: target size {} must be positive", size);
  MMCTR_CHECK(width > 0 && height > 0, "shortest_edge_size: empty image {}x{}", width, height);
  const bool wide = width >= height;
  const int short_edge = wide ? height : width;
  const int long_edge = wide ? width : height;
  const int resized_long = static_cast<int>(static_cast<double>(int64_t{size} * long_edge) / short_edge);
  return wide ? Size{resized_long, size} : Size{size, resized_long};
}

Image resize_and_crop(const Image& image, int size) {
  const Size target = shortest_edge_size(image.width, image.height, size);
  const Region center{(target.width - size) / 2, (target.height - size) / 2, size, size};
  return resize_bicubic_region(image, target.width, target.height, center);
}

void to_normalized_chw(const Image& cropped, const ClipPreprocessConfig& config, float* out) {
  const int size = config.size;
  MMCTR_CHECK(cropped.width == size && cropped.height == size &&
                  cropped.rgb.size() == static_cast<size_t>(size) * size * 3,
              "to_normalized_chw: image is {}x{} ({} bytes), expected {}x{} RGB", cropped.width,
              cropped.height, cropped.rgb.size(), size, size);
  // Every output is a function of (channel, byte): a 3x256 table, computed as Hugging Face does:
  // rescale in float64 and store as float32, then subtract and divide in float32.
  float table[3][256];
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) {
      const float rescaled = static_cast<float>(v * (1.0 / 255.0));
      table[c][v] = (rescaled - config.mean[c]) / config.std[c];
    }
  }
  const size_t plane = static_cast<size_t>(size) * size;
  const uint8_t* pixel = cropped.rgb.data();
  for (size_t i = 0; i < plane; ++i, pixel += 3) {
    out[i] = table[0][pixel[0]];
    out[plane + i] = table[1][pixel[1]];
    out[2 * plane + i] = table[2][pixel[2]];
  }
}

Image black_image(int size) {
  MMCTR_CHECK(size > 0, "black_image: size {} must be positive", size);
  Image image;
  image.width = size;
  image.height = size;
  image.rgb.assign(static_cast<size_t>(size) * size * 3, 0);
  return image;
}

}  // namespace mmctr::image
