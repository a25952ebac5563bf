/*
 * Comparisons with a bool output: Equal, Greater, Less, GreaterOrEqual and LessOrEqual with
 * multidirectional broadcasting (both inputs of one dtype: f32, f64, signed and unsigned integers
 * of 8 to 64 bits, and bool for Equal), and the f32 predicates IsNaN and IsInf.
 *
 * Bools are one byte holding 0 or 1. Comparisons with NaN are false (Equal too), as in IEEE 754
 * and numpy.
 */
#include <math.h>
#include <stdint.h>

#include "kernels/params.h"
#include "kernels/scalar/elementwise.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

#define CMP_ROW(name, T, op)                                                     \
  static enum ops_kresult name(const void *ctx, int64_t n, const void *const *x, \
                               const int64_t *sx, void *vy) {                    \
    (void)ctx;                                                                   \
    const T *a = x[0];                                                           \
    const T *b = x[1];                                                           \
    uint8_t *y = vy;                                                             \
    for (int64_t i = 0; i < n; i++)                                              \
      y[i] = a[i * sx[0]] op b[i * sx[1]];                                       \
    return OPS_KRESULT_OK;                                                       \
  }                                                                              \
  enum ops_kresult ops_##name##_kernel__scalar(const struct ops_kcall *call) {   \
    return ops_kwalk_call(call, 2, name, NULL);                                  \
  }

#define CMP_ROWS(tag, T)                 \
  CMP_ROW(tag##_equal, T, ==)            \
  CMP_ROW(tag##_greater, T, >)           \
  CMP_ROW(tag##_less, T, <)              \
  CMP_ROW(tag##_greater_or_equal, T, >=) \
  CMP_ROW(tag##_less_or_equal, T, <=)

CMP_ROWS(f32, float)
CMP_ROWS(f64, double)
CMP_ROWS(i8, int8_t)
CMP_ROWS(i16, int16_t)
CMP_ROWS(i32, int32_t)
CMP_ROWS(i64, int64_t)
CMP_ROWS(u8, uint8_t)
CMP_ROWS(u16, uint16_t)
CMP_ROWS(u32, uint32_t)
CMP_ROWS(u64, uint64_t)
/* Bools hold only 0 or 1, so their bytes compare as their values. */
CMP_ROW(bool_equal, uint8_t, ==)

enum ops_kresult ops_f32_is_nan_kernel__scalar(const struct ops_kcall *call) {
  const float *x = call->in[0];
  uint8_t *y = call->out[0];
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  for (int64_t i = 0; i < n; i++)
    y[i] = isnan(x[i]) != 0;
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_is_inf_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_isinf_params *p = call->params;
  const float *x = call->in[0];
  uint8_t *y = call->out[0];
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  for (int64_t i = 0; i < n; i++) {
    float v = x[i];
    y[i] = (p->detect_positive && v == INFINITY) || (p->detect_negative && v == -INFINITY);
  }
  return OPS_KRESULT_OK;
}
