/*
 * ScatterElements, Scatter (its opset 9-10 name, without reduction) and ScatterND of any data
 * dtype, with i32 or i64 indices. Y starts as a copy of data, then each update is combined into
 * the element (ScatterElements) or slice (ScatterND) its index names, in the order of the
 * updates, so with duplicate indices and no reduction the last update wins (as ONNX Runtime
 * and the ONNX reference do). The reductions add, mul, max and min exist for the float and
 * integer dtypes (the binder refuses them for others); integer add and mul wrap.
 *
 * A negative index counts from the end of its axis. Every index is validated before anything
 * is written: one outside [-len, len) returns OPS_KRESULT_INDEX_OUT_OF_RANGE with Y untouched.
 */
#include <stdint.h>
#include <string.h>

#include "kernels/params-index.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

static int64_t index_at(const void *indices, int dtype, int64_t j) {
  if (dtype == OPSCOPE_DTYPE_I32) return ((const int32_t *)indices)[j];
  return ((const int64_t *)indices)[j];
}

/* dst[0..n) = dst op src for one C type. Integer add and mul go through uint64_t so they wrap
 * instead of overflowing (signed overflow, and u16 * u16 promoted to int, would be undefined);
 * the conversion back to a signed type is modular on every compiler opscope supports. Floats
 * follow IEEE, and max/min keep a NaN that is already in dst or arrives in src. */
#define DEFINE_COMBINE(name, T, ADD, MUL, KEEP_MAX, KEEP_MIN)                                 \
  static void name(void *dst_v, const void *src_v, int64_t n, enum ops_scatter_reduction r) { \
    T *dst = dst_v;                                                                           \
    const T *src = src_v;                                                                     \
    for (int64_t i = 0; i < n; i++) {                                                         \
      T a = dst[i], b = src[i];                                                               \
      switch (r) {                                                                            \
        case OPS_SCATTER_REDUCTION_ADD:                                                       \
          dst[i] = (T)(ADD);                                                                  \
          break;                                                                              \
        case OPS_SCATTER_REDUCTION_MUL:                                                       \
          dst[i] = (T)(MUL);                                                                  \
          break;                                                                              \
        case OPS_SCATTER_REDUCTION_MAX:                                                       \
          dst[i] = (KEEP_MAX) ? a : b;                                                        \
          break;                                                                              \
        case OPS_SCATTER_REDUCTION_MIN:                                                       \
          dst[i] = (KEEP_MIN) ? a : b;                                                        \
          break;                                                                              \
        default:                                                                              \
          dst[i] = b;                                                                         \
          break;                                                                              \
      }                                                                                       \
    }                                                                                         \
  }
#define DEFINE_COMBINE_FLOAT(name, T) \
  DEFINE_COMBINE(name, T, a + b, a * b, a != a || a >= b, a != a || a <= b)
#define DEFINE_COMBINE_INT(name, T) \
  DEFINE_COMBINE(name, T, (uint64_t)a + (uint64_t)b, (uint64_t)a * (uint64_t)b, a >= b, a <= b)

DEFINE_COMBINE_FLOAT(combine_f32, float)
DEFINE_COMBINE_FLOAT(combine_f64, double)
DEFINE_COMBINE_INT(combine_i8, int8_t)
DEFINE_COMBINE_INT(combine_u8, uint8_t)
DEFINE_COMBINE_INT(combine_i16, int16_t)
DEFINE_COMBINE_INT(combine_u16, uint16_t)
DEFINE_COMBINE_INT(combine_i32, int32_t)
DEFINE_COMBINE_INT(combine_u32, uint32_t)
DEFINE_COMBINE_INT(combine_i64, int64_t)
DEFINE_COMBINE_INT(combine_u64, uint64_t)

/* Writes n elements of `src` into `dst`: a plain copy without reduction (any dtype), otherwise
 * the dtype's combine (the binder allowed reductions only for the dtypes listed here). */
static void combine(int dtype, size_t esize, enum ops_scatter_reduction r, unsigned char *dst,
                    const unsigned char *src, int64_t n) {
  switch (r == OPS_SCATTER_REDUCTION_NONE ? 0 : dtype) {
    case OPSCOPE_DTYPE_F32:
      combine_f32(dst, src, n, r);
      break;
    case OPSCOPE_DTYPE_F64:
      combine_f64(dst, src, n, r);
      break;
    case OPSCOPE_DTYPE_I8:
      combine_i8(dst, src, n, r);
      break;
    case OPSCOPE_DTYPE_U8:
      combine_u8(dst, src, n, r);
      break;
    case OPSCOPE_DTYPE_I16:
      combine_i16(dst, src, n, r);
      break;
    case OPSCOPE_DTYPE_U16:
      combine_u16(dst, src, n, r);
      break;
    case OPSCOPE_DTYPE_I32:
      combine_i32(dst, src, n, r);
      break;
    case OPSCOPE_DTYPE_U32:
      combine_u32(dst, src, n, r);
      break;
    case OPSCOPE_DTYPE_I64:
      combine_i64(dst, src, n, r);
      break;
    case OPSCOPE_DTYPE_U64:
      combine_u64(dst, src, n, r);
      break;
    default:
      memcpy(dst, src, (size_t)n * esize);
      break;
  }
}

static enum ops_kresult scatter_elements(const struct ops_kcall *call,
                                         const struct ops_elements_params *p) {
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *id = &call->in_dims[1];
  const void *indices = call->in[1];
  int idx_dtype = call->in_dtype[1];
  const unsigned char *updates = call->in[2];
  unsigned char *y = call->out[0];
  int dtype = call->in_dtype[0];
  size_t esize = ops_kdtype_size(dtype);
  int64_t len = xd->d[p->axis];
  int64_t n = ops_kdims_numel(id);

  for (int64_t j = 0; j < n; j++) {
    int64_t i = index_at(indices, idx_dtype, j);
    if (i < -len || i >= len) return OPS_KRESULT_INDEX_OUT_OF_RANGE;
  }
  /* Y and data may share no bytes (the memory plan gives each a buffer), so copy first. */
  size_t y_bytes = (size_t)ops_kdims_numel(xd) * esize;
  if (y_bytes != 0) memcpy(y, call->in[0], y_bytes);
  if (n == 0) return OPS_KRESULT_OK;

  /* Walk indices (and updates, which have its dims) while tracking the offset into Y of the
   * same multi-index without the axis; the index value read adds the axis' stride. */
  int64_t y_strides[OPS_KMAX_RANK], walk[OPS_KMAX_RANK], unit[OPS_KMAX_RANK];
  ops_kdims_strides(xd, y_strides);
  ops_kdims_strides(id, unit);
  for (int k = 0; k < id->rank; k++)
    walk[k] = k == p->axis ? 0 : y_strides[k];
  int64_t idx[OPS_KMAX_RANK] = {0};
  int64_t off[2] = {0, 0}; /* elements into y (without the axis) and into indices and updates */
  int64_t *strides[2] = {walk, unit};
  do {
    int64_t i = index_at(indices, idx_dtype, off[1]);
    if (i < 0) i += len;
    combine(dtype, esize, p->reduction, y + (size_t)(off[0] + i * y_strides[p->axis]) * esize,
            updates + (size_t)off[1] * esize, 1);
  } while (ops_kindex_next(id->rank, id->d, idx, 2, strides, off));
  return OPS_KRESULT_OK;
}

enum ops_kresult ops_any_scatter_elements_kernel__scalar(const struct ops_kcall *call) {
  return scatter_elements(call, call->params);
}

enum ops_kresult ops_any_scatter_kernel__scalar(const struct ops_kcall *call) {
  return scatter_elements(call, call->params);
}

enum ops_kresult ops_any_scatter_nd_kernel__scalar(const struct ops_kcall *call) {
  const struct ops_nd_params *p = call->params;
  const struct ops_kdims *xd = &call->in_dims[0];
  const struct ops_kdims *id = &call->in_dims[1];
  const void *indices = call->in[1];
  int idx_dtype = call->in_dtype[1];
  const unsigned char *updates = call->in[2];
  unsigned char *y = call->out[0];
  int dtype = call->in_dtype[0];
  size_t esize = ops_kdtype_size(dtype);
  int depth = p->index_depth;

  int64_t tuples = ops_kdims_prod(id, 0, id->rank - 1);
  int64_t slice = ops_kdims_prod(xd, depth, xd->rank); /* elements per updated slice */
  int64_t stride[OPS_KMAX_RANK];
  for (int k = 0; k < depth; k++)
    stride[k] = ops_kdims_prod(xd, k + 1, xd->rank);

  int64_t n_idx = tuples * depth;
  for (int64_t j = 0; j < n_idx; j++) {
    int64_t len = xd->d[j % depth];
    int64_t i = index_at(indices, idx_dtype, j);
    if (i < -len || i >= len) return OPS_KRESULT_INDEX_OUT_OF_RANGE;
  }
  size_t y_bytes = (size_t)ops_kdims_numel(xd) * esize;
  if (y_bytes != 0) memcpy(y, call->in[0], y_bytes);
  if (slice == 0) return OPS_KRESULT_OK;
  for (int64_t t = 0; t < tuples; t++) {
    int64_t at = 0;
    for (int k = 0; k < depth; k++) {
      int64_t i = index_at(indices, idx_dtype, t * depth + k);
      if (i < 0) i += xd->d[k];
      at += i * stride[k];
    }
    combine(dtype, esize, p->reduction, y + (size_t)at * esize,
            updates + (size_t)(t * slice) * esize, slice);
  }
  return OPS_KRESULT_OK;
}
