/*
 * The 32-bit transpose, AVX2: 8x8 tiles moved in registers (unpack, shuffle, then swap the
 * 128-bit halves: 24 shuffles per 64 elements). Partial tiles at the right and bottom edges
 * mask their loads and stores, so no element outside the matrix is touched.
 */
#include <immintrin.h>
#include <stdint.h>

#include "kernels/transpose.h"

static const int32_t ones[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

static __m256i first_lanes(size_t k) {
  return _mm256_loadu_si256((const __m256i *)(ones + 8 - k));
}

/* r[0..8) rows in, r[0..8) columns out. */
static inline void transpose8(__m256 r[8]) {
  __m256 t[8], s[8];
  for (int k = 0; k < 4; k++) {
    t[2 * k] = _mm256_unpacklo_ps(r[2 * k], r[2 * k + 1]);
    t[2 * k + 1] = _mm256_unpackhi_ps(r[2 * k], r[2 * k + 1]);
  }
  for (int h = 0; h < 2; h++) {
    s[4 * h + 0] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0x44);
    s[4 * h + 1] = _mm256_shuffle_ps(t[4 * h], t[4 * h + 2], 0xEE);
    s[4 * h + 2] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0x44);
    s[4 * h + 3] = _mm256_shuffle_ps(t[4 * h + 1], t[4 * h + 3], 0xEE);
  }
  for (int k = 0; k < 4; k++) {
    r[k] = _mm256_permute2f128_ps(s[k], s[k + 4], 0x20);
    r[k + 4] = _mm256_permute2f128_ps(s[k], s[k + 4], 0x31);
  }
}

void ops_x32_transpose_ukernel_8x8__simd_avx2(const void *x, size_t x_stride, void *y,
                                              size_t y_stride, size_t m, size_t n) {
  const float *src = x;
  float *dst = y;
  for (size_t i0 = 0; i0 < m; i0 += 8) {
    size_t mr = m - i0 < 8 ? m - i0 : 8;
    for (size_t j0 = 0; j0 < n; j0 += 8) {
      size_t nc = n - j0 < 8 ? n - j0 : 8;
      __m256 r[8];
      if (mr == 8 && nc == 8) {
        for (int k = 0; k < 8; k++)
          r[k] = _mm256_loadu_ps(src + (i0 + (size_t)k) * x_stride + j0);
        transpose8(r);
        for (int k = 0; k < 8; k++)
          _mm256_storeu_ps(dst + (j0 + (size_t)k) * y_stride + i0, r[k]);
        continue;
      }
      __m256i lm = first_lanes(nc), sm = first_lanes(mr);
      for (size_t k = 0; k < 8; k++)
        r[k] =
            k < mr ? _mm256_maskload_ps(src + (i0 + k) * x_stride + j0, lm) : _mm256_setzero_ps();
      transpose8(r);
      for (size_t k = 0; k < nc; k++)
        _mm256_maskstore_ps(dst + (j0 + k) * y_stride + i0, sm, r[k]);
    }
  }
}
