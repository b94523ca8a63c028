// A small, fast per-thread random generator (wyrand): one 64-bit multiply per draw.
#pragma once

#include <cstdint>

namespace mmctr::w2v {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ull + 0x2545F4914F6CDD1Dull) {}

  uint64_t next() {
    state_ += 0xA0761D6478BD642Full;
    __uint128_t product = static_cast<__uint128_t>(state_) * (state_ ^ 0xE7037ED1A0B428DBull);
    return static_cast<uint64_t>(product >> 64) ^ static_cast<uint64_t>(product);
  }
  uint32_t next32() { return static_cast<uint32_t>(next() >> 32); }
  // Uniform in [0, n) by multiply-shift (Lemire), without a division.
  uint32_t below(uint32_t n) {
    return static_cast<uint32_t>((static_cast<uint64_t>(next32()) * n) >> 32);
  }
  // Uniform in [0, 1).
  float uniform() { return static_cast<float>(next() >> 40) * 0x1.0p-24f; }

 private:
  uint64_t state_;
};

}  // namespace mmctr::w2v
