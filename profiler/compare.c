#include "profiler/compare.h"

#include <math.h>
#include <string.h>

#include "kernels/half.h"
#include "opscope.h"

/* Element `i` of a tensor of `dtype` as a double; false for dtypes that are not numbers. */
static bool element(const void *data, int dtype, size_t i, double *out) {
  const unsigned char *p = data;
  switch (dtype) {
    case OPSCOPE_DTYPE_F32: {
      float v;
      memcpy(&v, p + 4 * i, 4);
      *out = v;
      return true;
    }
    case OPSCOPE_DTYPE_F64: {
      double v;
      memcpy(&v, p + 8 * i, 8);
      *out = v;
      return true;
    }
    case OPSCOPE_DTYPE_F16: {
      uint16_t v;
      memcpy(&v, p + 2 * i, 2);
      *out = ops_f16_to_f32(v);
      return true;
    }
    case OPSCOPE_DTYPE_BF16: {
      uint16_t v;
      memcpy(&v, p + 2 * i, 2);
      *out = ops_bf16_to_f32(v);
      return true;
    }
    case OPSCOPE_DTYPE_I8: {
      int8_t v;
      memcpy(&v, p + i, 1);
      *out = v;
      return true;
    }
    case OPSCOPE_DTYPE_U8:
    case OPSCOPE_DTYPE_BOOL: {
      uint8_t v;
      memcpy(&v, p + i, 1);
      *out = v;
      return true;
    }
    case OPSCOPE_DTYPE_I16: {
      int16_t v;
      memcpy(&v, p + 2 * i, 2);
      *out = v;
      return true;
    }
    case OPSCOPE_DTYPE_U16: {
      uint16_t v;
      memcpy(&v, p + 2 * i, 2);
      *out = v;
      return true;
    }
    case OPSCOPE_DTYPE_I32: {
      int32_t v;
      memcpy(&v, p + 4 * i, 4);
      *out = v;
      return true;
    }
    case OPSCOPE_DTYPE_U32: {
      uint32_t v;
      memcpy(&v, p + 4 * i, 4);
      *out = v;
      return true;
    }
    case OPSCOPE_DTYPE_I64: {
      int64_t v;
      memcpy(&v, p + 8 * i, 8);
      *out = (double)v;
      return true;
    }
    case OPSCOPE_DTYPE_U64: {
      uint64_t v;
      memcpy(&v, p + 8 * i, 8);
      *out = (double)v;
      return true;
    }
    default:
      return false;
  }
}

/* 64-bit integers lose precision as doubles, so they are compared exactly. */
static bool exact_int_equal(const void *got, const void *want, int dtype, size_t i) {
  if (dtype != OPSCOPE_DTYPE_I64 && dtype != OPSCOPE_DTYPE_U64) return false;
  return memcmp((const char *)got + 8 * i, (const char *)want + 8 * i, 8) == 0;
}

bool ops_compare(const void *got, const void *want, int dtype, size_t count, double rtol,
                 double atol, struct ops_compare_result *out) {
  memset(out, 0, sizeof *out);
  out->count = count;
  out->worst_ratio = -1.0;
  double probe;
  if (count > 0 && !element(want, dtype, 0, &probe)) return false;
  for (size_t i = 0; i < count; i++) {
    double g = 0.0, w = 0.0;
    element(got, dtype, i, &g);
    element(want, dtype, i, &w);
    double ratio;
    if (exact_int_equal(got, want, dtype, i) || (isnan(g) && isnan(w)) ||
        (isinf(g) && isinf(w) && (g > 0) == (w > 0))) {
      ratio = 0.0;
    } else if (isnan(g) || isnan(w) || isinf(g) || isinf(w)) {
      ratio = INFINITY;
    } else {
      double err = fabs(g - w);
      if (err > out->max_abs_err) out->max_abs_err = err;
      if (w != 0.0 && err / fabs(w) > out->max_rel_err) out->max_rel_err = err / fabs(w);
      double bound = atol + rtol * fabs(w);
      ratio = bound > 0.0 ? err / bound : (err > 0.0 ? INFINITY : 0.0);
    }
    if (ratio > 1.0) out->mismatches++;
    if (ratio > out->worst_ratio) {
      out->worst_ratio = ratio;
      out->worst_index = i;
      out->worst_got = g;
      out->worst_want = w;
    }
  }
  if (out->worst_ratio < 0.0) out->worst_ratio = 0.0;
  return true;
}
