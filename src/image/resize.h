// Pillow's BICUBIC resize (ImagingResample), reproduced bit for bit.
#pragma once

#include "image/image.h"

namespace mmctr::image {

// Resizes to width x height exactly as PIL's Image.resize((width, height), Image.BICUBIC) does
// (no box, no reducing_gap): Keys cubic a = -0.5, support widened by the downscale factor,
// fixed-point weights, uint8 rounding after the horizontal and after the vertical pass.
Image resize_bicubic(const Image& in, int width, int height);

// A rectangle of pixels, in output coordinates.
struct Region {
  int left = 0, top = 0, width = 0, height = 0;
};

// The `region` of resize_bicubic(in, width, height), computed without the pixels outside it (each
// output pixel depends only on its own coordinates, so this is bit-identical to resize + crop).
Image resize_bicubic_region(const Image& in, int width, int height, const Region& region);

}  // namespace mmctr::image
