/*
 * The fused activation a GEMM's clamp cannot express, applied by the op drivers in a pass over
 * output they just wrote (still in cache): Gelu through this process's vector microkernel
 * (kernels/lists/f32-vector.inc), whose erf is vectorized; the others per element as
 * kernels/act.h computes them.
 */
#ifndef OPSCOPE_KERNELS_DRIVERS_POST_ACT_H
#define OPSCOPE_KERNELS_DRIVERS_POST_ACT_H

#include <stddef.h>

#include "kernels/act.h"
#include "kernels/kconfig.h"

static inline void ops_f32_post_act(const struct ops_kact *a, float *y, size_t n) {
  if (a->kind == OPS_KACT_GELU) {
    const struct ops_f32_vunary_params none = {0.0f, 0.0f, 0.0f, 0.0f};
    ops_kconfig_f32_vector()->vunary(OPS_VUNARY_GELU, n, y, y, &none);
    return;
  }
  ops_kact_apply_n(a, y, n);
}

#endif /* OPSCOPE_KERNELS_DRIVERS_POST_ACT_H */
