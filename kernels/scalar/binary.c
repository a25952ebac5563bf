/*
 * Add, Sub, Mul, Div and Pow with numpy (multidirectional) broadcasting, for f32, f64, i32 and
 * i64 (Pow: f32 and f64 bases with an f32, f64, i32 or i64 exponent).
 *
 * This file also holds ops_kwalk (kernels/scalar/elementwise.h), the walker every broadcasting
 * elementwise family shares: it runs the output's outer dims like an odometer and hands each
 * innermost row to a typed row function with every input's stride along that row (0 where an
 * input repeats). Adding an op or a dtype is one row function and one kernel function.
 *
 * Integer semantics: Add, Sub and Mul wrap modulo 2^n as numpy and ONNX Runtime do (computed in
 * unsigned arithmetic, because signed overflow is undefined in C). Div truncates toward zero
 * (C's rule, and ONNX Runtime's); division by zero has no defined value and returns
 * OPS_KRESULT_BAD_VALUE instead of trapping, and INT_MIN / -1 wraps to INT_MIN.
 */
#include <math.h>
#include <stdint.h>

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

#undef BINARY_ROW

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

/* Element i of an exponent of dtype `dtype`, as double (exact for every value of f32, i32, and
 * of i64 up to 2^53, beyond which pow overflows or underflows anyway unless the base is +-1). */
static double exponent_at(int dtype, const void *b, int64_t i) {
  switch (dtype) {
    case OPSCOPE_DTYPE_F32:
      return ((const float *)b)[i];
    case OPSCOPE_DTYPE_F64:
      return ((const double *)b)[i];
    case OPSCOPE_DTYPE_I32:
      return ((const int32_t *)b)[i];
    default: /* OPSCOPE_DTYPE_I64, as bound */
      return (double)((const int64_t *)b)[i];
  }
}

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
