#include "w2v/kernels.h"

#include <cmath>

namespace mmctr::w2v {

const float* sigmoid_table() {
  static const auto* table = [] {
    auto* values = new float[kSigmoidTableSize];
    for (int i = 0; i < kSigmoidTableSize; ++i) {
      double e = std::exp((double(i) / kSigmoidTableSize * 2 - 1) * kMaxLogit);
      values[i] = static_cast<float>(e / (e + 1));
    }
    return values;
  }();
  return table;
}

const Kernels& best_kernels() {
  static const Kernels& best = avx512_kernels()   ? *avx512_kernels()
                               : avx2_kernels()   ? *avx2_kernels()
                                                  : scalar_kernels();
  return best;
}

}  // namespace mmctr::w2v
