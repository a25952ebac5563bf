/*
 * Pooling microkernels in plain C: the variant for CPUs below AVX2 and the oracle of the
 * vector variants' tests. They follow kernels/scalar/f32-pool.c tap for tap (row-major order,
 * the first of equal values, the first NaN), in float.
 */
#include <math.h>

#include "kernels/pooling.h"

void ops_f32_max_pool_ukernel__scalar_u1(size_t n, size_t rows, size_t kw, const float *x,
                                         size_t row_step, size_t sx, size_t dx, float *y) {
  for (size_t j = 0; j < n; j++) {
    const float *w = x + j * sx;
    float m = -INFINITY;
    for (size_t r = 0; r < rows; r++) {
      for (size_t k = 0; k < kw; k++) {
        float v = w[r * row_step + k * dx];
        if (v > m || (isnan(v) && !isnan(m))) m = v;
      }
    }
    y[j] = m;
  }
}

void ops_f32_average_pool_ukernel__scalar_u1(size_t n, size_t rows, size_t kw, const float *x,
                                             size_t row_step, size_t sx, size_t dx, float divisor,
                                             float *y) {
  for (size_t j = 0; j < n; j++) {
    const float *w = x + j * sx;
    float s = 0.0f;
    for (size_t r = 0; r < rows; r++)
      for (size_t k = 0; k < kw; k++)
        s += w[r * row_step + k * dx];
    y[j] = s / divisor;
  }
}

float ops_f32_global_average_pool_ukernel__scalar_u1(size_t n, const float *x) {
  float s = 0.0f;
  for (size_t i = 0; i < n; i++)
    s += x[i];
  return s;
}

float ops_f32_global_max_pool_ukernel__scalar_u1(size_t n, const float *x) {
  float m = -INFINITY;
  for (size_t i = 0; i < n; i++)
    if (x[i] > m || (isnan(x[i]) && !isnan(m))) m = x[i];
  return m;
}
