/* Prototypes of the simd unit's whole-op kernels, generated from kernels/lists/simd.inc. */
#ifndef OPSCOPE_KERNELS_SIMD_OPS_H
#define OPSCOPE_KERNELS_SIMD_OPS_H

#include "kernels/kernel.h"

#define OPS_KERNEL(op, dtype, fn) enum ops_kresult fn(const struct ops_kcall *call);
#include "kernels/lists/simd.inc"
#undef OPS_KERNEL

#endif /* OPSCOPE_KERNELS_SIMD_OPS_H */
