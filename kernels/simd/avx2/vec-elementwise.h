/*
 * AVX2 + FMA vector helpers for kernels/simd/f32-vector-impl.h: 8 floats per vector, masks as
 * all-ones lanes, tails through VMASKMOVPS (which never faults on the masked-off lanes).
 */
#ifndef OPSCOPE_KERNELS_SIMD_AVX2_VEC_ELEMENTWISE_H
#define OPSCOPE_KERNELS_SIMD_AVX2_VEC_ELEMENTWISE_H

#include <immintrin.h>
#include <stddef.h>

#define V_LANES 8

typedef __m256 vf;
typedef __m256 vm;

/* Lanes [0, n) all ones, the rest zero, for n < 8. */
static inline __m256i tail_mask(size_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)n), _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0));
}
static inline vf v_load(const float *p) {
  return _mm256_loadu_ps(p);
}
static inline vf v_load_n(const float *p, size_t n) {
  return _mm256_maskload_ps(p, tail_mask(n));
}
static inline void v_store(float *p, vf v) {
  _mm256_storeu_ps(p, v);
}
static inline void v_store_n(float *p, vf v, size_t n) {
  _mm256_maskstore_ps(p, tail_mask(n), v);
}
static inline vf v_set1(float x) {
  return _mm256_set1_ps(x);
}
static inline vf v_add(vf a, vf b) {
  return _mm256_add_ps(a, b);
}
static inline vf v_sub(vf a, vf b) {
  return _mm256_sub_ps(a, b);
}
static inline vf v_mul(vf a, vf b) {
  return _mm256_mul_ps(a, b);
}
static inline vf v_div(vf a, vf b) {
  return _mm256_div_ps(a, b);
}
/* a * b + c, rounded once. */
static inline vf v_fma(vf a, vf b, vf c) {
  return _mm256_fmadd_ps(a, b, c);
}
/* a > b ? a : b (so b when either is NaN, and b for +0 against -0), as MAXPS. */
static inline vf v_max(vf a, vf b) {
  return _mm256_max_ps(a, b);
}
/* a < b ? a : b, as MINPS. */
static inline vf v_min(vf a, vf b) {
  return _mm256_min_ps(a, b);
}
static inline vf v_sqrt(vf a) {
  return _mm256_sqrt_ps(a);
}
static inline vf v_abs(vf a) {
  return _mm256_and_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff)));
}
static inline vf v_neg(vf a) {
  return _mm256_xor_ps(a, _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u)));
}
/* Copies the sign bit of s onto |a|. */
static inline vf v_copysign(vf a, vf s) {
  vf sign = _mm256_castsi256_ps(_mm256_set1_epi32((int)0x80000000u));
  return _mm256_or_ps(_mm256_andnot_ps(sign, a), _mm256_and_ps(sign, s));
}
static inline vm v_lt(vf a, vf b) {
  return _mm256_cmp_ps(a, b, _CMP_LT_OQ);
}
static inline vm v_gt(vf a, vf b) {
  return _mm256_cmp_ps(a, b, _CMP_GT_OQ);
}
static inline vm v_eq(vf a, vf b) {
  return _mm256_cmp_ps(a, b, _CMP_EQ_OQ);
}
static inline vm v_isnan(vf a) {
  return _mm256_cmp_ps(a, a, _CMP_UNORD_Q);
}
static inline vm v_or(vm a, vm b) {
  return _mm256_or_ps(a, b);
}
/* m ? t : f, lane by lane. */
static inline vf v_select(vm m, vf t, vf f) {
  return _mm256_blendv_ps(f, t, m);
}
/* Rounds to the nearest integer, ties to even. */
static inline vf v_round(vf a) {
  return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}
/* 2^(n >> 1) and 2^(n - (n >> 1)) for integer-valued n in [-252, 254], each a normal float. */
static inline void v_exp2_split(vf n, vf *s1, vf *s2) {
  __m256i i = _mm256_cvtps_epi32(n);
  __m256i h = _mm256_srai_epi32(i, 1);
  __m256i bias = _mm256_set1_epi32(127);
  *s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(h, bias), 23));
  *s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_sub_epi32(i, h), bias), 23));
}
static inline float v_hsum(vf a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
static inline float v_hmax(vf a) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

#endif /* OPSCOPE_KERNELS_SIMD_AVX2_VEC_ELEMENTWISE_H */
