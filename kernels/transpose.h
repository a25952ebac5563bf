/*
 * The 32-bit transpose microkernel family (kernels/lists/x32-transpose.inc): one [m, n]
 * matrix of 4-byte elements (f32, i32, u32) written transposed, y[j * y_stride + i] =
 * x[i * x_stride + j] for i < m, j < n, strides in elements. The Transpose driver
 * (kernels/drivers/layout.c) calls it for the two dims a permutation swaps with the innermost,
 * once per index of the other dims. Only moves bits, so every variant gives the same result.
 */
#ifndef OPSCOPE_KERNELS_TRANSPOSE_H
#define OPSCOPE_KERNELS_TRANSPOSE_H

#include <stddef.h>

#include "kernels/cpu.h"

typedef void (*ops_x32_transpose_ukernel_fn)(const void *x, size_t x_stride, void *y,
                                             size_t y_stride, size_t m, size_t n);

#define OPS_UKERNEL(isa_flags, fn, tile) \
  void fn(const void *x, size_t x_stride, void *y, size_t y_stride, size_t m, size_t n);
#include "kernels/lists/x32-transpose.inc"
#undef OPS_UKERNEL

#endif /* OPSCOPE_KERNELS_TRANSPOSE_H */
