#include "image/codec.h"

#include <png.h>
#include <turbojpeg.h>

#include <algorithm>
#include <csetjmp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>

namespace mmctr::image {
namespace {

// Pillow refuses images above twice its MAX_IMAGE_PIXELS (DecompressionBombError); so do we.
constexpr int64_t kMaxPixels = 2 * (int64_t{1024} * 1024 * 1024 / 4 / 3);

[[noreturn]] void image_fail(const std::string& name, const std::string& what) {
  throw ImageError(fmt::format("{}: {}", name, what));
}

void check_dimensions(int64_t width, int64_t height, const std::string& name) {
  if (width <= 0 || height <= 0 || width * height > kMaxPixels)
    image_fail(name, fmt::format("unsupported image size {}x{}", width, height));
}

bool is_jpeg(const uint8_t* data, size_t size) {
  return size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF;
}

bool is_png(const uint8_t* data, size_t size) {
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  return size >= 8 && std::memcmp(data, kSignature, 8) == 0;
}

struct TjHandle {
  tjhandle handle;
  explicit TjHandle(tjhandle h) : handle(h) {}
  ~TjHandle() {
    if (handle) tjDestroy(handle);
  }
  TjHandle(const TjHandle&) = delete;
  TjHandle& operator=(const TjHandle&) = delete;
};

// Pillow opens every CMYK JPEG with the Adobe (inverted) convention, then convert("RGB") computes
// channel = (255 - k) - (255 - k) * c / 255 with its rounding MULDIV255.
void inverted_cmyk_to_rgb(const uint8_t* cmyk, size_t pixels, uint8_t* rgb) {
  for (size_t i = 0; i < pixels; ++i, cmyk += 4, rgb += 3) {
    const int not_k = cmyk[3];  // 255 - k after the inversion
    for (int c = 0; c < 3; ++c) {
      const int ink = 255 - cmyk[c];
      const int t = ink * not_k + 128;
      rgb[c] = static_cast<uint8_t>(std::clamp(not_k - (((t >> 8) + t) >> 8), 0, 255));
    }
  }
}

// libjpeg reports a truncated stream only as a warning and pads the image with grey; Pillow
// raises "image file is truncated" instead, and so do we. Other warnings (extraneous bytes and
// the like) leave a complete image, which Pillow accepts.
bool is_fatal_jpeg_problem(tjhandle handle) {
  if (tjGetErrorCode(handle) != TJERR_WARNING) return true;
  return std::strstr(tjGetErrorStr2(handle), "Premature end") != nullptr;
}

Image decode_jpeg(const uint8_t* data, size_t size, const std::string& name) {
  TjHandle tj(tjInitDecompress());
  if (!tj.handle) image_fail(name, "cannot initialise the JPEG decoder");
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.handle, data, static_cast<unsigned long>(size), &width, &height,
                          &subsampling, &colorspace) != 0)
    image_fail(name, fmt::format("corrupt JPEG header: {}", tjGetErrorStr2(tj.handle)));
  check_dimensions(width, height, name);

  Image image;
  image.width = width;
  image.height = height;
  image.rgb.resize(static_cast<size_t>(width) * height * 3);
  const bool cmyk = colorspace == TJCS_CMYK || colorspace == TJCS_YCCK;
  std::vector<uint8_t> cmyk_pixels;
  uint8_t* target = image.rgb.data();
  if (cmyk) {
    cmyk_pixels.resize(static_cast<size_t>(width) * height * 4);
    target = cmyk_pixels.data();
  }
  // Flags 0: accurate integer IDCT and fancy upsampling, libjpeg's defaults, which Pillow keeps.
  if (tjDecompress2(tj.handle, data, static_cast<unsigned long>(size), target, width, 0, height,
                    cmyk ? TJPF_CMYK : TJPF_RGB, 0) != 0 &&
      is_fatal_jpeg_problem(tj.handle))
    image_fail(name, fmt::format("corrupt or truncated JPEG: {}", tjGetErrorStr2(tj.handle)));
  if (cmyk) inverted_cmyk_to_rgb(cmyk_pixels.data(), static_cast<size_t>(width) * height, image.rgb.data());
  return image;
}

struct PngSource {
  const uint8_t* data;
  size_t size;
  size_t offset;
};

void read_png_bytes(png_structp png, png_bytep out, png_size_t count) {
  auto* source = static_cast<PngSource*>(png_get_io_ptr(png));
  if (count > source->size - source->offset) png_error(png, "file is truncated");
  std::memcpy(out, source->data + source->offset, count);
  source->offset += count;
}

void on_png_error(png_structp png, png_const_charp message) {
  auto* text = static_cast<std::string*>(png_get_error_ptr(png));
  *text = message;
  png_longjmp(png, 1);
}

void on_png_warning(png_structp, png_const_charp) {}

struct PngReader {
  png_structp png = nullptr;
  png_infop info = nullptr;
  ~PngReader() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

// Pillow opens a 16-bit grayscale PNG as mode "I" and convert("RGB") clips it to 0..255 (it does not
// scale); every other 16-bit PNG keeps the high byte. Alpha and tRNS are dropped, never composited.
Image decode_png(const uint8_t* data, size_t size, const std::string& name) {
  PngReader reader;
  std::string error_text;
  reader.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &error_text, on_png_error, on_png_warning);
  if (!reader.png) image_fail(name, "cannot initialise the PNG decoder");
  reader.info = png_create_info_struct(reader.png);
  if (!reader.info) image_fail(name, "cannot initialise the PNG decoder");
  PngSource source{data, size, 0};
  png_set_read_fn(reader.png, &source, read_png_bytes);

  // Everything below that libpng may longjmp out of holds no C++ object with a destructor.
  Image image;
  std::vector<uint8_t> decoded;
  std::vector<png_bytep> rows;
  int channels = 0;
  bool gray16 = false;
  if (setjmp(png_jmpbuf(reader.png))) image_fail(name, "corrupt or truncated PNG: " + error_text);

  png_read_info(reader.png, reader.info);
  const png_uint_32 width = png_get_image_width(reader.png, reader.info);
  const png_uint_32 height = png_get_image_height(reader.png, reader.info);
  const int color_type = png_get_color_type(reader.png, reader.info);
  const int bit_depth = png_get_bit_depth(reader.png, reader.info);
  check_dimensions(width, height, name);
  gray16 = color_type == PNG_COLOR_TYPE_GRAY && bit_depth == 16;
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(reader.png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(reader.png);
  if (bit_depth == 16 && !gray16) png_set_strip_16(reader.png);
  png_set_interlace_handling(reader.png);
  png_read_update_info(reader.png, reader.info);
  channels = png_get_channels(reader.png, reader.info);
  const size_t row_bytes = png_get_rowbytes(reader.png, reader.info);
  decoded.resize(row_bytes * height);
  rows.resize(height);
  for (png_uint_32 y = 0; y < height; ++y) rows[y] = decoded.data() + y * row_bytes;
  // Chunks after the image data are not read: Pillow does not need them to load the pixels.
  png_read_image(reader.png, rows.data());

  image.width = static_cast<int>(width);
  image.height = static_cast<int>(height);
  image.rgb.resize(static_cast<size_t>(width) * height * 3);
  const size_t pixels = static_cast<size_t>(width) * height;
  uint8_t* out = image.rgb.data();
  const uint8_t* in = decoded.data();
  for (size_t i = 0; i < pixels; ++i, out += 3) {
    if (gray16) {
      const int value = (in[0] << 8) | in[1];
      out[0] = out[1] = out[2] = static_cast<uint8_t>(std::min(value, 255));
      in += 2;
    } else if (channels <= 2) {  // gray, gray + alpha
      out[0] = out[1] = out[2] = in[0];
      in += channels;
    } else {  // RGB, RGB + alpha
      std::memcpy(out, in, 3);
      in += channels;
    }
  }
  return image;
}

}  // namespace

Image decode_image(const uint8_t* data, size_t size, const std::string& name_for_errors) {
  if (is_jpeg(data, size)) return decode_jpeg(data, size, name_for_errors);
  if (is_png(data, size)) return decode_png(data, size, name_for_errors);
  image_fail(name_for_errors, "not a JPEG or PNG image (unrecognised leading bytes)");
}

Image read_image(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) image_fail(path, "not an image file (missing, or a folder)");
  std::ifstream file(path, std::ios::binary);
  if (!file) image_fail(path, "cannot open the image file");
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) image_fail(path, "cannot read the image file");
  return decode_image(bytes.data(), bytes.size(), path);
}

std::vector<uint8_t> encode_jpeg(const Image& image, int quality) {
  MMCTR_CHECK(image.width > 0 && image.height > 0 &&
                  image.rgb.size() == static_cast<size_t>(image.width) * image.height * 3,
              "encode_jpeg: image of {}x{} holds {} bytes, expected width*height*3", image.width,
              image.height, image.rgb.size());
  MMCTR_CHECK(quality >= 1 && quality <= 100, "encode_jpeg: quality {} is outside 1..100", quality);
  TjHandle tj(tjInitCompress());
  if (!tj.handle) throw ImageError("encode_jpeg: cannot initialise the JPEG encoder");
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  const int status = tjCompress2(tj.handle, image.rgb.data(), image.width, 0, image.height, TJPF_RGB,
                                 &buffer, &size, TJSAMP_420, quality, 0);
  std::unique_ptr<unsigned char, void (*)(unsigned char*)> owned(buffer, tjFree);
  if (status != 0) throw ImageError(fmt::format("encode_jpeg: {}", tjGetErrorStr2(tj.handle)));
  return std::vector<uint8_t>(buffer, buffer + size);
}

}  // namespace mmctr::image
