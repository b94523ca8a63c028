// An 8-bit RGB raster: the one pixel format the image stage hands to its users.
#pragma once

#include <cstdint>
#include <vector>

namespace mmctr::image {

struct Image {
  int width = 0, height = 0;
  std::vector<uint8_t> rgb;  // HWC, 3 channels, row-major, size width * height * 3
};

}  // namespace mmctr::image
