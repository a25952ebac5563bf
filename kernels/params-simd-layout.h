/*
 * Params of the SIMD data-movement kernels (kernels/drivers/layout.c), filled by
 * compiler/bind-simd-layout.c. They work on any dtype by element size.
 *
 * The ops that only change dims (Reshape, Flatten, Squeeze, Unsqueeze, Identity) are one copy,
 * split over the pool on the threads unit, and none when the memory plan gave input and output
 * one buffer.
 *
 * A Transpose is first simplified: dims of size 1 are dropped and input dims that stay next
 * to each other in the output are merged, so (0, 2, 1, 3) on [1, 12, 64, 32] becomes (1, 0, 2)
 * on [12, 64, 32]. What is left is one of three shapes of work:
 *   COPY  the permutation became the identity: one memcpy.
 *   RUNS  the innermost dim stays innermost: copies of `run` contiguous bytes, one per index
 *         of the other output dims.
 *   TILE  the innermost dim moves: a 2-D transpose of input dims `a` (output's innermost) and
 *         the input's innermost, per index of the other dims (`outer`).
 */
#ifndef OPSCOPE_KERNELS_PARAMS_SIMD_LAYOUT_H
#define OPSCOPE_KERNELS_PARAMS_SIMD_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/kconfig.h"
#include "kernels/kernel.h"
#include "kernels/params.h"

enum ops_simd_transpose_kind {
  OPS_SIMD_TRANSPOSE_COPY,
  OPS_SIMD_TRANSPOSE_RUNS,
  OPS_SIMD_TRANSPOSE_TILE,
  OPS_SIMD_TRANSPOSE_COUNT
};

struct ops_simd_transpose_params {
  const struct ops_kconfig_transpose *cfg;
  enum ops_simd_transpose_kind kind;
  size_t esize; /* bytes per element: 1, 2, 4 or 8 */
  size_t numel; /* elements of the tensor */
  /* The dims walked by an odometer (RUNS: every output dim but the innermost; TILE: every
   * output dim but the two the tile covers), outermost first. */
  int n_outer;
  int64_t outer[OPS_KMAX_RANK];    /* index count per walked dim */
  int64_t src_step[OPS_KMAX_RANK]; /* input elements per index of the dim */
  int64_t dst_step[OPS_KMAX_RANK]; /* output elements per index of the dim */
  int64_t rows;                    /* product of outer[] */
  /* RUNS: elements per contiguous run. TILE: the tile is m x n, element (i, j) read at
   * i * m_src + j and written at j * n_dst + i. */
  size_t run;
  size_t m, n;
  size_t m_src, n_dst;
};

/* Concat along `axis` (non-negative) of elements of `esize` bytes. */
struct ops_simd_concat_params {
  int axis;
  size_t esize;
};

/* Slice: the scalar binder's resolved starts and steps, and the element size. */
struct ops_simd_slice_params {
  struct ops_slice_params slice;
  size_t esize;
};

/* Reshape, Flatten, Squeeze, Unsqueeze, Identity: input 0's bytes, unchanged. */
struct ops_simd_copy_params {
  size_t bytes; /* of the tensor */
};

#endif /* OPSCOPE_KERNELS_PARAMS_SIMD_LAYOUT_H */
