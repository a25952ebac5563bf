/*
 * A Conv with a fused MaxPool on the SIMD and threads units (struct ops_simd_conv_params,
 * pool.cfg set): the conv's output is computed in bands of rows, each pooled while it is in
 * cache, so the whole output is never written to memory and read back.
 */
#ifndef OPSCOPE_KERNELS_DRIVERS_F32_CONV_POOL_H
#define OPSCOPE_KERNELS_DRIVERS_F32_CONV_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "kernels/kernel.h"
#include "kernels/params-simd.h"

/* Sets p->band_rows and p->band_slice (scratch bytes per thread) for a conv whose cfg, Mg, Kg,
 * P, packed_w_offset and pool are set. False when a band's scratch does not fit size_t. */
bool ops_f32_conv_pool_plan(struct ops_simd_conv_params *p);

/* The kernel body for such a conv, whose output is not empty: call->scratch holds
 * p->band_slice bytes per thread of the pool (p->threads). */
enum ops_kresult ops_f32_conv_pool_run(const struct ops_kcall *call);

#endif /* OPSCOPE_KERNELS_DRIVERS_F32_CONV_POOL_H */
