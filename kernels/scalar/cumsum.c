/*
 * CumSum along params.axis, for f32, f64, i32, i64, u32 and u64 (the types ONNX Runtime
 * implements). Viewing X as [outer, len, inner] around the axis, each of the outer * inner lines
 * is summed in order (or from its end with reverse); exclusive writes the sum before adding the
 * element. f32 accumulates in double and rounds each output once; integers wrap modulo 2^n,
 * computed unsigned. Y may be X: each element is read before it is written.
 */
#include <stdint.h>

#include "kernels/params-shape-ops.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

#define CUMSUM(tag, T, ACC)                                                          \
  enum ops_kresult ops_##tag##_cumsum_kernel__scalar(const struct ops_kcall *call) { \
    const struct ops_cumsum_params *p = call->params;                                \
    const struct ops_kdims *xd = &call->in_dims[0];                                  \
    const T *x = call->in[0];                                                        \
    T *y = call->out[0];                                                             \
    int64_t outer = ops_kdims_prod(xd, 0, p->axis);                                  \
    int64_t len = xd->d[p->axis];                                                    \
    int64_t inner = ops_kdims_prod(xd, p->axis + 1, xd->rank);                       \
    for (int64_t o = 0; o < outer; o++) {                                            \
      for (int64_t in = 0; in < inner; in++) {                                       \
        ACC acc = 0;                                                                 \
        for (int64_t t = 0; t < len; t++) {                                          \
          int64_t j = p->reverse ? len - 1 - t : t;                                  \
          int64_t at = (o * len + j) * inner + in;                                   \
          ACC v = (ACC)x[at];                                                        \
          y[at] = (T)(p->exclusive ? acc : acc + v);                                 \
          acc += v;                                                                  \
        }                                                                            \
      }                                                                              \
    }                                                                                \
    return OPS_KRESULT_OK;                                                           \
  }

CUMSUM(f32, float, double)
CUMSUM(f64, double, double)
CUMSUM(i32, int32_t, uint32_t)
CUMSUM(i64, int64_t, uint64_t)
CUMSUM(u32, uint32_t, uint32_t)
CUMSUM(u64, uint64_t, uint64_t)
