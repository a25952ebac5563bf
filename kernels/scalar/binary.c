/*
 * Add, Sub, Mul, Div and Pow with numpy (multidirectional) broadcasting: Add, Sub, Mul and Div
 * for f32, f64 and every integer type; Pow for f32, f64, i32 and i64 bases with an exponent of
 * any numeric type (opset 15).
 *
 * This file also holds ops_kwalk (kernels/scalar/elementwise.h), the walker every broadcasting
 * elementwise family shares: it runs the output's outer dims like an odometer and hands each
 * innermost row to a typed row function with every input's stride along that row (0 where an
 * input repeats). Adding an op or a dtype is one row function and one kernel function.
 *
 * Integer semantics: Add, Sub and Mul wrap modulo 2^n as numpy and ONNX Runtime do (computed in
 * unsigned arithmetic, because signed overflow is undefined in C). Div truncates toward zero
 * (C's rule, and ONNX Runtime's); division by zero has no defined value and returns
 * OPS_KRESULT_BAD_VALUE instead of trapping, and INT_MIN / -1 wraps to INT_MIN. Integer Pow
 * with an integer exponent is exact and wraps too (see int_pow); with a float exponent it goes
 * through double (see real_to_int).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernels/half.h"
#include "kernels/scalar/elementwise.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_kwalk(int n_in, const struct ops_kwalk_in *in, const struct ops_kdims *yd,
                           void *y, int y_dtype, ops_krow_fn row, const void *ctx) {
  const void *x[OPS_KWALK_MAX_IN];
  int64_t zero[OPS_KWALK_MAX_IN] = {0};
  if (ops_kdims_numel(yd) == 0) return OPS_KRESULT_OK;
  if (yd->rank == 0) {
    for (int k = 0; k < n_in; k++)
      x[k] = in[k].data;
    return row(ctx, 1, x, zero, y);
  }

  /* Strides of the inputs first, the output's last. */
  int64_t st[OPS_KWALK_MAX_IN + 1][OPS_KMAX_RANK];
  int64_t *strides[OPS_KWALK_MAX_IN + 1];
  size_t size[OPS_KWALK_MAX_IN + 1];
  for (int k = 0; k < n_in; k++) {
    ops_kbcast_strides(in[k].dims, yd, st[k]);
    size[k] = ops_kdtype_size(in[k].dtype);
    strides[k] = st[k];
  }
  ops_kdims_strides(yd, st[n_in]);
  strides[n_in] = st[n_in];
  size[n_in] = ops_kdtype_size(y_dtype);
  int last = yd->rank - 1;
  int64_t idx[OPS_KMAX_RANK] = {0};
  int64_t off[OPS_KWALK_MAX_IN + 1] = {0}; /* elements into each input and y */
  int64_t sx[OPS_KWALK_MAX_IN];
  for (int k = 0; k < n_in; k++)
    sx[k] = st[k][last];
  do {
    for (int k = 0; k < n_in; k++)
      x[k] = (const unsigned char *)in[k].data + off[k] * (int64_t)size[k];
    enum ops_kresult r =
        row(ctx, yd->d[last], x, sx, (unsigned char *)y + off[n_in] * (int64_t)size[n_in]);
    if (r != OPS_KRESULT_OK) return r;
  } while (ops_kindex_next(last, yd->d, idx, n_in + 1, strides, off));
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_kwalk_call(const struct ops_kcall *call, int n_in, ops_krow_fn row,
                                const void *ctx) {
  struct ops_kwalk_in in[OPS_KWALK_MAX_IN];
  for (int k = 0; k < n_in; k++) {
    in[k].data = call->in[k];
    in[k].dims = &call->in_dims[k];
    in[k].dtype = call->in_dtype[k];
  }
  return ops_kwalk(n_in, in, &call->out_dims[0], call->out[0], call->out_dtype[0], row, ctx);
}

static enum ops_kresult binary_run(const struct ops_kcall *call, ops_krow_fn row, const void *ctx) {
  return ops_kwalk_call(call, 2, row, ctx);
}

/* Row functions whose body is one expression of x0 (from a) and x1 (from b). */
#define BINARY_ROW(name, T, expr)                                                \
  static enum ops_kresult name(const void *ctx, int64_t n, const void *const *x, \
                               const int64_t *sx, void *vy) {                    \
    (void)ctx;                                                                   \
    const T *a = x[0];                                                           \
    const T *b = x[1];                                                           \
    int64_t sa = sx[0], sb = sx[1];                                              \
    T *y = vy;                                                                   \
    for (int64_t i = 0; i < n; i++) {                                            \
      T x0 = a[i * sa];                                                          \
      T x1 = b[i * sb];                                                          \
      y[i] = (expr);                                                             \
    }                                                                            \
    return OPS_KRESULT_OK;                                                       \
  }

BINARY_ROW(add_f32, float, x0 + x1)
BINARY_ROW(sub_f32, float, x0 - x1)
BINARY_ROW(mul_f32, float, x0 *x1)
BINARY_ROW(div_f32, float, x0 / x1)
BINARY_ROW(add_f64, double, x0 + x1)
BINARY_ROW(sub_f64, double, x0 - x1)
BINARY_ROW(mul_f64, double, x0 *x1)
BINARY_ROW(div_f64, double, x0 / x1)
BINARY_ROW(add_i32, int32_t, (int32_t)((uint32_t)x0 + (uint32_t)x1))
BINARY_ROW(sub_i32, int32_t, (int32_t)((uint32_t)x0 - (uint32_t)x1))
BINARY_ROW(mul_i32, int32_t, (int32_t)((uint32_t)x0 *(uint32_t)x1))
BINARY_ROW(add_i64, int64_t, (int64_t)((uint64_t)x0 + (uint64_t)x1))
BINARY_ROW(sub_i64, int64_t, (int64_t)((uint64_t)x0 - (uint64_t)x1))
BINARY_ROW(mul_i64, int64_t, (int64_t)((uint64_t)x0 *(uint64_t)x1))

/* The narrower and unsigned integer types wrap the same way. Each operand is widened to an
 * unsigned type of at least int's width first: u16 * u16 promoted to int could overflow. */
#define INT_ARITH_ROWS(t, T, W)              \
  BINARY_ROW(add_##t, T, (T)((W)x0 + (W)x1)) \
  BINARY_ROW(sub_##t, T, (T)((W)x0 - (W)x1)) \
  BINARY_ROW(mul_##t, T, (T)((W)x0 * (W)x1))

INT_ARITH_ROWS(i8, int8_t, uint32_t)
INT_ARITH_ROWS(i16, int16_t, uint32_t)
INT_ARITH_ROWS(u8, uint8_t, uint32_t)
INT_ARITH_ROWS(u16, uint16_t, uint32_t)
INT_ARITH_ROWS(u32, uint32_t, uint32_t)
INT_ARITH_ROWS(u64, uint64_t, uint64_t)

#undef INT_ARITH_ROWS
#undef BINARY_ROW

/* Integer Div for the narrower and unsigned types, by the rules of div_i32 below: truncation,
 * OPS_KRESULT_BAD_VALUE on a zero divisor, and MIN / -1 wrapping to MIN (for a signed T, -1 is
 * the only divisor whose quotient can leave T's range). */
#define INT_DIV_ROW(t, T, W, SIGNED)                                                \
  static enum ops_kresult div_##t(const void *ctx, int64_t n, const void *const *x, \
                                  const int64_t *sx, void *vy) {                    \
    (void)ctx;                                                                      \
    const T *a = x[0];                                                              \
    const T *b = x[1];                                                              \
    T *y = vy;                                                                      \
    for (int64_t i = 0; i < n; i++) {                                               \
      T x0 = a[i * sx[0]], x1 = b[i * sx[1]];                                       \
      if (x1 == 0) return OPS_KRESULT_BAD_VALUE;                                    \
      y[i] = (SIGNED && x1 == (T)-1) ? (T)((W)0 - (W)x0) : (T)(x0 / x1);            \
    }                                                                               \
    return OPS_KRESULT_OK;                                                          \
  }

INT_DIV_ROW(i8, int8_t, uint32_t, 1)
INT_DIV_ROW(i16, int16_t, uint32_t, 1)
INT_DIV_ROW(u8, uint8_t, uint32_t, 0)
INT_DIV_ROW(u16, uint16_t, uint32_t, 0)
INT_DIV_ROW(u32, uint32_t, uint32_t, 0)
INT_DIV_ROW(u64, uint64_t, uint64_t, 0)

#undef INT_DIV_ROW

static enum ops_kresult div_i32(const void *ctx, int64_t n, const void *const *x, const int64_t *sx,
                                void *vy) {
  (void)ctx;
  const int32_t *a = x[0];
  const int32_t *b = x[1];
  int64_t sa = sx[0], sb = sx[1];
  int32_t *y = vy;
  for (int64_t i = 0; i < n; i++) {
    int32_t x0 = a[i * sa], x1 = b[i * sb];
    if (x1 == 0) return OPS_KRESULT_BAD_VALUE;
    /* INT32_MIN / -1 overflows (and traps on x86); its wrapped value is INT32_MIN. */
    y[i] = (x1 == -1) ? (int32_t)(0u - (uint32_t)x0) : x0 / x1;
  }
  return OPS_KRESULT_OK;
}

static enum ops_kresult div_i64(const void *ctx, int64_t n, const void *const *x, const int64_t *sx,
                                void *vy) {
  (void)ctx;
  const int64_t *a = x[0];
  const int64_t *b = x[1];
  int64_t sa = sx[0], sb = sx[1];
  int64_t *y = vy;
  for (int64_t i = 0; i < n; i++) {
    int64_t x0 = a[i * sa], x1 = b[i * sb];
    if (x1 == 0) return OPS_KRESULT_BAD_VALUE;
    y[i] = (x1 == -1) ? (int64_t)(0u - (uint64_t)x0) : x0 / x1;
  }
  return OPS_KRESULT_OK;
}

/* Element i of an exponent of dtype `dtype`, as double (exact for every value of the 8-, 16- and
 * 32-bit types, f16, bf16 and f32, and of the 64-bit integers up to 2^53, beyond which pow
 * overflows or underflows anyway unless the base is +-1). */
static double exponent_at(int dtype, const void *b, int64_t i) {
  switch (dtype) {
    case OPSCOPE_DTYPE_F16:
      return ops_f16_to_f32(((const uint16_t *)b)[i]);
    case OPSCOPE_DTYPE_BF16:
      return ops_bf16_to_f32(((const uint16_t *)b)[i]);
    case OPSCOPE_DTYPE_F32:
      return ((const float *)b)[i];
    case OPSCOPE_DTYPE_F64:
      return ((const double *)b)[i];
    case OPSCOPE_DTYPE_I8:
      return ((const int8_t *)b)[i];
    case OPSCOPE_DTYPE_U8:
      return ((const uint8_t *)b)[i];
    case OPSCOPE_DTYPE_I16:
      return ((const int16_t *)b)[i];
    case OPSCOPE_DTYPE_U16:
      return ((const uint16_t *)b)[i];
    case OPSCOPE_DTYPE_I32:
      return ((const int32_t *)b)[i];
    case OPSCOPE_DTYPE_U32:
      return ((const uint32_t *)b)[i];
    case OPSCOPE_DTYPE_U64:
      return (double)((const uint64_t *)b)[i];
    default: /* OPSCOPE_DTYPE_I64, as bound */
      return (double)((const int64_t *)b)[i];
  }
}

/* True when the exponent dtype is an integer type, whose values integer Pow raises exactly. */
static bool exponent_is_int(int dtype) {
  return dtype != OPSCOPE_DTYPE_F16 && dtype != OPSCOPE_DTYPE_BF16 && dtype != OPSCOPE_DTYPE_F32 &&
         dtype != OPSCOPE_DTYPE_F64;
}

/* Element i of an integer exponent as a sign and a magnitude, so that every value of every
 * integer type (u64 above INT64_MAX, INT64_MIN) is represented exactly. Returns true when the
 * exponent is negative. */
static bool int_exponent_at(int dtype, const void *b, int64_t i, uint64_t *mag) {
  if (dtype == OPSCOPE_DTYPE_U64) {
    *mag = ((const uint64_t *)b)[i];
    return false;
  }
  /* Every value of the narrower types is exact in the double exponent_at gives. */
  int64_t e =
      dtype == OPSCOPE_DTYPE_I64 ? ((const int64_t *)b)[i] : (int64_t)exponent_at(dtype, b, i);
  *mag = e < 0 ? 0u - (uint64_t)e : (uint64_t)e;
  return e < 0;
}

/* base^e for an integer base, wrapping modulo 2^64 as repeated multiplication in the base's
 * type would (numpy's integer power); the caller narrows the result. A negative exponent gives
 * the truncated real value: 1 for base 1, +-1 for base -1 by parity, 0 otherwise; base 0 with a
 * negative exponent has no value (a division by zero) and returns false. */
static bool int_pow(int64_t base, bool negative, uint64_t mag, int64_t *out) {
  if (negative) {
    if (base == 0) return false;
    *out = base == 1 ? 1 : base == -1 ? ((mag & 1u) ? -1 : 1) : 0;
    return true;
  }
  uint64_t r = 1, b = (uint64_t)base;
  for (uint64_t k = mag; k != 0; k >>= 1) {
    if (k & 1u) r *= b;
    b *= b;
  }
  *out = (int64_t)r;
  return true;
}

/* A real power converted to a signed integer type of `bits` bits: truncated toward zero as C's
 * conversion (and numpy's astype) do, with the cases C leaves undefined pinned down: NaN gives 0
 * and values outside the range saturate. */
static int64_t real_to_int(double v, int bits) {
  double lim = ldexp(1.0, bits - 1); /* 2^(bits - 1), exact */
  int64_t max = (int64_t)(((uint64_t)1 << (bits - 1)) - 1);
  if (isnan(v)) return 0;
  if (v >= lim) return max;
  if (v <= -lim) return -max - 1;
  return (int64_t)v;
}

/* Integer Pow (i32, i64 bases): an integer exponent raises exactly with wrapping (int_pow); a
 * float exponent goes through pow() in double and converts back (real_to_int). */
#define INT_POW_ROW(t, T, BITS)                                                     \
  static enum ops_kresult pow_##t(const void *ctx, int64_t n, const void *const *x, \
                                  const int64_t *sx, void *vy) {                    \
    const T *a = x[0];                                                              \
    T *y = vy;                                                                      \
    int dtype = *(const int *)ctx;                                                  \
    for (int64_t i = 0; i < n; i++) {                                               \
      T base = a[i * sx[0]];                                                        \
      if (exponent_is_int(dtype)) {                                                 \
        uint64_t mag;                                                               \
        bool negative = int_exponent_at(dtype, x[1], i * sx[1], &mag);              \
        int64_t r;                                                                  \
        if (!int_pow(base, negative, mag, &r)) return OPS_KRESULT_BAD_VALUE;        \
        y[i] = (T)r;                                                                \
      } else {                                                                      \
        double v = pow((double)base, exponent_at(dtype, x[1], i * sx[1]));          \
        y[i] = (T)real_to_int(v, BITS);                                             \
      }                                                                             \
    }                                                                               \
    return OPS_KRESULT_OK;                                                          \
  }

INT_POW_ROW(i32, int32_t, 32)
INT_POW_ROW(i64, int64_t, 64)

#undef INT_POW_ROW

/* Pow follows numpy: the base and exponent meet in double and the result is rounded to the
 * base's dtype once, so an integer exponent of a negative base keeps pow()'s exact-integer
 * rules (the sign of (-2)^3). */
static enum ops_kresult pow_f32(const void *ctx, int64_t n, const void *const *x, const int64_t *sx,
                                void *vy) {
  const float *a = x[0];
  float *y = vy;
  int dtype = *(const int *)ctx;
  for (int64_t i = 0; i < n; i++)
    y[i] = (float)pow((double)a[i * sx[0]], exponent_at(dtype, x[1], i * sx[1]));
  return OPS_KRESULT_OK;
}

static enum ops_kresult pow_f64(const void *ctx, int64_t n, const void *const *x, const int64_t *sx,
                                void *vy) {
  const double *a = x[0];
  double *y = vy;
  int dtype = *(const int *)ctx;
  for (int64_t i = 0; i < n; i++)
    y[i] = pow(a[i * sx[0]], exponent_at(dtype, x[1], i * sx[1]));
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_f32_add_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, add_f32, NULL);
}
enum ops_kresult ops_f64_add_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, add_f64, NULL);
}
enum ops_kresult ops_i32_add_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, add_i32, NULL);
}
enum ops_kresult ops_i64_add_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, add_i64, NULL);
}
enum ops_kresult ops_f32_sub_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, sub_f32, NULL);
}
enum ops_kresult ops_f64_sub_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, sub_f64, NULL);
}
enum ops_kresult ops_i32_sub_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, sub_i32, NULL);
}
enum ops_kresult ops_i64_sub_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, sub_i64, NULL);
}
enum ops_kresult ops_f32_mul_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, mul_f32, NULL);
}
enum ops_kresult ops_f64_mul_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, mul_f64, NULL);
}
enum ops_kresult ops_i32_mul_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, mul_i32, NULL);
}
enum ops_kresult ops_i64_mul_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, mul_i64, NULL);
}
enum ops_kresult ops_f32_div_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, div_f32, NULL);
}
enum ops_kresult ops_f64_div_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, div_f64, NULL);
}
enum ops_kresult ops_i32_div_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, div_i32, NULL);
}
enum ops_kresult ops_i64_div_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, div_i64, NULL);
}
enum ops_kresult ops_f32_pow_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, pow_f32, &call->in_dtype[1]);
}
enum ops_kresult ops_f64_pow_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, pow_f64, &call->in_dtype[1]);
}

/* Add, Sub, Mul and Div of the narrower and unsigned integer types. */
#define INT_ARITH_KERNELS(t)                                                    \
  enum ops_kresult ops_##t##_add_kernel__scalar(const struct ops_kcall *call) { \
    return binary_run(call, add_##t, NULL);                                     \
  }                                                                             \
  enum ops_kresult ops_##t##_sub_kernel__scalar(const struct ops_kcall *call) { \
    return binary_run(call, sub_##t, NULL);                                     \
  }                                                                             \
  enum ops_kresult ops_##t##_mul_kernel__scalar(const struct ops_kcall *call) { \
    return binary_run(call, mul_##t, NULL);                                     \
  }                                                                             \
  enum ops_kresult ops_##t##_div_kernel__scalar(const struct ops_kcall *call) { \
    return binary_run(call, div_##t, NULL);                                     \
  }

INT_ARITH_KERNELS(i8)
INT_ARITH_KERNELS(i16)
INT_ARITH_KERNELS(u8)
INT_ARITH_KERNELS(u16)
INT_ARITH_KERNELS(u32)
INT_ARITH_KERNELS(u64)

#undef INT_ARITH_KERNELS

enum ops_kresult ops_i32_pow_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, pow_i32, &call->in_dtype[1]);
}
enum ops_kresult ops_i64_pow_kernel__scalar(const struct ops_kcall *call) {
  return binary_run(call, pow_i64, &call->in_dtype[1]);
}
