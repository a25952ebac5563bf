/*
 * The f32 pooling microkernel family (kernels/lists/f32-pool.inc): one row of a 2-D MaxPool or
 * AveragePool whose windows lie wholly inside the input, and the per-plane reductions of
 * GlobalMaxPool and GlobalAveragePool. The driver (kernels/drivers/f32-pool.c) handles the
 * borders, so no microkernel tests for padding.
 *
 * Output j of a row reads, for r < rows and k < kw, x[r * row_step + j * sx + k * dx]: `x`
 * points at the first tap of output 0, `row_step` is the elements between tap rows (input
 * width times the vertical dilation). A microkernel reads no element outside the taps of its
 * n outputs, so the driver may point it at the last row of a tensor.
 *
 * Every variant of max_pool and average_pool gives the same bits as the scalar variant: the
 * taps are visited in the same row-major order, a max keeps the first of equal values (so -0
 * and +0 come out as the scalar reference kernel has them) and the first NaN, and a sum adds
 * in float in that order before one division. The global reductions sum and compare lane by
 * lane: global_max_pool is exact (it rescans a plane whose max is zero or NaN to pick the
 * scalar kernel's sign and payload), global_average_pool's float sum is within n ulp-ish of
 * the exact sum.
 */
#ifndef OPSCOPE_KERNELS_POOLING_H
#define OPSCOPE_KERNELS_POOLING_H

#include <stddef.h>

#include "kernels/cpu.h"

/* y[j] = max of the window of output j, for j < n. */
typedef void (*ops_f32_max_pool_ukernel_fn)(size_t n, size_t rows, size_t kw, const float *x,
                                            size_t row_step, size_t sx, size_t dx, float *y);
/* y[j] = (sum of the window of output j, in float, row-major) / divisor, for j < n. */
typedef void (*ops_f32_average_pool_ukernel_fn)(size_t n, size_t rows, size_t kw, const float *x,
                                                size_t row_step, size_t sx, size_t dx,
                                                float divisor, float *y);
/* The sum of x[0..n), in float (GlobalAveragePool divides it by n). */
typedef float (*ops_f32_global_average_pool_ukernel_fn)(size_t n, const float *x);
/* The max of x[0..n) as the scalar kernel picks it (first NaN, first of equal zeros); -inf
 * for n = 0. */
typedef float (*ops_f32_global_max_pool_ukernel_fn)(size_t n, const float *x);

#define OPS_UKERNEL(isa_flags, max_fn, avg_fn, gavg_fn, gmax_fn, lanes)                     \
  void max_fn(size_t n, size_t rows, size_t kw, const float *x, size_t row_step, size_t sx, \
              size_t dx, float *y);                                                         \
  void avg_fn(size_t n, size_t rows, size_t kw, const float *x, size_t row_step, size_t sx, \
              size_t dx, float divisor, float *y);                                          \
  float gavg_fn(size_t n, const float *x);                                                  \
  float gmax_fn(size_t n, const float *x);
#include "kernels/lists/f32-pool.inc"
#undef OPS_UKERNEL

#endif /* OPSCOPE_KERNELS_POOLING_H */
