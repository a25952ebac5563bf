/*
 * Helpers shared by the scalar kernels: element sizes, element counts, row-major strides and
 * numpy broadcasting strides. Private to kernels/scalar/.
 */
#ifndef OPSCOPE_KERNELS_SCALAR_SCALAR_IMPL_H
#define OPSCOPE_KERNELS_SCALAR_SCALAR_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/kernel.h"
#include "opscope.h"

/* Bytes per element of an opscope_dtype code; 0 for undefined and string, which no kernel
 * moves (the binder refuses them). */
static inline size_t ops_kdtype_size(int dtype) {
  switch (dtype) {
    case OPSCOPE_DTYPE_U8:
    case OPSCOPE_DTYPE_I8:
    case OPSCOPE_DTYPE_BOOL:
      return 1;
    case OPSCOPE_DTYPE_U16:
    case OPSCOPE_DTYPE_I16:
    case OPSCOPE_DTYPE_F16:
    case OPSCOPE_DTYPE_BF16:
      return 2;
    case OPSCOPE_DTYPE_F32:
    case OPSCOPE_DTYPE_I32:
    case OPSCOPE_DTYPE_U32:
      return 4;
    case OPSCOPE_DTYPE_F64:
    case OPSCOPE_DTYPE_I64:
    case OPSCOPE_DTYPE_U64:
      return 8;
    default:
      return 0;
  }
}

/* Product of dims [from, to); the binder checked that full products fit in int64. */
static inline int64_t ops_kdims_prod(const struct ops_kdims *d, int from, int to) {
  int64_t n = 1;
  for (int i = from; i < to; i++)
    n *= d->d[i];
  return n;
}

/* Elements of a tensor with dims `d` (1 for rank 0). */
static inline int64_t ops_kdims_numel(const struct ops_kdims *d) {
  return ops_kdims_prod(d, 0, d->rank);
}

/* Row-major strides of `d`, in elements. */
static inline void ops_kdims_strides(const struct ops_kdims *d, int64_t strides[OPS_KMAX_RANK]) {
  int64_t s = 1;
  for (int i = d->rank - 1; i >= 0; i--) {
    strides[i] = s;
    s *= d->d[i];
  }
}

/* Strides, in elements of `in`, for walking `in` along the dims of `out` under numpy
 * broadcasting: dims are aligned on the right, and a missing or size-1 dim of `in` repeats, so
 * its stride is 0. */
static inline void ops_kbcast_strides(const struct ops_kdims *in, const struct ops_kdims *out,
                                      int64_t strides[OPS_KMAX_RANK]) {
  int64_t own[OPS_KMAX_RANK];
  ops_kdims_strides(in, own);
  int lead = out->rank - in->rank;
  for (int i = 0; i < out->rank; i++) {
    int j = i - lead;
    strides[i] = (j < 0 || in->d[j] == 1) ? 0 : own[j];
  }
}

/* The taps k of a window, k in [0, kernel), whose index start + k * dilation falls in [lo, hi),
 * as the range [*k0, *k1) (empty when none do). Conv and pool loop over this range instead of
 * testing every tap, so a huge kernel over a small input costs nothing. */
static inline void ops_ktap_range(int64_t start, int64_t kernel, int64_t dilation, int64_t lo,
                                  int64_t hi, int64_t *k0, int64_t *k1) {
  int64_t first = start >= lo ? 0 : (lo - start + dilation - 1) / dilation;
  int64_t end = start >= hi ? 0 : (hi - 1 - start) / dilation + 1;
  if (end > kernel) end = kernel;
  if (first > end) first = end;
  *k0 = first;
  *k1 = end;
}

/* Advances the multi-index `idx` over the first `rank` dims of `d` like an odometer (last dim
 * fastest) and moves each of the `n` offsets by its stride; the carry out of a dim rewinds that
 * dim. Returns false after the last index. */
static inline bool ops_kindex_next(int rank, const int64_t *dims, int64_t *idx, int n,
                                   int64_t *const *strides, int64_t *offsets) {
  for (int i = rank - 1; i >= 0; i--) {
    idx[i]++;
    for (int k = 0; k < n; k++)
      offsets[k] += strides[k][i];
    if (idx[i] < dims[i]) return true;
    for (int k = 0; k < n; k++)
      offsets[k] -= strides[k][i] * dims[i];
    idx[i] = 0;
  }
  return false;
}

#endif /* OPSCOPE_KERNELS_SCALAR_SCALAR_IMPL_H */
