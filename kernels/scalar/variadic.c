/*
 * Min, Max, Sum and Mean: any number of inputs (at least one) with multidirectional (numpy)
 * broadcasting. Min and Max cover every numeric dtype the ONNX tests use (f16, f32, f64, and
 * signed and unsigned integers of 8 to 64 bits); Sum covers f32, f64, i32, i64; Mean f32, f64.
 *
 * The output is folded pairwise: y = op(x0, x1), then y = op(y, xk) for each further input, so
 * one binary walk per input and no scratch. Reading y while writing it is safe because the walker
 * reads each output element once, at the position it then writes. One input is a copy.
 * Min and Max propagate NaN like numpy's minimum and maximum; integer Sum wraps modulo 2^n.
 */
#include <stdint.h>
#include <string.h>

#include "kernels/half.h"
#include "kernels/scalar/elementwise.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

/* Rows of y[i] = f(a[i * sa], b[i * sb]) computed in T. */
#define PAIR_ROW(name, T, expr)                                                  \
  static enum ops_kresult name(const void *ctx, int64_t n, const void *const *x, \
                               const int64_t *sx, void *vy) {                    \
    (void)ctx;                                                                   \
    const T *a = x[0];                                                           \
    const T *b = x[1];                                                           \
    T *y = vy;                                                                   \
    for (int64_t i = 0; i < n; i++) {                                            \
      T x0 = a[i * sx[0]];                                                       \
      T x1 = b[i * sx[1]];                                                       \
      y[i] = (expr);                                                             \
    }                                                                            \
    return OPS_KRESULT_OK;                                                       \
  }

/* x0 != x0 is true only for NaN, which wins (numpy's minimum and maximum). */
#define MIN_EXPR (x0 != x0 || x0 < x1) ? x0 : x1
#define MAX_EXPR (x0 != x0 || x0 > x1) ? x0 : x1

#define MIN_MAX_ROWS(tag, T)       \
  PAIR_ROW(min_##tag, T, MIN_EXPR) \
  PAIR_ROW(max_##tag, T, MAX_EXPR)

MIN_MAX_ROWS(f32, float)
MIN_MAX_ROWS(f64, double)
MIN_MAX_ROWS(i8, int8_t)
MIN_MAX_ROWS(i16, int16_t)
MIN_MAX_ROWS(i32, int32_t)
MIN_MAX_ROWS(i64, int64_t)
MIN_MAX_ROWS(u8, uint8_t)
MIN_MAX_ROWS(u16, uint16_t)
MIN_MAX_ROWS(u32, uint32_t)
MIN_MAX_ROWS(u64, uint64_t)

PAIR_ROW(sum_f32, float, x0 + x1)
PAIR_ROW(sum_f64, double, x0 + x1)
PAIR_ROW(sum_i32, int32_t, (int32_t)((uint32_t)x0 + (uint32_t)x1))
PAIR_ROW(sum_i64, int64_t, (int64_t)((uint64_t)x0 + (uint64_t)x1))

/* f16 compares in f32 (exact) and keeps the chosen input's bits. */
static enum ops_kresult pick_f16(bool is_max, int64_t n, const void *const *x, const int64_t *sx,
                                 void *vy) {
  const uint16_t *a = x[0];
  const uint16_t *b = x[1];
  uint16_t *y = vy;
  for (int64_t i = 0; i < n; i++) {
    uint16_t ha = a[i * sx[0]], hb = b[i * sx[1]];
    float x0 = ops_f16_to_f32(ha), x1 = ops_f16_to_f32(hb);
    bool take_a = is_max ? (x0 != x0 || x0 > x1) : (x0 != x0 || x0 < x1);
    y[i] = take_a ? ha : hb;
  }
  return OPS_KRESULT_OK;
}

static enum ops_kresult min_f16(const void *ctx, int64_t n, const void *const *x, const int64_t *sx,
                                void *y) {
  (void)ctx;
  return pick_f16(false, n, x, sx, y);
}

static enum ops_kresult max_f16(const void *ctx, int64_t n, const void *const *x, const int64_t *sx,
                                void *y) {
  (void)ctx;
  return pick_f16(true, n, x, sx, y);
}

/* Copies x0 broadcast to the output (a single input; the binder made its dims the output's). */
static enum ops_kresult copy_row(const void *ctx, int64_t n, const void *const *x,
                                 const int64_t *sx, void *y) {
  size_t size = *(const size_t *)ctx;
  const unsigned char *a = x[0];
  unsigned char *out = y;
  for (int64_t i = 0; i < n; i++)
    memcpy(out + (size_t)i * size, a + (size_t)(i * sx[0]) * size, size);
  return OPS_KRESULT_OK;
}

static enum ops_kresult fold_run(const struct ops_kcall *call, ops_krow_fn row) {
  const struct ops_kdims *yd = &call->out_dims[0];
  int dtype = call->out_dtype[0];
  struct ops_kwalk_in in[2] = {
      {.data = call->in[0], .dims = &call->in_dims[0], .dtype = call->in_dtype[0]},
      {.data = NULL, .dims = NULL, .dtype = dtype},
  };
  if (call->n_in == 1) {
    size_t size = ops_kdtype_size(dtype);
    return ops_kwalk(1, in, yd, call->out[0], dtype, copy_row, &size);
  }
  for (int k = 1; k < call->n_in; k++) {
    in[1].data = call->in[k];
    in[1].dims = &call->in_dims[k];
    enum ops_kresult r = ops_kwalk(2, in, yd, call->out[0], dtype, row, NULL);
    if (r != OPS_KRESULT_OK) return r;
    /* From here on the running result is the first operand. */
    in[0].data = call->out[0];
    in[0].dims = yd;
  }
  return OPS_KRESULT_OK;
}

#define FOLD_KERNEL(op, tag)                                                         \
  enum ops_kresult ops_##tag##_##op##_kernel__scalar(const struct ops_kcall *call) { \
    return fold_run(call, op##_##tag);                                               \
  }

#define MIN_MAX_KERNELS(tag) \
  FOLD_KERNEL(min, tag)      \
  FOLD_KERNEL(max, tag)

MIN_MAX_KERNELS(f16)
MIN_MAX_KERNELS(f32)
MIN_MAX_KERNELS(f64)
MIN_MAX_KERNELS(i8)
MIN_MAX_KERNELS(i16)
MIN_MAX_KERNELS(i32)
MIN_MAX_KERNELS(i64)
MIN_MAX_KERNELS(u8)
MIN_MAX_KERNELS(u16)
MIN_MAX_KERNELS(u32)
MIN_MAX_KERNELS(u64)
FOLD_KERNEL(sum, f32)
FOLD_KERNEL(sum, f64)
FOLD_KERNEL(sum, i32)
FOLD_KERNEL(sum, i64)

/* Mean is the Sum divided by the input count, once, in the output's dtype (as numpy's
 * np.mean over a stacked axis rounds). */
enum ops_kresult ops_f32_mean_kernel__scalar(const struct ops_kcall *call) {
  enum ops_kresult r = fold_run(call, sum_f32);
  float *y = call->out[0];
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  for (int64_t i = 0; r == OPS_KRESULT_OK && i < n; i++)
    y[i] /= (float)call->n_in;
  return r;
}

enum ops_kresult ops_f64_mean_kernel__scalar(const struct ops_kcall *call) {
  enum ops_kresult r = fold_run(call, sum_f64);
  double *y = call->out[0];
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  for (int64_t i = 0; r == OPS_KRESULT_OK && i < n; i++)
    y[i] /= (double)call->n_in;
  return r;
}
