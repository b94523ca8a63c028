// Counter-based random numbers: a generator is keyed by (seed, stream, index, sub_index), so an entity
// (an item, a user, a row) draws from its own stream and a value never depends on the order of
// generation or on the thread count. Our own distributions (not <random>'s, whose outputs differ
// between standard libraries), so data and weights are the same on every platform.
#pragma once

#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

namespace mmctr {

// splitmix64's finaliser: a bijective 64-bit mix.
inline uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng(uint64_t seed, uint64_t stream, uint64_t index, uint64_t sub_index = 0)
      : state_(mix64(mix64(mix64(seed) ^ (stream * 0xD1B54A32D192ED03ull)) ^
                     mix64(index + 0x632BE59BD9B4E019ull) ^ (sub_index * 0x9E3779B97F4A7C15ull))) {}

  // splitmix64: a Weyl sequence through the finaliser.
  uint64_t next() {
    state_ += 0x9E3779B97F4A7C15ull;
    return mix64(state_);
  }
  // In [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  // In [0, n), by the multiply-shift reduction (bias below 2^-64 * n, irrelevant here).
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  // In [lo, hi].
  int64_t between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(hi - lo + 1)); }
  // Standard normal, Box-Muller (one value per call keeps the stream position predictable).
  double normal() {
    double u1 = 1.0 - uniform();  // (0, 1]: log(u1) is finite
    double u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Exponential with mean 1.
  double exponential() { return -std::log(1.0 - uniform()); }
  // Gamma(shape, 1), Marsaglia and Tsang; shape < 1 through Gamma(shape + 1) * U^(1/shape).
  double gamma(double shape) {
    if (shape < 1.0) return gamma(shape + 1.0) * std::pow(1.0 - uniform(), 1.0 / shape);
    const double d = shape - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
    for (;;) {
      double x = normal(), v = 1.0 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      double u = 1.0 - uniform();
      if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
    }
  }
  // An index drawn with probability proportional to the increments of `cumulative` (ascending,
  // last element = total weight).
  int64_t pick(const double* cumulative, int64_t n) {
    double target = uniform() * cumulative[n - 1];
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
      int64_t mid = (lo + hi) / 2;
      if (cumulative[mid] > target) hi = mid; else lo = mid + 1;
    }
    return lo;
  }
  int64_t pick(const std::vector<double>& cumulative) {
    return pick(cumulative.data(), static_cast<int64_t>(cumulative.size()));
  }
  template <typename T>
  void shuffle(std::vector<T>& values) {
    for (int64_t i = static_cast<int64_t>(values.size()) - 1; i > 0; --i)
      std::swap(values[i], values[below(i + 1)]);
  }

 private:
  uint64_t state_;
};

}  // namespace mmctr
