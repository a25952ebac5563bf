/*
 * Cast between f32, f64, f16, bf16, i8, u8, i16, u16, i32, u32, i64, u64 and bool, any pair,
 * with the source and target dtypes taken from the call.
 *
 * Each element is read into the widest form that holds it exactly (double for floats, int64 or
 * uint64 for integers and bool) and written from there:
 *   - to a float type: rounded to nearest even, once. f16 and bf16 are reached through an f32
 *     rounded to odd, which makes the second rounding exact (an f32 has more than two bits
 *     beyond either format), so no value is rounded twice the wrong way.
 *   - float to integer: truncated toward zero, as C does. C leaves NaN and out-of-range values
 *     undefined; here NaN becomes 0 and values beyond the target's range (infinities included)
 *     saturate to its minimum or maximum. ONNX leaves these cases undefined too.
 *   - integer to integer: the low bits are kept (two's complement wrap), as numpy's astype.
 *   - to bool: 1 for any non-zero value, NaN included (numpy's bool(nan) is True), else 0.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernels/half.h"
#include "kernels/scalar/scalar-impl.h"
#include "kernels/scalar/scalar.h"

enum wide_kind { WIDE_FLOAT, WIDE_SIGNED, WIDE_UNSIGNED };

/* One source element, exactly. */
struct wide {
  enum wide_kind kind;
  double f;   /* WIDE_FLOAT */
  int64_t i;  /* WIDE_SIGNED */
  uint64_t u; /* WIDE_UNSIGNED (bool is 0 or 1) */
};

static struct wide load(const unsigned char *p, int dtype) {
  struct wide w = {.kind = WIDE_FLOAT};
  switch (dtype) {
    case OPSCOPE_DTYPE_F32: {
      float v;
      memcpy(&v, p, sizeof v);
      w.f = v;
      break;
    }
    case OPSCOPE_DTYPE_F64:
      memcpy(&w.f, p, sizeof w.f);
      break;
    case OPSCOPE_DTYPE_F16:
    case OPSCOPE_DTYPE_BF16: {
      uint16_t h;
      memcpy(&h, p, sizeof h);
      w.f = dtype == OPSCOPE_DTYPE_F16 ? ops_f16_to_f32(h) : ops_bf16_to_f32(h);
      break;
    }
    case OPSCOPE_DTYPE_I8: {
      int8_t v;
      memcpy(&v, p, sizeof v);
      w.kind = WIDE_SIGNED;
      w.i = v;
      break;
    }
    case OPSCOPE_DTYPE_I16: {
      int16_t v;
      memcpy(&v, p, sizeof v);
      w.kind = WIDE_SIGNED;
      w.i = v;
      break;
    }
    case OPSCOPE_DTYPE_I32: {
      int32_t v;
      memcpy(&v, p, sizeof v);
      w.kind = WIDE_SIGNED;
      w.i = v;
      break;
    }
    case OPSCOPE_DTYPE_I64:
      memcpy(&w.i, p, sizeof w.i);
      w.kind = WIDE_SIGNED;
      break;
    case OPSCOPE_DTYPE_U8:
      w.kind = WIDE_UNSIGNED;
      w.u = p[0];
      break;
    case OPSCOPE_DTYPE_BOOL:
      w.kind = WIDE_UNSIGNED;
      w.u = p[0] != 0;
      break;
    case OPSCOPE_DTYPE_U16: {
      uint16_t v;
      memcpy(&v, p, sizeof v);
      w.kind = WIDE_UNSIGNED;
      w.u = v;
      break;
    }
    case OPSCOPE_DTYPE_U32: {
      uint32_t v;
      memcpy(&v, p, sizeof v);
      w.kind = WIDE_UNSIGNED;
      w.u = v;
      break;
    }
    default: /* OPSCOPE_DTYPE_U64, as bound */
      memcpy(&w.u, p, sizeof w.u);
      w.kind = WIDE_UNSIGNED;
      break;
  }
  return w;
}

/* d rounded toward zero to f32, with the last mantissa bit set when that was inexact ("round
 * to odd"); the sticky bit keeps the information a later rounding to fewer bits needs. */
static float f64_to_f32_odd(double d) {
  if (isnan(d)) return (float)d;
  float f = (float)d;
  if ((double)f == d) return f;
  /* Rounded away from zero (up to infinity, for a d beyond the largest f32): step back. That
   * leaves FLT_MAX, already odd, for every finite d past it, which still rounds on to infinity
   * in the 16-bit formats. */
  if (fabs((double)f) > fabs(d)) f = nextafterf(f, 0.0f);
  return ops_f32_from_bits(ops_f32_bits(f) | 1u);
}

/* An integer magnitude rounded to odd at f32's 24 bits. */
static float u64_to_f32_odd(uint64_t m) {
  int shift = 0;
  uint64_t top = m;
  while (top >= (UINT64_C(1) << 24)) {
    top >>= 1;
    shift++;
  }
  if (shift > 0 && (m & ((UINT64_C(1) << shift) - 1)) != 0) top |= 1;
  return ldexpf((float)top, shift);
}

/* The value as an f32 rounded to odd, for the 16-bit float targets. */
static float to_f32_odd(struct wide w) {
  switch (w.kind) {
    case WIDE_FLOAT:
      return f64_to_f32_odd(w.f);
    case WIDE_SIGNED: {
      /* The magnitude of INT64_MIN is 2^63, which a uint64 holds. */
      uint64_t mag = w.i < 0 ? 0u - (uint64_t)w.i : (uint64_t)w.i;
      float f = u64_to_f32_odd(mag);
      return w.i < 0 ? -f : f;
    }
    default:
      return u64_to_f32_odd(w.u);
  }
}

/* The target range of an integer dtype. */
static void int_range(int dtype, int64_t *lo, uint64_t *hi) {
  switch (dtype) {
    case OPSCOPE_DTYPE_I8:
      *lo = INT8_MIN, *hi = INT8_MAX;
      break;
    case OPSCOPE_DTYPE_I16:
      *lo = INT16_MIN, *hi = INT16_MAX;
      break;
    case OPSCOPE_DTYPE_I32:
      *lo = INT32_MIN, *hi = INT32_MAX;
      break;
    case OPSCOPE_DTYPE_I64:
      *lo = INT64_MIN, *hi = INT64_MAX;
      break;
    case OPSCOPE_DTYPE_U8:
      *lo = 0, *hi = UINT8_MAX;
      break;
    case OPSCOPE_DTYPE_U16:
      *lo = 0, *hi = UINT16_MAX;
      break;
    case OPSCOPE_DTYPE_U32:
      *lo = 0, *hi = UINT32_MAX;
      break;
    default: /* OPSCOPE_DTYPE_U64 */
      *lo = 0, *hi = UINT64_MAX;
      break;
  }
}

/* Two's complement bits of a float truncated toward zero and saturated to the target range. */
static uint64_t float_to_int_bits(double f, int dtype) {
  int64_t lo;
  uint64_t hi;
  int_range(dtype, &lo, &hi);
  if (isnan(f)) return 0;
  double t = trunc(f);
  if (t < 0) {
    /* -2^63 is exact in double, and every smaller lo is exact too. */
    if (t <= (double)lo) return (uint64_t)lo;
    return (uint64_t)(int64_t)t;
  }
  /* The first integer past the range, exact in double ((double)hi itself rounds for 64-bit
   * targets). */
  double limit = hi == UINT64_MAX ? 0x1p64 : hi == INT64_MAX ? 0x1p63 : (double)hi + 1.0;
  if (t >= limit) return hi;
  return (uint64_t)t;
}

static void store_bits(unsigned char *p, size_t size, uint64_t bits) {
  switch (size) {
    case 1: {
      uint8_t v = (uint8_t)bits;
      memcpy(p, &v, 1);
      break;
    }
    case 2: {
      uint16_t v = (uint16_t)bits;
      memcpy(p, &v, 2);
      break;
    }
    case 4: {
      uint32_t v = (uint32_t)bits;
      memcpy(p, &v, 4);
      break;
    }
    default:
      memcpy(p, &bits, 8);
      break;
  }
}

static void store(unsigned char *p, int dtype, struct wide w) {
  switch (dtype) {
    case OPSCOPE_DTYPE_F64: {
      double v = w.kind == WIDE_FLOAT ? w.f : w.kind == WIDE_SIGNED ? (double)w.i : (double)w.u;
      memcpy(p, &v, sizeof v);
      return;
    }
    case OPSCOPE_DTYPE_F32: {
      /* IEEE narrowing (C Annex F): rounded once, and beyond the largest f32 it is infinite. */
      float v = w.kind == WIDE_FLOAT ? (float)w.f : w.kind == WIDE_SIGNED ? (float)w.i : (float)w.u;
      memcpy(p, &v, sizeof v);
      return;
    }
    case OPSCOPE_DTYPE_F16:
    case OPSCOPE_DTYPE_BF16: {
      float f = to_f32_odd(w);
      uint16_t h = dtype == OPSCOPE_DTYPE_F16 ? ops_f32_to_f16(f) : ops_f32_to_bf16(f);
      memcpy(p, &h, sizeof h);
      return;
    }
    case OPSCOPE_DTYPE_BOOL:
      p[0] = w.kind == WIDE_FLOAT ? w.f != 0.0 : w.kind == WIDE_SIGNED ? w.i != 0 : w.u != 0;
      return;
    default: {
      uint64_t bits = w.kind == WIDE_FLOAT    ? float_to_int_bits(w.f, dtype)
                      : w.kind == WIDE_SIGNED ? (uint64_t)w.i
                                              : w.u;
      store_bits(p, ops_kdtype_size(dtype), bits);
      return;
    }
  }
}

enum ops_kresult ops_any_cast_kernel__scalar(const struct ops_kcall *call) {
  int from = call->in_dtype[0], to = call->out_dtype[0];
  const unsigned char *x = call->in[0];
  unsigned char *y = call->out[0];
  size_t in_size = ops_kdtype_size(from), out_size = ops_kdtype_size(to);
  int64_t n = ops_kdims_numel(&call->out_dims[0]);
  if (from == to) {
    if (n != 0 && x != y) memmove(y, x, (size_t)n * in_size);
    return OPS_KRESULT_OK;
  }
  for (int64_t i = 0; i < n; i++)
    store(y + (size_t)i * out_size, to, load(x + (size_t)i * in_size, from));
  return OPS_KRESULT_OK;
}
