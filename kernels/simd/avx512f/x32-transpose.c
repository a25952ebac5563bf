/*
 * The 32-bit transpose, AVX-512F: 16x16 tiles moved in registers (unpack and shuffle within
 * 128-bit lanes, then two rounds of 128-bit lane shuffles: 64 shuffles per 256 elements).
 * Partial tiles at the right and bottom edges mask their loads and stores, so no element
 * outside the matrix is touched.
 */
#include <immintrin.h>
#include <stdint.h>

#include "kernels/transpose.h"

/* r[0..16) rows in, r[0..16) columns out. */
static inline void transpose16(__m512 r[16]) {
  __m512 t[16];
  for (int k = 0; k < 8; k++) {
    t[2 * k] = _mm512_unpacklo_ps(r[2 * k], r[2 * k + 1]);
    t[2 * k + 1] = _mm512_unpackhi_ps(r[2 * k], r[2 * k + 1]);
  }
  /* Each 128-bit lane now holds 4x4 blocks; transpose them in place. */
  for (int q = 0; q < 4; q++) {
    r[4 * q + 0] = _mm512_shuffle_ps(t[4 * q], t[4 * q + 2], 0x44);
    r[4 * q + 1] = _mm512_shuffle_ps(t[4 * q], t[4 * q + 2], 0xEE);
    r[4 * q + 2] = _mm512_shuffle_ps(t[4 * q + 1], t[4 * q + 3], 0x44);
    r[4 * q + 3] = _mm512_shuffle_ps(t[4 * q + 1], t[4 * q + 3], 0xEE);
  }
  /* Then move the 4x4 blocks: lanes (0, 2) and (1, 3) of row groups 0-1 and 2-3. */
  for (int h = 0; h < 2; h++) {
    for (int k = 0; k < 4; k++) {
      t[8 * h + k] = _mm512_shuffle_f32x4(r[8 * h + k], r[8 * h + 4 + k], 0x88);
      t[8 * h + 4 + k] = _mm512_shuffle_f32x4(r[8 * h + k], r[8 * h + 4 + k], 0xDD);
    }
  }
  for (int k = 0; k < 8; k++) {
    r[k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0x88);
    r[8 + k] = _mm512_shuffle_f32x4(t[k], t[8 + k], 0xDD);
  }
}

void ops_x32_transpose_ukernel_16x16__simd_avx512f(const void *x, size_t x_stride, void *y,
                                                   size_t y_stride, size_t m, size_t n) {
  const float *src = x;
  float *dst = y;
  for (size_t i0 = 0; i0 < m; i0 += 16) {
    size_t mr = m - i0 < 16 ? m - i0 : 16;
    for (size_t j0 = 0; j0 < n; j0 += 16) {
      size_t nc = n - j0 < 16 ? n - j0 : 16;
      __m512 r[16];
      if (mr == 16 && nc == 16) {
        for (int k = 0; k < 16; k++)
          r[k] = _mm512_loadu_ps(src + (i0 + (size_t)k) * x_stride + j0);
        transpose16(r);
        for (int k = 0; k < 16; k++)
          _mm512_storeu_ps(dst + (j0 + (size_t)k) * y_stride + i0, r[k]);
        continue;
      }
      __mmask16 lm = (__mmask16)((1u << nc) - 1u), sm = (__mmask16)((1u << mr) - 1u);
      for (size_t k = 0; k < 16; k++)
        r[k] = k < mr ? _mm512_maskz_loadu_ps(lm, src + (i0 + k) * x_stride + j0)
                      : _mm512_setzero_ps();
      transpose16(r);
      for (size_t k = 0; k < nc; k++)
        _mm512_mask_storeu_ps(dst + (j0 + k) * y_stride + i0, sm, r[k]);
    }
  }
}
