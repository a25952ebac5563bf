/*
 * AVX-512F vector helpers for kernels/simd/f32-vector-impl.h: 16 floats per vector, masks in
 * opmask registers, tails through masked loads and stores (which never touch memory past n).
 */
#ifndef OPSCOPE_KERNELS_SIMD_AVX512F_VEC_ELEMENTWISE_H
#define OPSCOPE_KERNELS_SIMD_AVX512F_VEC_ELEMENTWISE_H

#include <immintrin.h>
#include <stddef.h>

#define V_LANES 16

typedef __m512 vf;
typedef __mmask16 vm;

static inline __mmask16 tail_mask(size_t n) {
  return (__mmask16)((1u << n) - 1u);
}
static inline vf v_load(const float *p) {
  return _mm512_loadu_ps(p);
}
static inline vf v_load_n(const float *p, size_t n) {
  return _mm512_maskz_loadu_ps(tail_mask(n), p);
}
static inline void v_store(float *p, vf v) {
  _mm512_storeu_ps(p, v);
}
static inline void v_store_n(float *p, vf v, size_t n) {
  _mm512_mask_storeu_ps(p, tail_mask(n), v);
}
static inline vf v_set1(float x) {
  return _mm512_set1_ps(x);
}
static inline vf v_add(vf a, vf b) {
  return _mm512_add_ps(a, b);
}
static inline vf v_sub(vf a, vf b) {
  return _mm512_sub_ps(a, b);
}
static inline vf v_mul(vf a, vf b) {
  return _mm512_mul_ps(a, b);
}
static inline vf v_div(vf a, vf b) {
  return _mm512_div_ps(a, b);
}
/* a * b + c, rounded once. */
static inline vf v_fma(vf a, vf b, vf c) {
  return _mm512_fmadd_ps(a, b, c);
}
/* a > b ? a : b (so b when either is NaN, and b for +0 against -0), as MAXPS. */
static inline vf v_max(vf a, vf b) {
  return _mm512_max_ps(a, b);
}
/* a < b ? a : b, as MINPS. */
static inline vf v_min(vf a, vf b) {
  return _mm512_min_ps(a, b);
}
static inline vf v_sqrt(vf a) {
  return _mm512_sqrt_ps(a);
}
static inline vf v_abs(vf a) {
  return _mm512_castsi512_ps(
      _mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(0x7fffffff)));
}
static inline vf v_neg(vf a) {
  return _mm512_castsi512_ps(
      _mm512_xor_si512(_mm512_castps_si512(a), _mm512_set1_epi32((int)0x80000000u)));
}
/* Copies the sign bit of s onto |a|. */
static inline vf v_copysign(vf a, vf s) {
  __m512i m = _mm512_set1_epi32(0x7fffffff);
  return _mm512_castsi512_ps(
      _mm512_ternarylogic_epi32(m, _mm512_castps_si512(a), _mm512_castps_si512(s), 0xca));
}
static inline vm v_lt(vf a, vf b) {
  return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ);
}
static inline vm v_gt(vf a, vf b) {
  return _mm512_cmp_ps_mask(a, b, _CMP_GT_OQ);
}
static inline vm v_eq(vf a, vf b) {
  return _mm512_cmp_ps_mask(a, b, _CMP_EQ_OQ);
}
static inline vm v_isnan(vf a) {
  return _mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q);
}
static inline vm v_or(vm a, vm b) {
  return (vm)(a | b);
}
/* m ? t : f, lane by lane. */
static inline vf v_select(vm m, vf t, vf f) {
  return _mm512_mask_blend_ps(m, f, t);
}
/* Rounds to the nearest integer, ties to even. */
static inline vf v_round(vf a) {
  return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
/* 2^(n >> 1) and 2^(n - (n >> 1)) for integer-valued n in [-252, 254], each a normal float. */
static inline void v_exp2_split(vf n, vf *s1, vf *s2) {
  __m512i i = _mm512_cvtps_epi32(n);
  __m512i h = _mm512_srai_epi32(i, 1);
  __m512i bias = _mm512_set1_epi32(127);
  *s1 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(h, bias), 23));
  *s2 = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_sub_epi32(i, h), bias), 23));
}
static inline float v_hsum(vf a) {
  return _mm512_reduce_add_ps(a);
}
static inline float v_hmax(vf a) {
  return _mm512_reduce_max_ps(a);
}

#endif /* OPSCOPE_KERNELS_SIMD_AVX512F_VEC_ELEMENTWISE_H */
