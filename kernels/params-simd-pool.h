/*
 * Params of the SIMD pooling kernels (kernels/drivers/f32-pool.c), filled by
 * compiler/bind-simd-pool.c: the window geometry of a 1-D or 2-D MaxPool or AveragePool laid
 * out as rows (a 1-D pool is one row of height 1), and the split of each output row into the
 * border columns, whose windows are cut by the input's edges, and the interior ones the
 * microkernel runs. All counts are in elements.
 */
#ifndef OPSCOPE_KERNELS_PARAMS_SIMD_POOL_H
#define OPSCOPE_KERNELS_PARAMS_SIMD_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/kconfig.h"

struct ops_simd_pool_params {
  const struct ops_kconfig_pool *cfg;
  size_t ih, iw;          /* input plane */
  size_t oh, ow;          /* output plane */
  size_t kh, kw;          /* window taps */
  size_t sy, sx;          /* strides */
  size_t dy, dx;          /* dilations */
  size_t pt, pl, pb, pr;  /* pads: top, left, bottom, right */
  size_t xa, xb;          /* output columns [xa, xb) have every tap inside the input's width */
  bool count_include_pad; /* AveragePool: divide by the taps inside the padded input */
};

#endif /* OPSCOPE_KERNELS_PARAMS_SIMD_POOL_H */
