/*
 * Conversions between f32 and the 16-bit float formats, rounding to nearest with ties to even.
 *
 * f16 is IEEE 754 binary16 (1 sign, 5 exponent, 10 mantissa bits); bf16 is the top half of an
 * f32 (1, 8, 7). Both are stored as uint16_t bit patterns so no compiler extension is needed.
 * Widening to f32 is exact. Narrowing handles subnormals, overflow to infinity, and keeps NaN a
 * (quiet) NaN with its sign, so Cast and the output comparison agree with numpy on every input.
 */
#ifndef OPSCOPE_KERNELS_HALF_H
#define OPSCOPE_KERNELS_HALF_H

#include <stdint.h>
#include <string.h>

static inline uint32_t ops_f32_bits(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return u;
}

static inline float ops_f32_from_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* binary16 -> f32, exact. */
static inline float ops_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t mant = h & 0x3FFu;
  if (exp == 0x1Fu) return ops_f32_from_bits(sign | 0x7F800000u | (mant << 13));
  /* Rebias the exponent from 15 to 127. */
  if (exp != 0) return ops_f32_from_bits(sign | ((exp + 112u) << 23) | (mant << 13));
  /* Zero or subnormal: mant units of 2^-24, which an f32 holds exactly. */
  float mag = (float)mant * 0x1p-24f;
  return ops_f32_from_bits(sign | ops_f32_bits(mag));
}

/* f32 -> binary16, round to nearest even; overflow gives infinity, NaN stays a quiet NaN. */
static inline uint16_t ops_f32_to_f16(float f) {
  uint32_t x = ops_f32_bits(f);
  uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  uint32_t abs = x & 0x7FFFFFFFu;
  if (abs > 0x7F800000u) return (uint16_t)(sign | 0x7E00u | ((abs >> 13) & 0x3FFu));
  /* 65520 is halfway between the largest f16 (65504) and 2^16, so it and above round to inf. */
  if (abs >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u);
  if (abs >= 0x38800000u) {
    /* Normal in f16: rebias the exponent (127 -> 15) and round away 13 mantissa bits. A carry
     * out of the mantissa correctly bumps the exponent. */
    uint32_t r = abs - 0x38000000u;
    r = (r + 0x0FFFu + ((r >> 13) & 1u)) >> 13;
    return (uint16_t)(sign | r);
  }
  /* Below 2^-25 (and exactly 2^-25, a tie to the even 0) nothing survives. */
  if (abs < 0x33000000u) return sign;
  /* Subnormal in f16: the value in units of 2^-24 is the 24-bit significand shifted right. */
  uint32_t e = abs >> 23;
  uint32_t m = (abs & 0x7FFFFFu) | 0x800000u;
  uint32_t shift = 126u - e; /* 14..24 here */
  uint32_t r = m >> shift;
  uint32_t rem = m & ((1u << shift) - 1u);
  uint32_t half = 1u << (shift - 1u);
  if (rem > half || (rem == half && (r & 1u))) r++;
  return (uint16_t)(sign | r);
}

/* bfloat16 -> f32, exact. */
static inline float ops_bf16_to_f32(uint16_t h) {
  return ops_f32_from_bits((uint32_t)h << 16);
}

/* f32 -> bfloat16, round to nearest even; NaN stays a quiet NaN. */
static inline uint16_t ops_f32_to_bf16(float f) {
  uint32_t x = ops_f32_bits(f);
  if ((x & 0x7FFFFFFFu) > 0x7F800000u) return (uint16_t)((x >> 16) | 0x0040u);
  x += 0x7FFFu + ((x >> 16) & 1u);
  return (uint16_t)(x >> 16);
}

#endif /* OPSCOPE_KERNELS_HALF_H */
