#include "w2v/negative_sampler.h"

#include <cmath>

#include "common/error.h"

namespace mmctr::w2v {

NegativeSampler::NegativeSampler(const std::vector<int64_t>& counts, double exponent)
    : size_(counts.size()), keep_(counts.size()), alias_(counts.size()) {
  MMCTR_ASSERT(!counts.empty());
  std::vector<double> scaled(counts.size());
  double total = 0;
  for (size_t i = 0; i < counts.size(); ++i) total += scaled[i] = std::pow(double(counts[i]), exponent);
  // Vose's construction: each slot holds mass 1 split between itself and one alias.
  std::vector<int32_t> small, large;
  for (size_t i = 0; i < counts.size(); ++i) {
    scaled[i] *= double(counts.size()) / total;
    alias_[i] = static_cast<int32_t>(i);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<int32_t>(i));
  }
  constexpr double kScale = 4294967296.0;
  while (!small.empty() && !large.empty()) {
    int32_t s = small.back(), l = large.back();
    small.pop_back();
    keep_[s] = static_cast<uint32_t>(std::min(scaled[s] * kScale, kScale - 1));
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers hold mass 1 up to rounding.
  for (int32_t i : small) keep_[i] = 0xFFFFFFFFu, alias_[i] = i;
  for (int32_t i : large) keep_[i] = 0xFFFFFFFFu, alias_[i] = i;
}

double NegativeSampler::probability(int32_t index) const {
  constexpr double kScale = 4294967296.0;
  double p = 0;
  for (uint64_t slot = 0; slot < size_; ++slot) {
    double keep = keep_[slot] / kScale;
    if (int64_t(slot) == index) p += keep;
    if (alias_[slot] == index) p += 1.0 - keep;
  }
  return p / double(size_);
}

}  // namespace mmctr::w2v
