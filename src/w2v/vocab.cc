#include "w2v/vocab.h"

#include <cmath>
#include <numeric>

namespace mmctr::w2v {

int64_t Vocab::total_count() const { return std::accumulate(counts.begin(), counts.end(), int64_t{0}); }

double keep_probability(int64_t count, double threshold_count) {
  double c = static_cast<double>(count);
  return std::min(1.0, (std::sqrt(c / threshold_count) + 1.0) * (threshold_count / c));
}

std::vector<uint32_t> keep_thresholds(const Vocab& vocab, double sample) {
  constexpr double kMax = 4294967295.0;  // 2^32 - 1, as gensim
  std::vector<uint32_t> thresholds(vocab.counts.size(), static_cast<uint32_t>(kMax));
  if (sample <= 0) return thresholds;
  double threshold_count = sample * static_cast<double>(vocab.total_count());
  for (size_t i = 0; i < vocab.counts.size(); ++i)
    thresholds[i] = static_cast<uint32_t>(keep_probability(vocab.counts[i], threshold_count) * kMax);
  return thresholds;
}

}  // namespace mmctr::w2v
