/*
 * Abs, Neg and Sign on integers: signed 8 to 64 bits for all three, unsigned for Abs and Sign
 * (Neg is defined only on signed types). Abs and Neg of the most negative value wrap to itself,
 * as numpy and ONNX Runtime do (computed in unsigned arithmetic, since signed overflow is
 * undefined in C).
 */
#include <stdint.h>

#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

#define INT_UNARY(name, T, expr)                        \
  enum ops_kresult name(const struct ops_kcall *call) { \
    const T *x = call->in[0];                           \
    T *y = call->out[0];                                \
    int64_t n = ops_kdims_numel(&call->out_dims[0]);    \
    for (int64_t i = 0; i < n; i++) {                   \
      T v = x[i];                                       \
      y[i] = (T)(expr);                                 \
    }                                                   \
    return OPS_KRESULT_OK;                              \
  }

#define SIGNED_UNARY(tag, T, UT)                                                \
  INT_UNARY(ops_##tag##_abs_kernel__scalar, T, v < 0 ? (T)(UT)(0u - (UT)v) : v) \
  INT_UNARY(ops_##tag##_neg_kernel__scalar, T, (T)(UT)(0u - (UT)v))             \
  INT_UNARY(ops_##tag##_sign_kernel__scalar, T, (v > 0) - (v < 0))

#define UNSIGNED_UNARY(tag, T)                    \
  INT_UNARY(ops_##tag##_abs_kernel__scalar, T, v) \
  INT_UNARY(ops_##tag##_sign_kernel__scalar, T, v != 0)

SIGNED_UNARY(i8, int8_t, uint8_t)
SIGNED_UNARY(i16, int16_t, uint16_t)
SIGNED_UNARY(i32, int32_t, uint32_t)
SIGNED_UNARY(i64, int64_t, uint64_t)
UNSIGNED_UNARY(u8, uint8_t)
UNSIGNED_UNARY(u16, uint16_t)
UNSIGNED_UNARY(u32, uint32_t)
UNSIGNED_UNARY(u64, uint64_t)
