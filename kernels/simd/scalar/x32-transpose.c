/*
 * The 32-bit transpose in plain C, in 4x4 blocks so both sides are walked a cache line at a
 * time: the variant for CPUs below AVX2 and the oracle of the vector variants' tests.
 */
#include <stdint.h>

#include "kernels/transpose.h"

void ops_x32_transpose_ukernel_4x4__scalar(const void *x, size_t x_stride, void *y, size_t y_stride,
                                           size_t m, size_t n) {
  const uint32_t *src = x;
  uint32_t *dst = y;
  for (size_t i0 = 0; i0 < m; i0 += 4) {
    size_t i1 = m - i0 < 4 ? m : i0 + 4;
    for (size_t j0 = 0; j0 < n; j0 += 4) {
      size_t j1 = n - j0 < 4 ? n : j0 + 4;
      for (size_t j = j0; j < j1; j++)
        for (size_t i = i0; i < i1; i++)
          dst[j * y_stride + i] = src[i * x_stride + j];
    }
  }
}
