#include "image/resize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/error.h"

// The filter weights must round exactly as in Pillow's C build (plain double arithmetic); a fused
// multiply-add would change the last bit of some weights and so, rarely, an output pixel.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("fp-contract=off")
#elif defined(__clang__)
#pragma clang fp contract(off)
#endif

namespace mmctr::image {
namespace {

// Weights are fixed point with 22 fraction bits: 8 bits of pixel value and 2 bits of headroom for
// the negative lobes (sums of weights above 1) fit in a 32-bit accumulator.
constexpr int kPrecisionBits = 32 - 8 - 2;
constexpr double kBicubicSupport = 2.0;

// Keys' cubic convolution kernel with a = -0.5, written in the same operation order as Pillow.
double bicubic(double x) {
  constexpr double a = -0.5;
  if (x < 0.0) x = -x;
  if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
  if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
  return 0.0;
}

// For output indices [begin, begin + count) along one axis: the first input index and the
// fixed-point weights of the `taps` inputs from there (taps <= max_taps; the rest is zero).
struct AxisWeights {
  int max_taps = 0;
  std::vector<int> first;
  std::vector<int> taps;
  std::vector<int32_t> weights;  // [count][max_taps]
};

AxisWeights compute_axis_weights(int in_size, int out_size, int begin, int count) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);  // downscaling widens the filter (antialiasing)
  const double support = kBicubicSupport * filter_scale;
  const double inverse_filter_scale = 1.0 / filter_scale;
  AxisWeights axis;
  axis.max_taps = static_cast<int>(std::ceil(support)) * 2 + 1;
  axis.first.resize(count);
  axis.taps.resize(count);
  axis.weights.assign(static_cast<size_t>(count) * axis.max_taps, 0);
  std::vector<double> row(axis.max_taps);
  for (int j = 0; j < count; ++j) {
    const double center = (begin + j + 0.5) * scale;
    // Truncation toward zero of x + 0.5 is Pillow's rounding; negatives clamp to 0 anyway.
    const int lo = std::max(static_cast<int>(center - support + 0.5), 0);
    const int hi = std::min(static_cast<int>(center + support + 0.5), in_size);
    const int taps = hi - lo;
    double total = 0.0;
    for (int i = 0; i < taps; ++i) {
      row[i] = bicubic((i + lo - center + 0.5) * inverse_filter_scale);
      total += row[i];
    }
    int32_t* fixed = &axis.weights[static_cast<size_t>(j) * axis.max_taps];
    for (int i = 0; i < taps; ++i) {
      const double w = total != 0.0 ? row[i] / total : row[i];
      const double scaled = w * (1 << kPrecisionBits);
      fixed[i] = static_cast<int32_t>(w < 0 ? scaled - 0.5 : scaled + 0.5);
    }
    axis.first[j] = lo;
    axis.taps[j] = taps;
  }
  return axis;
}

constexpr int32_t kHalf = 1 << (kPrecisionBits - 1);

inline uint8_t to_u8(int32_t accumulator) {
  return static_cast<uint8_t>(std::clamp(accumulator >> kPrecisionBits, 0, 255));
}

// Rows [row_begin, row_end) of `in`, resampled to the columns `axis` describes.
Image resample_horizontal(const Image& in, const AxisWeights& axis, int row_begin, int row_end) {
  const int out_width = static_cast<int>(axis.first.size());
  Image out;
  out.width = out_width;
  out.height = row_end - row_begin;
  out.rgb.resize(static_cast<size_t>(out.width) * out.height * 3);
  const size_t in_stride = static_cast<size_t>(in.width) * 3;
  for (int y = row_begin; y < row_end; ++y) {
    const uint8_t* src = in.rgb.data() + y * in_stride;
    uint8_t* dst = out.rgb.data() + static_cast<size_t>(y - row_begin) * out_width * 3;
    for (int x = 0; x < out_width; ++x, dst += 3) {
      const int32_t* k = &axis.weights[static_cast<size_t>(x) * axis.max_taps];
      const uint8_t* p = src + static_cast<size_t>(axis.first[x]) * 3;
      int32_t r = kHalf, g = kHalf, b = kHalf;
      for (int i = 0; i < axis.taps[x]; ++i, p += 3) {
        r += p[0] * k[i];
        g += p[1] * k[i];
        b += p[2] * k[i];
      }
      dst[0] = to_u8(r);
      dst[1] = to_u8(g);
      dst[2] = to_u8(b);
    }
  }
  return out;
}

// Columns [column_begin, column_begin + width) of `in`, resampled to the rows `axis` describes;
// `in` starts at source row `row_offset`. Integer sums do not depend on their order, so whole
// rows are accumulated at once (contiguous and vectorisable).
Image resample_vertical(const Image& in, const AxisWeights& axis, int row_offset, int column_begin,
                        int width) {
  const int out_height = static_cast<int>(axis.first.size());
  const size_t in_stride = static_cast<size_t>(in.width) * 3;
  const size_t out_stride = static_cast<size_t>(width) * 3;
  Image out;
  out.width = width;
  out.height = out_height;
  out.rgb.resize(out_stride * out_height);
  std::vector<int32_t> accumulator(out_stride);
  for (int y = 0; y < out_height; ++y) {
    std::fill(accumulator.begin(), accumulator.end(), kHalf);
    const int32_t* k = &axis.weights[static_cast<size_t>(y) * axis.max_taps];
    const uint8_t* src = in.rgb.data() + static_cast<size_t>(axis.first[y] - row_offset) * in_stride +
                         static_cast<size_t>(column_begin) * 3;
    for (int i = 0; i < axis.taps[y]; ++i, src += in_stride) {
      const int32_t weight = k[i];
      for (size_t j = 0; j < out_stride; ++j) accumulator[j] += src[j] * weight;
    }
    uint8_t* dst = out.rgb.data() + y * out_stride;
    for (size_t j = 0; j < out_stride; ++j) dst[j] = to_u8(accumulator[j]);
  }
  return out;
}

Image copy_region(const Image& in, int left, int top, int width, int height) {
  Image out;
  out.width = width;
  out.height = height;
  out.rgb.resize(static_cast<size_t>(width) * height * 3);
  const size_t row_bytes = static_cast<size_t>(width) * 3;
  for (int y = 0; y < height; ++y)
    std::memcpy(out.rgb.data() + y * row_bytes,
                in.rgb.data() + (static_cast<size_t>(top + y) * in.width + left) * 3, row_bytes);
  return out;
}

}  // namespace

Image resize_bicubic(const Image& in, int width, int height) {
  return resize_bicubic_region(in, width, height, Region{0, 0, width, height});
}

Image resize_bicubic_region(const Image& in, int width, int height, const Region& region) {
  MMCTR_CHECK(in.width > 0 && in.height > 0 &&
                  in.rgb.size() == static_cast<size_t>(in.width) * in.height * 3,
              "resize_bicubic: input of {}x{} holds {} bytes, expected width*height*3", in.width,
              in.height, in.rgb.size());
  MMCTR_CHECK(width > 0 && height > 0, "resize_bicubic: target size {}x{} must be positive", width,
              height);
  MMCTR_CHECK(region.left >= 0 && region.top >= 0 && region.width > 0 && region.height > 0 &&
                  region.left + region.width <= width && region.top + region.height <= height,
              "resize_bicubic: region {}x{} at ({}, {}) is not inside the {}x{} output", region.width,
              region.height, region.left, region.top, width, height);
  // As in Pillow, a pass whose dimension does not change is skipped, and the horizontal pass runs
  // first (the order matters: each pass rounds to uint8), on just the rows the vertical pass reads.
  const bool need_horizontal = width != in.width;
  const bool need_vertical = height != in.height;
  if (!need_horizontal && !need_vertical)
    return copy_region(in, region.left, region.top, region.width, region.height);
  if (!need_horizontal) {
    const AxisWeights rows = compute_axis_weights(in.height, height, region.top, region.height);
    return resample_vertical(in, rows, 0, region.left, region.width);
  }
  const AxisWeights columns = compute_axis_weights(in.width, width, region.left, region.width);
  if (!need_vertical)
    return resample_horizontal(in, columns, region.top, region.top + region.height);
  const AxisWeights rows = compute_axis_weights(in.height, height, region.top, region.height);
  const int row_begin = rows.first.front();
  const int row_end = rows.first.back() + rows.taps.back();
  const Image wide = resample_horizontal(in, columns, row_begin, row_end);
  return resample_vertical(wide, rows, row_begin, 0, region.width);
}

}  // namespace mmctr::image
