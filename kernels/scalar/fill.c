/*
 * Kernels that make a tensor from little more than its dims: ConstantOfShape (one value
 * everywhere), EyeLike (ones on a diagonal), OneHot (one "on" value per index along a new axis)
 * and Range (an arithmetic sequence). ConstantOfShape, EyeLike and OneHot work by element size
 * for every dtype, since their values arrive as bytes of the output's dtype; Range computes, so
 * it has one kernel per dtype the ONNX spec lists (f32, f64, i16, i32, i64).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernels/half.h"
#include "kernels/params-shape-ops.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum ops_kresult ops_any_constant_of_shape_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_fill_params *p = call->params;
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->out_dtype[0]);
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  for (int64_t i = 0; i < n; i++)
    memcpy(y + (size_t)i * esize, p->value, esize);
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_eye_like_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_eye_like_params *p = call->params;
  const struct ops_kdims *yd = &call->out_dims[0];
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->out_dtype[0]);
  int64_t rows = yd->d[0], cols = yd->d[1];
  if (rows == 0 || cols == 0) return OPS_KRESULT_OK;
  /* Zero is all-zero bytes in every dtype (IEEE +0.0, integer 0, false). */
  memset(y, 0, (size_t)(rows * cols) * esize);
  for (int64_t i = 0; i < rows; i++) {
    int64_t j = i + p->k;
    if (j >= 0 && j < cols) memcpy(y + (size_t)(i * cols + j) * esize, p->one, esize);
  }
  return OPS_KRESULT_OK;
}

/* Index j of a OneHot indices tensor as an integer; false for a value that is no integer at all
 * (NaN, or beyond int64), which matches no position. Floats truncate toward zero, as the ONNX
 * reference casts them. */
static bool index_at(const void *p, int dtype, int64_t j, int64_t *out) {
  double f;
  switch (dtype) {
    case OPSCOPE_DTYPE_I8:
      *out = ((const int8_t *)p)[j];
      return true;
    case OPSCOPE_DTYPE_I16:
      *out = ((const int16_t *)p)[j];
      return true;
    case OPSCOPE_DTYPE_I32:
      *out = ((const int32_t *)p)[j];
      return true;
    case OPSCOPE_DTYPE_I64:
      *out = ((const int64_t *)p)[j];
      return true;
    case OPSCOPE_DTYPE_U8:
      *out = ((const uint8_t *)p)[j];
      return true;
    case OPSCOPE_DTYPE_U16:
      *out = ((const uint16_t *)p)[j];
      return true;
    case OPSCOPE_DTYPE_U32:
      *out = ((const uint32_t *)p)[j];
      return true;
    case OPSCOPE_DTYPE_U64: {
      uint64_t u = ((const uint64_t *)p)[j];
      if (u > INT64_MAX) return false;
      *out = (int64_t)u;
      return true;
    }
    case OPSCOPE_DTYPE_F16:
      f = ops_f16_to_f32(((const uint16_t *)p)[j]);
      break;
    case OPSCOPE_DTYPE_BF16:
      f = ops_bf16_to_f32(((const uint16_t *)p)[j]);
      break;
    case OPSCOPE_DTYPE_F32:
      f = ((const float *)p)[j];
      break;
    default: /* OPSCOPE_DTYPE_F64, as bound */
      f = ((const double *)p)[j];
      break;
  }
  f = trunc(f);
  /* NaN fails both comparisons; 2^63 is exact in double. */
  if (!(f >= -0x1p63 && f < 0x1p63)) return false;
  *out = (int64_t)f;
  return true;
}

enum ops_kresult ops_any_one_hot_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_one_hot_params *p = call->params;
  const void *indices = call->in[0];
  int idx_dtype = call->in_dtype[0];
  const unsigned char *values = call->in[2]; /* [off, on] */
  unsigned char *y = call->out[0];
  size_t esize = ops_kdtype_size(call->out_dtype[0]);
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  if (n == 0) return OPS_KRESULT_OK;
  for (int64_t i = 0; i < n; i++)
    memcpy(y + (size_t)i * esize, values, esize);
  /* The indices viewed as [outer, inner] around the new axis; the output is [outer, depth,
   * inner]. */
  const struct ops_kdims *id = &call->in_dims[0];
  int64_t outer = ops_kdims_prod(id, 0, p->axis);
  int64_t inner = ops_kdims_prod(id, p->axis, id->rank);
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t i = 0; i < inner; i++) {
      int64_t v;
      if (!index_at(indices, idx_dtype, o * inner + i, &v)) continue;
      if (v < 0 && v >= -p->depth) v += p->depth;
      if (v < 0 || v >= p->depth) continue; /* out of range: every position is "off" */
      memcpy(y + (size_t)((o * p->depth + v) * inner + i) * esize, values + esize, esize);
    }
  }
  return OPS_KRESULT_OK;
}

/* Range: y[i] = start + i * delta, for as many elements as the output holds (the binder computed
 * that count from start, limit and delta). Floats compute in double and round once; integers
 * wrap modulo 2^n, computed unsigned so no step is undefined. */
#define RANGE_FLOAT(tag, T)                                                         \
  enum ops_kresult ops_##tag##_range_kernel__scalar(const struct ops_kcall *call) { \
    const T *first = call->in[0], *step = call->in[2];                              \
    double start = first[0], delta = step[0];                                       \
    T *y = call->out[0];                                                            \
    int64_t n = ops_kdims_numel(&call->out_dims[0]);                                \
    for (int64_t i = 0; i < n; i++)                                                 \
      y[i] = (T)(start + (double)i * delta);                                        \
    return OPS_KRESULT_OK;                                                          \
  }

#define RANGE_INT(tag, T)                                                             \
  enum ops_kresult ops_##tag##_range_kernel__scalar(const struct ops_kcall *call) {   \
    const T *first = call->in[0], *step = call->in[2];                                \
    uint64_t start = (uint64_t)(int64_t)first[0], delta = (uint64_t)(int64_t)step[0]; \
    T *y = call->out[0];                                                              \
    int64_t n = ops_kdims_numel(&call->out_dims[0]);                                  \
    for (int64_t i = 0; i < n; i++)                                                   \
      y[i] = (T)(start + (uint64_t)i * delta);                                        \
    return OPS_KRESULT_OK;                                                            \
  }

RANGE_FLOAT(f32, float)
RANGE_FLOAT(f64, double)
RANGE_INT(i16, int16_t)
RANGE_INT(i32, int32_t)
RANGE_INT(i64, int64_t)
