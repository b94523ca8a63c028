#include "ctr/dropout.h"

#include <ATen/Parallel.h>

#include <cstdint>
#include <limits>

#include "common/error.h"
#include "common/random.h"

namespace mmctr::ctr {
namespace {

// Elements per generator key: fixed, so the mask does not depend on how the work is split.
constexpr int64_t kBlock = 1 << 14;

template <typename T>
void fill_mask(T* mask, int64_t n, uint64_t seed, double p) {
  // Keep when a 32-bit draw is >= p * 2^32, i.e. with probability 1 - p (to within 2^-32).
  const uint64_t drop_below = static_cast<uint64_t>(p * 4294967296.0);
  const T kept = static_cast<T>(1.0 / (1.0 - p));
  at::parallel_for(0, (n + kBlock - 1) / kBlock, 1, [&](int64_t first, int64_t last) {
    for (int64_t block = first; block < last; ++block) {
      Rng rng(seed, /*stream=*/0, static_cast<uint64_t>(block));
      const int64_t end = std::min(n, (block + 1) * kBlock);
      for (int64_t i = block * kBlock; i < end; i += 2) {
        const uint64_t bits = rng.next();
        mask[i] = (bits & 0xFFFFFFFFu) >= drop_below ? kept : T(0);
        if (i + 1 < end) mask[i + 1] = (bits >> 32) >= drop_below ? kept : T(0);
      }
    }
  });
}

}  // namespace

torch::Tensor dropout(const torch::Tensor& input, double p, bool training) {
  MMCTR_ASSERT(p >= 0 && p < 1);
  if (!training || p == 0) return input;
  if (!input.device().is_cpu()) return torch::dropout(input, p, training);  // the mask is filled on the CPU
  const uint64_t seed = static_cast<uint64_t>(
      torch::randint(std::numeric_limits<int64_t>::max(), {1}, torch::kInt64).item<int64_t>());
  auto mask = torch::empty(input.sizes(), input.options().requires_grad(false));
  AT_DISPATCH_FLOATING_TYPES(mask.scalar_type(), "mmctr_dropout_mask", [&] {
    fill_mask(mask.data_ptr<scalar_t>(), mask.numel(), seed, p);
  });
  return input * mask;
}

}  // namespace mmctr::ctr
