/*
 * What the quantized kernels (quant.c, quant-matmul.c, quant-conv.c) share: the integer ranges of
 * the quantized types, reading and writing their elements, and the round-half-to-even that the
 * ONNX quantization ops specify. Private to kernels/scalar/.
 */
#ifndef OPSCOPE_KERNELS_SCALAR_QUANT_IMPL_H
#define OPSCOPE_KERNELS_SCALAR_QUANT_IMPL_H

#include <math.h>
#include <stdint.h>

#include "opscope.h"

/* Element i of a quantized integer tensor (u8, i8, u16, i16, i32) as int64; the binder admits no
 * other dtype here. */
static inline int64_t ops_kq_load(const void *p, int dtype, int64_t i) {
  switch (dtype) {
    case OPSCOPE_DTYPE_U8:
      return ((const uint8_t *)p)[i];
    case OPSCOPE_DTYPE_I8:
      return ((const int8_t *)p)[i];
    case OPSCOPE_DTYPE_U16:
      return ((const uint16_t *)p)[i];
    case OPSCOPE_DTYPE_I16:
      return ((const int16_t *)p)[i];
    default: /* OPSCOPE_DTYPE_I32 */
      return ((const int32_t *)p)[i];
  }
}

/* The zero point at element i of an optional zero-point input: 0 when it is omitted. */
static inline int64_t ops_kq_zero_point(const void *p, int dtype, int64_t i) {
  return p == NULL ? 0 : ops_kq_load(p, dtype, i);
}

/* The range [*lo, *hi] of a quantized output dtype (u8, i8, u16, i16). */
static inline void ops_kq_range(int dtype, int64_t *lo, int64_t *hi) {
  switch (dtype) {
    case OPSCOPE_DTYPE_U8:
      *lo = 0, *hi = UINT8_MAX;
      break;
    case OPSCOPE_DTYPE_I8:
      *lo = INT8_MIN, *hi = INT8_MAX;
      break;
    case OPSCOPE_DTYPE_U16:
      *lo = 0, *hi = UINT16_MAX;
      break;
    default: /* OPSCOPE_DTYPE_I16 */
      *lo = INT16_MIN, *hi = INT16_MAX;
      break;
  }
}

/* Writes v, already within the dtype's range, as element i. */
static inline void ops_kq_store(void *p, int dtype, int64_t i, int64_t v) {
  switch (dtype) {
    case OPSCOPE_DTYPE_U8:
      ((uint8_t *)p)[i] = (uint8_t)v;
      break;
    case OPSCOPE_DTYPE_I8:
      ((int8_t *)p)[i] = (int8_t)v;
      break;
    case OPSCOPE_DTYPE_U16:
      ((uint16_t *)p)[i] = (uint16_t)v;
      break;
    default: /* OPSCOPE_DTYPE_I16 */
      ((int16_t *)p)[i] = (int16_t)v;
      break;
  }
}

/* Round half to even, written out rather than left to rint() and the current rounding mode, so
 * the reference does not depend on fenv state. Infinities and NaN pass through. */
static inline double ops_kq_round_even(double v) {
  double f = floor(v);
  double d = v - f; /* exact: below 2^52 the fraction is representable, above it d is 0 */
  if (d > 0.5) return f + 1.0;
  if (d < 0.5) return f;
  return fmod(f, 2.0) == 0.0 ? f : f + 1.0;
}

/* The quantized value of real value v (already divided by its scale): rounded half to even,
 * shifted by the zero point and saturated to [lo, hi]. NaN has no quantized value; it maps to the
 * zero point, the code that dequantizes to 0. */
static inline int64_t ops_kq_quantize(double v, int64_t zero_point, int64_t lo, int64_t hi) {
  if (isnan(v)) return zero_point;
  double q = ops_kq_round_even(v) + (double)zero_point;
  if (q <= (double)lo) return lo;
  if (q >= (double)hi) return hi;
  return (int64_t)q;
}

#endif /* OPSCOPE_KERNELS_SCALAR_QUANT_IMPL_H */
