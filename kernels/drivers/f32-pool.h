/*
 * The SIMD pooling driver's row loop (kernels/drivers/f32-pool.c), for kernels that pool a
 * tensor they compute themselves: a Conv with a fused MaxPool (kernels/drivers/f32-conv-pool.c)
 * pools each band of its output rows while the band is in cache.
 */
#ifndef OPSCOPE_KERNELS_DRIVERS_F32_POOL_H
#define OPSCOPE_KERNELS_DRIVERS_F32_POOL_H

#include <stddef.h>

#include "kernels/params-simd-pool.h"

/* MaxPool output rows [oy0, oy1) of one plane into y (the whole output plane, p->ow wide): x
 * holds the input plane's rows from row0 on, p->iw floats each, and must hold every row those
 * outputs read. Bit for bit the scalar kernel's result, as the MaxPool kernel's. */
void ops_f32_max_pool_rows(const struct ops_simd_pool_params *p, const float *x, size_t row0,
                           float *y, size_t oy0, size_t oy1);

#endif /* OPSCOPE_KERNELS_DRIVERS_F32_POOL_H */
