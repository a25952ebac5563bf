/*
 * Parameters of MaxUnpool (kernels/scalar/pool-ext.c), filled by compiler/bind-scalar-pool-ext.c.
 */
#ifndef OPSCOPE_KERNELS_PARAMS_POOL_EXT_H
#define OPSCOPE_KERNELS_PARAMS_POOL_EXT_H

#include <stdint.h>

#include "kernels/kernel.h"

/* MaxUnpool: the dims the pooling window arithmetic gives ((in - 1) * stride + kernel - pads),
 * which the Indices count in. Y is those dims, or output_shape, which is at least as large on
 * every dim: then each element keeps its coordinates, and the extra positions at the end of
 * each dim stay 0 (what ONNX Runtime and the ONNX reference do). */
struct ops_max_unpool_params {
  int64_t inferred[OPS_KMAX_RANK]; /* elements per dim, Y's rank */
};

#endif /* OPSCOPE_KERNELS_PARAMS_POOL_EXT_H */
