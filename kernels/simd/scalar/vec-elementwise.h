/*
 * Portable "vector" helpers for kernels/simd/f32-vector-impl.h: one float per vector, written
 * to give exactly what the x86 instructions give lane by lane (MAXPS's operand order, one
 * rounding for fma, round-half-even), so the scalar variant is bit-identical to the SIMD ones.
 */
#ifndef OPSCOPE_KERNELS_SIMD_SCALAR_VEC_ELEMENTWISE_H
#define OPSCOPE_KERNELS_SIMD_SCALAR_VEC_ELEMENTWISE_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define V_LANES 1

typedef float vf;
typedef bool vm;

static inline vf v_load(const float *p) {
  return *p;
}
static inline vf v_load_n(const float *p, size_t n) {
  return n > 0 ? *p : 0.0f;
}
static inline void v_store(float *p, vf v) {
  *p = v;
}
static inline void v_store_n(float *p, vf v, size_t n) {
  if (n > 0) *p = v;
}
static inline vf v_set1(float x) {
  return x;
}
static inline vf v_add(vf a, vf b) {
  return a + b;
}
static inline vf v_sub(vf a, vf b) {
  return a - b;
}
static inline vf v_mul(vf a, vf b) {
  return a * b;
}
static inline vf v_div(vf a, vf b) {
  return a / b;
}
/* a * b + c, rounded once (libm's fmaf: exact even without FMA hardware). */
static inline vf v_fma(vf a, vf b, vf c) {
  return fmaf(a, b, c);
}
static inline vf v_max(vf a, vf b) {
  return a > b ? a : b;
}
static inline vf v_min(vf a, vf b) {
  return a < b ? a : b;
}
/* sqrtf is correctly rounded (IEEE 754), as SQRTPS. */
static inline vf v_sqrt(vf a) {
  return sqrtf(a);
}
static inline vf v_abs(vf a) {
  return fabsf(a);
}
static inline vf v_neg(vf a) {
  return -a;
}
static inline vf v_copysign(vf a, vf s) {
  return copysignf(a, s);
}
static inline vm v_lt(vf a, vf b) {
  return a < b;
}
static inline vm v_gt(vf a, vf b) {
  return a > b;
}
static inline vm v_eq(vf a, vf b) {
  return a == b;
}
static inline vm v_isnan(vf a) {
  return a != a;
}
static inline vm v_or(vm a, vm b) {
  return a || b;
}
static inline vf v_select(vm m, vf t, vf f) {
  return m ? t : f;
}
/* Ties to even, the default rounding mode's rule (rintf), as ROUNDPS with nearest. */
static inline vf v_round(vf a) {
  return rintf(a);
}
static inline vf pow2i(int32_t e) {
  uint32_t bits = (uint32_t)(e + 127) << 23;
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}
/* 2^(n >> 1) and 2^(n - (n >> 1)) for integer-valued n in [-252, 254], each a normal float. */
static inline void v_exp2_split(vf n, vf *s1, vf *s2) {
  int32_t i = (int32_t)n;
  /* Floor division by 2, as the arithmetic shift of the SIMD variants. */
  int32_t h = i >= 0 ? i / 2 : -((1 - i) / 2);
  *s1 = pow2i(h);
  *s2 = pow2i(i - h);
}
static inline float v_hsum(vf a) {
  return a;
}
static inline float v_hmax(vf a) {
  return a;
}

#endif /* OPSCOPE_KERNELS_SIMD_SCALAR_VEC_ELEMENTWISE_H */
