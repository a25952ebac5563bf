/*
 * Pooling microkernels, AVX-512F: 16 outputs per step. Stride 1 loads a window column
 * directly, stride 2 loads two vectors and keeps the even lanes (one permute), other strides
 * gather. The last, partial step masks its loads and store, so no element past the row's
 * taps is touched. A max is max(v, acc), which keeps acc on equal values (the first, as the
 * scalar kernel does) but drops a NaN v; lanes that met a NaN are recomputed by the scalar
 * variant, so results match it bit for bit (see kernels/pooling.h).
 */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "kernels/pooling.h"

/* The loads of one step: `rem` outputs (1..16) at stride sx. */
struct step {
  __mmask16 m;    /* outputs stored */
  __mmask16 a, b; /* stride 2: the lanes of the two loads that hold taps */
};

static struct step step_masks(size_t rem) {
  struct step s;
  s.m = (__mmask16)((1u << rem) - 1u);
  size_t last = 2 * rem - 1; /* stride 2: elements spanned */
  s.a = (__mmask16)(last >= 16 ? 0xffffu : (1u << last) - 1u);
  s.b = (__mmask16)(last > 16 ? (1u << (last - 16)) - 1u : 0u);
  return s;
}

static inline __m512 load_taps(const float *p, size_t sx, const struct step *s, __m512i even,
                               __m512i gidx) {
  if (sx == 1) return _mm512_maskz_loadu_ps(s->m, p);
  if (sx == 2) {
    __m512 a = _mm512_maskz_loadu_ps(s->a, p), b = _mm512_maskz_loadu_ps(s->b, p + 16);
    return _mm512_permutex2var_ps(a, even, b);
  }
  return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), s->m, gidx, p, 4);
}

static __m512i gather_index(size_t sx) {
  return _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                            _mm512_set1_epi32((int32_t)sx));
}

static __m512i even_index(void) {
  return _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
}

/* Lanes [0, count) of two vectors, count <= 32. */
static void pair_masks(size_t count, __mmask16 *lo, __mmask16 *hi) {
  *lo = (__mmask16)(count >= 16 ? 0xffffu : (1u << count) - 1u);
  *hi = (__mmask16)(count > 16 ? (1u << (count - 16)) - 1u : 0u);
}

/* Stride 2, taps next to each other, windows 2 or 3 wide (squeezenet's and ResNet's 3x3/2,
 * VGG's 2x2/2): each tap row is deinterleaved once into its even and odd elements (and, for a
 * third tap, the even ones shifted by one) and reduced across the row first, then down the
 * rows. Taking each row's first maximum and then the first row whose maximum is the largest
 * picks the tap the row-major scalar loop picks, so signed zeros come out the same; a step
 * whose inputs hold a NaN is redone by the scalar kernel. The generic loop below ran one
 * chain of rows * kw dependent maxima per step and was bound by its latency. */
static void max_pool_s2(size_t n, size_t rows, size_t kw, const float *x, size_t row_step,
                        float *y) {
  const __m512i even = even_index();
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  for (size_t j = 0; j < n; j += 16) {
    const size_t rem = n - j < 16 ? n - j : 16;
    __mmask16 a_lo, a_hi, c_lo, c_hi;
    pair_masks(2 * rem, &a_lo, &a_hi);     /* taps 0 and 1: elements [0, 2 rem) */
    pair_masks(2 * rem - 1, &c_lo, &c_hi); /* tap 2: elements [2, 2 rem + 1) */
    const float *w = x + 2 * j;
    __m512 acc = _mm512_setzero_ps();
    __mmask16 nan = 0;
    for (size_t r = 0; r < rows; r++) {
      const float *row = w + r * row_step;
      const __m512 a = _mm512_maskz_loadu_ps(a_lo, row), b = _mm512_maskz_loadu_ps(a_hi, row + 16);
      nan |= _mm512_cmp_ps_mask(a, b, _CMP_UNORD_Q);
      __m512 m = _mm512_permutex2var_ps(a, even, b);
      m = _mm512_max_ps(_mm512_permutex2var_ps(a, odd, b), m);
      if (kw == 3) {
        const __m512 c = _mm512_maskz_loadu_ps(c_lo, row + 2);
        const __m512 d = _mm512_maskz_loadu_ps(c_hi, row + 18);
        nan |= _mm512_cmp_ps_mask(c, d, _CMP_UNORD_Q);
        m = _mm512_max_ps(_mm512_permutex2var_ps(c, even, d), m);
      }
      acc = r == 0 ? m : _mm512_max_ps(m, acc);
    }
    const __mmask16 store = (__mmask16)((1u << rem) - 1u);
    _mm512_mask_storeu_ps(y + j, store, acc);
    if (nan != 0) ops_f32_max_pool_ukernel__scalar_u1(rem, rows, kw, w, row_step, 2, 1, y + j);
  }
}

void ops_f32_max_pool_ukernel__simd_avx512f_u16(size_t n, size_t rows, size_t kw, const float *x,
                                                size_t row_step, size_t sx, size_t dx, float *y) {
  if (sx == 2 && dx == 1 && (kw == 2 || kw == 3) && rows >= 1) {
    max_pool_s2(n, rows, kw, x, row_step, y);
    return;
  }
  const __m512i even = even_index(), gidx = gather_index(sx);
  for (size_t j = 0; j < n; j += 16) {
    struct step s = step_masks(n - j < 16 ? n - j : 16);
    const float *w = x + j * sx;
    __m512 acc = _mm512_set1_ps(-INFINITY);
    __mmask16 nan = 0;
    for (size_t r = 0; r < rows; r++) {
      const float *row = w + r * row_step;
      for (size_t k = 0; k < kw; k++) {
        __m512 v = load_taps(row + k * dx, sx, &s, even, gidx);
        nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        acc = _mm512_max_ps(v, acc);
      }
    }
    _mm512_mask_storeu_ps(y + j, s.m, acc);
    for (unsigned lanes = nan & s.m; lanes != 0; lanes &= lanes - 1) {
      size_t i = (size_t)__builtin_ctz(lanes);
      ops_f32_max_pool_ukernel__scalar_u1(1, rows, kw, w + i * sx, row_step, sx, dx, y + j + i);
    }
  }
}

void ops_f32_average_pool_ukernel__simd_avx512f_u16(size_t n, size_t rows, size_t kw,
                                                    const float *x, size_t row_step, size_t sx,
                                                    size_t dx, float divisor, float *y) {
  const __m512i even = even_index(), gidx = gather_index(sx);
  const __m512 div = _mm512_set1_ps(divisor);
  for (size_t j = 0; j < n; j += 16) {
    struct step s = step_masks(n - j < 16 ? n - j : 16);
    const float *w = x + j * sx;
    __m512 acc = _mm512_setzero_ps();
    for (size_t r = 0; r < rows; r++) {
      const float *row = w + r * row_step;
      for (size_t k = 0; k < kw; k++)
        acc = _mm512_add_ps(acc, load_taps(row + k * dx, sx, &s, even, gidx));
    }
    _mm512_mask_storeu_ps(y + j, s.m, _mm512_div_ps(acc, div));
  }
}

float ops_f32_global_average_pool_ukernel__simd_avx512f_u64(size_t n, const float *x) {
  __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    s0 = _mm512_add_ps(s0, _mm512_loadu_ps(x + i));
    s1 = _mm512_add_ps(s1, _mm512_loadu_ps(x + i + 16));
    s2 = _mm512_add_ps(s2, _mm512_loadu_ps(x + i + 32));
    s3 = _mm512_add_ps(s3, _mm512_loadu_ps(x + i + 48));
  }
  for (; i < n; i += 16) {
    __mmask16 m = (__mmask16)(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(m, x + i));
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
}

float ops_f32_global_max_pool_ukernel__simd_avx512f_u64(size_t n, const float *x) {
  const __m512 lo = _mm512_set1_ps(-INFINITY);
  __m512 m0 = lo, m1 = lo, m2 = lo, m3 = lo;
  __mmask16 nan = 0;
  size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    __m512 v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + 16);
    __m512 v2 = _mm512_loadu_ps(x + i + 32), v3 = _mm512_loadu_ps(x + i + 48);
    nan |= _mm512_cmp_ps_mask(v0, v1, _CMP_UNORD_Q) | _mm512_cmp_ps_mask(v2, v3, _CMP_UNORD_Q);
    m0 = _mm512_max_ps(v0, m0);
    m1 = _mm512_max_ps(v1, m1);
    m2 = _mm512_max_ps(v2, m2);
    m3 = _mm512_max_ps(v3, m3);
  }
  for (; i < n; i += 16) {
    __mmask16 m = (__mmask16)(n - i >= 16 ? 0xffffu : (1u << (n - i)) - 1u);
    __m512 v = _mm512_mask_loadu_ps(lo, m, x + i);
    nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    m0 = _mm512_max_ps(v, m0);
  }
  float m = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(m0, m1), _mm512_max_ps(m2, m3)));
  /* Which NaN, and which zero's sign, depend on the order the scalar kernel walks in. */
  if (nan != 0 || m == 0.0f) return ops_f32_global_max_pool_ukernel__scalar_u1(n, x);
  return m;
}
