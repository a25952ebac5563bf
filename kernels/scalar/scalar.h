/*
 * Prototypes of the scalar unit's kernels, generated from kernels/lists/scalar.inc.
 *
 * The scalar kernels are the reference: each runs a whole op with plain loops written from the
 * ONNX operator spec, for clarity rather than speed, and every other unit is checked against
 * them (STYLE.md §3). They follow kernels/kernel.h: pointers, dims and a params struct from
 * kernels/params.h, never a tensor; the binder validated everything but data-dependent indices.
 * Floating-point sums and products accumulate in double so the oracle's own rounding error stays
 * far below the tolerance other units are held to.
 */
#ifndef OPSCOPE_KERNELS_SCALAR_SCALAR_H
#define OPSCOPE_KERNELS_SCALAR_SCALAR_H

#include "kernels/kernel.h"

#define OPS_KERNEL(op, dtype, fn) enum ops_kresult fn(const struct ops_kcall *call);
#include "kernels/lists/scalar.inc"
#undef OPS_KERNEL

#endif /* OPSCOPE_KERNELS_SCALAR_SCALAR_H */
