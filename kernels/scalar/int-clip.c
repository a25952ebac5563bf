/*
 * Clip for the integer types (opset 12 and later): y = min(max(x, lo), hi), where lo and hi are
 * the optional scalar inputs 1 and 2 and an omitted bound is the type's own limit, so it never
 * clips. Like numpy's np.clip (and the f32 kernel), lo > hi gives hi everywhere. The binder
 * checked that the bounds have X's dtype and one element each; the opset-6 attribute form is
 * float-only and is refused for integers when binding.
 */
#include <stdint.h>

#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

#define INT_CLIP_KERNEL(t, T, MIN, MAX)                                          \
  enum ops_kresult ops_##t##_clip_kernel__scalar(const struct ops_kcall *call) { \
    T lo = MIN, hi = MAX;                                                        \
    if (call->n_in > 1 && call->in[1] != NULL) lo = *(const T *)call->in[1];     \
    if (call->n_in > 2 && call->in[2] != NULL) hi = *(const T *)call->in[2];     \
    const T *x = call->in[0];                                                    \
    T *y = call->out[0];                                                         \
    int64_t n = ops_kdims_numel(&call->out_dims[0]);                             \
    for (int64_t i = 0; i < n; i++) {                                            \
      T v = x[i];                                                                \
      if (v < lo) v = lo;                                                        \
      if (v > hi) v = hi;                                                        \
      y[i] = v;                                                                  \
    }                                                                            \
    return OPS_KRESULT_OK;                                                       \
  }

INT_CLIP_KERNEL(i8, int8_t, INT8_MIN, INT8_MAX)
INT_CLIP_KERNEL(u8, uint8_t, 0, UINT8_MAX)
INT_CLIP_KERNEL(i16, int16_t, INT16_MIN, INT16_MAX)
INT_CLIP_KERNEL(u16, uint16_t, 0, UINT16_MAX)
INT_CLIP_KERNEL(i32, int32_t, INT32_MIN, INT32_MAX)
INT_CLIP_KERNEL(u32, uint32_t, 0, UINT32_MAX)
INT_CLIP_KERNEL(i64, int64_t, INT64_MIN, INT64_MAX)
INT_CLIP_KERNEL(u64, uint64_t, 0, UINT64_MAX)
