// Image decoding (JPEG, PNG) to RGB with the same pixels Pillow's Image.open(...).convert("RGB") gives,
// and JPEG encoding (used by the synthetic data generator).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"
#include "image/image.h"

namespace mmctr::image {

// A file that is not a JPEG or PNG, or one that is corrupt or truncated.
class ImageError : public mmctr::InputError {
 public:
  using mmctr::InputError::InputError;
};

// Decodes a JPEG (libturbojpeg, default flags: bit-exact with Pillow's libjpeg-turbo decode) or a PNG
// (libpng). The format comes from the magic bytes. Grayscale, CMYK, palette and alpha images become RGB
// as Pillow's convert("RGB") does (alpha dropped, not composited; 16-bit samples to 8-bit).
// name_for_errors names the source in ImageError messages.
Image decode_image(const uint8_t* data, size_t size, const std::string& name_for_errors);

// Reads and decodes a file; a missing or unreadable file is an ImageError too.
Image read_image(const std::string& path);

// Baseline JPEG, 4:2:0 chroma subsampling, with libturbojpeg.
std::vector<uint8_t> encode_jpeg(const Image& image, int quality = 90);

}  // namespace mmctr::image
