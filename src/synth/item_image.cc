#include "synth/item_image.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace mmctr::synth {
namespace {

constexpr double kPi = 3.14159265358979323846;

using Rgb = std::array<double, 3>;

// h in degrees, s and v in [0, 1] -> RGB in [0, 255].
Rgb hsv_to_rgb(double h, double s, double v) {
  h = std::fmod(std::fmod(h, 360.0) + 360.0, 360.0) / 60.0;
  const int sector = static_cast<int>(h) % 6;
  const double f = h - std::floor(h), p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  Rgb c;
  switch (sector) {
    case 0: c = {v, t, p}; break;
    case 1: c = {q, v, p}; break;
    case 2: c = {p, v, t}; break;
    case 3: c = {p, q, v}; break;
    case 4: c = {t, p, v}; break;
    default: c = {v, p, q}; break;
  }
  for (double& x : c) x *= 255.0;
  return c;
}

uint8_t to_byte(double x) { return static_cast<uint8_t>(std::clamp(x + 0.5, 0.0, 255.0)); }

// Whether (x, y) lies inside a shape of `kind` centred at (cx, cy) with radius r.
bool inside(int kind, double x, double y, double cx, double cy, double r) {
  const double dx = x - cx, dy = y - cy;
  switch (kind) {
    case 0: return dx * dx + dy * dy <= r * r;
    case 1: return std::abs(dx) <= r && std::abs(dy) <= 0.6 * r;
    case 2: return dy <= r && dy >= -r && std::abs(dx) <= (dy + r) * 0.5;  // apex up
    case 3: {
      const double d2 = dx * dx + dy * dy;
      return d2 <= r * r && d2 >= 0.45 * r * r;
    }
    default: return std::abs(dx) + std::abs(dy) <= r;
  }
}

}  // namespace

TopicStyle topic_style(int topic, int topics) {
  TopicStyle s;
  s.hue = 360.0 * topic / topics;
  s.shape = topic % 5;
  s.texture = (topic / 5 + topic) % 4;
  s.frequency = 3 + (topic * 7) % 9;
  return s;
}

image::Image render_item_image(const TopicStyle& style, Rng& rng, int min_side, int max_side) {
  image::Image img;
  const int long_side = static_cast<int>(rng.between(min_side, max_side));
  const double aspect = std::exp(rng.uniform(std::log(0.5), std::log(2.0)));
  const int short_side = std::max(min_side, static_cast<int>(std::lround(long_side / std::max(aspect, 1 / aspect))));
  img.width = aspect >= 1 ? long_side : short_side;
  img.height = aspect >= 1 ? short_side : long_side;
  img.rgb.resize(static_cast<size_t>(img.width) * img.height * 3);

  const double hue = style.hue + 6.0 * rng.normal();
  const Rgb background = hsv_to_rgb(hue, rng.uniform(0.35, 0.55), rng.uniform(0.75, 0.95));
  const Rgb foreground = hsv_to_rgb(hue + 180.0 + 10.0 * rng.normal(), rng.uniform(0.7, 0.95), rng.uniform(0.5, 0.8));
  const double phase = rng.uniform(0, 2 * kPi), freq = style.frequency * rng.uniform(0.85, 1.15);
  const double w = img.width, h = img.height;

  // The texture is a function of x, of y, or of the distance from the centre: tabulated once per
  // picture instead of a sine per pixel (rendering dominated the generator's run time).
  std::vector<double> along_x(img.width, 0.0), along_y(img.height, 0.0), by_radius;
  if (style.texture == 1 || style.texture == 2)
    for (int x = 0; x < img.width; ++x) along_x[x] = std::sin(2 * kPi * freq * x / w + (style.texture == 1 ? phase : 0));
  if (style.texture == 2)
    for (int y = 0; y < img.height; ++y) along_y[y] = std::sin(2 * kPi * freq * y / h);
  constexpr int kRadiusSteps = 1024;
  constexpr double kMaxRadius = 0.7072;  // corner of the unit square, seen from its centre
  if (style.texture == 3) {
    by_radius.resize(kRadiusSteps + 1);
    for (int k = 0; k <= kRadiusSteps; ++k)
      by_radius[k] = std::sin(2 * kPi * freq * kMaxRadius * k / kRadiusSteps + phase);
  }

  for (int y = 0; y < img.height; ++y) {
    const double v = y / h - 0.5;
    uint8_t* p = &img.rgb[static_cast<size_t>(y) * img.width * 3];
    for (int x = 0; x < img.width; ++x, p += 3) {
      double texture = 0;
      switch (style.texture) {
        case 1: texture = along_x[x]; break;
        case 2: texture = along_x[x] * along_y[y] > 0 ? 1 : -1; break;
        case 3: {
          const double u = x / w - 0.5;
          texture = by_radius[static_cast<int>(std::sqrt(u * u + v * v) * (kRadiusSteps / kMaxRadius))];
          break;
        }
        default: break;
      }
      const double shade = 1 + 0.18 * texture;
      const double grain = 12.0 * (static_cast<double>(rng.next() >> 56) / 255.0 - 0.5);
      for (int c = 0; c < 3; ++c) p[c] = to_byte(background[c] * shade + grain);
    }
  }

  const int shapes = static_cast<int>(rng.between(1, 5));
  const double min_dim = std::min(w, h);
  for (int s = 0; s < shapes; ++s) {
    const double r = min_dim * rng.uniform(0.1, 0.3), cx = rng.uniform(0, w), cy = rng.uniform(0, h);
    const double shade = rng.uniform(0.85, 1.15);
    const int x0 = std::max(0, static_cast<int>(cx - r)), x1 = std::min(img.width - 1, static_cast<int>(cx + r));
    const int y0 = std::max(0, static_cast<int>(cy - r)), y1 = std::min(img.height - 1, static_cast<int>(cy + r));
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        if (!inside(style.shape, x + 0.5, y + 0.5, cx, cy, r)) continue;
        uint8_t* p = &img.rgb[(static_cast<size_t>(y) * img.width + x) * 3];
        for (int c = 0; c < 3; ++c) p[c] = to_byte(foreground[c] * shade);
      }
    }
  }
  return img;
}

std::vector<uint8_t> corrupt_image_bytes(const std::vector<uint8_t>& jpeg, Rng& rng) {
  if (rng.uniform() < 0.5 && jpeg.size() > 64) {
    // Truncated: the header survives, the scan data stops early.
    const auto keep = static_cast<size_t>(jpeg.size() * rng.uniform(0.2, 0.6));
    return std::vector<uint8_t>(jpeg.begin(), jpeg.begin() + keep);
  }
  std::vector<uint8_t> noise(static_cast<size_t>(rng.between(16, 2048)));
  for (uint8_t& b : noise) b = static_cast<uint8_t>(rng.next() >> 56);
  return noise;
}

}  // namespace mmctr::synth
