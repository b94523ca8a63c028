// The reference kernels: plain sequential loops.
#include "w2v/kernels.h"

namespace mmctr::w2v {
namespace {

constexpr const char* kName = "scalar";

float dot_impl(const float* a, const float* b, int n) {
  float sum = 0.0f;
  for (int i = 0; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

void axpy_impl(float a, const float* x, float* y, int n) {
  for (int i = 0; i < n; ++i) y[i] += a * x[i];
}

#include "w2v/kernels_body.inc"

}  // namespace

const Kernels& scalar_kernels() { return kKernels; }

}  // namespace mmctr::w2v
