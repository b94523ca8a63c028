// AVX-512F kernels: 16 floats per step, the tail with a mask. Everything below the pragma is
// compiled for AVX-512, so this file includes no header after it and is only entered once the
// CPU check passed.
// GCC 12 warns about the deliberately undefined lanes inside _mm512_reduce_add_ps.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "w2v/kernels.h"

#pragma GCC push_options
#pragma GCC target("avx512f,fma")

namespace mmctr::w2v {
namespace {

constexpr const char* kName = "avx512";

inline __mmask16 tail_mask(int remaining) { return static_cast<__mmask16>((1u << remaining) - 1); }

inline float dot_impl(const float* a, const float* b, int n) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
  int i = 0;
  for (; i + 32 <= n; i += 32) {
    acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
    acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i + 16), _mm512_loadu_ps(b + i + 16), acc1);
  }
  for (; i + 16 <= n; i += 16) acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc0);
  if (i < n) {
    __mmask16 mask = tail_mask(n - i);
    acc1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, a + i), _mm512_maskz_loadu_ps(mask, b + i), acc1);
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

inline void axpy_impl(float a, const float* x, float* y, int n) {
  __m512 scale = _mm512_set1_ps(a);
  int i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(y + i, _mm512_fmadd_ps(scale, _mm512_loadu_ps(x + i), _mm512_loadu_ps(y + i)));
  if (i < n) {
    __mmask16 mask = tail_mask(n - i);
    _mm512_mask_storeu_ps(y + i, mask,
                          _mm512_fmadd_ps(scale, _mm512_maskz_loadu_ps(mask, x + i),
                                          _mm512_maskz_loadu_ps(mask, y + i)));
  }
}

#include "w2v/kernels_body.inc"

}  // namespace
}  // namespace mmctr::w2v

#pragma GCC pop_options

namespace mmctr::w2v {

const Kernels* avx512_kernels() { return __builtin_cpu_supports("avx512f") ? &kKernels : nullptr; }

}  // namespace mmctr::w2v
