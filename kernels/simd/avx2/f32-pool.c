/*
 * Pooling microkernels, AVX2: 8 outputs per step. MaxPool with stride 2 and windows 2 or 3
 * wide reduces each tap row first (max_pool_s2). Otherwise stride 1 loads a window column directly,
 * stride 2 loads two vectors and keeps the even lanes (a shuffle and a lane permute), other
 * strides gather. The last, partial step masks its loads and store (vmaskmov), so no element
 * past the row's taps is touched. A max is max(v, acc), which keeps acc on equal values (the
 * first, as the scalar kernel does) but drops a NaN v; lanes that met a NaN are recomputed by
 * the scalar variant, so results match it bit for bit (see kernels/pooling.h).
 */
#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "kernels/pooling.h"

/* loadu(ones + 8 - k) has its first k lanes set. */
static const int32_t ones[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

static __m256i first_lanes(size_t k) {
  return _mm256_loadu_si256((const __m256i *)(ones + 8 - (k > 8 ? 8 : k)));
}

struct step {
  __m256i m;    /* outputs stored */
  __m256i a, b; /* stride 2: the lanes of the two loads that hold taps */
};

static struct step step_masks(size_t rem) {
  struct step s;
  size_t last = 2 * rem - 1;
  s.m = first_lanes(rem);
  s.a = first_lanes(last);
  s.b = first_lanes(last > 8 ? last - 8 : 0);
  return s;
}

static inline __m256 load_taps(const float *p, size_t sx, const struct step *s, __m256i gidx) {
  if (sx == 1) return _mm256_maskload_ps(p, s->m);
  if (sx == 2) {
    __m256 a = _mm256_maskload_ps(p, s->a), b = _mm256_maskload_ps(p + 8, s->b);
    __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); /* a0 a2 b0 b2 a4 a6 b4 b6 */
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
  }
  return _mm256_mask_i32gather_ps(_mm256_setzero_ps(), p, gidx, _mm256_castsi256_ps(s->m), 4);
}

static __m256i gather_index(size_t sx) {
  return _mm256_mullo_epi32(_mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0),
                            _mm256_set1_epi32((int32_t)sx));
}

/* Even (sel 2, 0) or odd (sel 3, 1) elements of a then b: x0 x2 x4 x6 of a, then of b. */
static inline __m256 deinterleave(__m256 a, __m256 b, int odd) {
  const __m256 e = odd ? _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1))
                       : _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0)));
}

/* Stride 2, taps next to each other, windows 2 or 3 wide: each tap row deinterleaved once and
 * reduced across the row first, then down the rows, as the AVX-512 variant does (see there
 * why that keeps the scalar kernel's choice among equal values); a step with a NaN among its
 * inputs is redone by the scalar kernel. */
static void max_pool_s2(size_t n, size_t rows, size_t kw, const float *x, size_t row_step,
                        float *y) {
  for (size_t j = 0; j < n; j += 8) {
    const size_t rem = n - j < 8 ? n - j : 8, ab = 2 * rem, cd = 2 * rem - 1;
    const __m256i ma = first_lanes(ab), mb = first_lanes(ab > 8 ? ab - 8 : 0);
    const __m256i mc = first_lanes(cd), md = first_lanes(cd > 8 ? cd - 8 : 0);
    const float *w = x + 2 * j;
    __m256 acc = _mm256_setzero_ps(), nan = _mm256_setzero_ps();
    for (size_t r = 0; r < rows; r++) {
      const float *row = w + r * row_step;
      const __m256 a = _mm256_maskload_ps(row, ma), b = _mm256_maskload_ps(row + 8, mb);
      nan = _mm256_or_ps(nan, _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
      __m256 m = deinterleave(a, b, 0);
      m = _mm256_max_ps(deinterleave(a, b, 1), m);
      if (kw == 3) {
        const __m256 c = _mm256_maskload_ps(row + 2, mc), d = _mm256_maskload_ps(row + 10, md);
        nan = _mm256_or_ps(nan, _mm256_cmp_ps(c, d, _CMP_UNORD_Q));
        m = _mm256_max_ps(deinterleave(c, d, 0), m);
      }
      acc = r == 0 ? m : _mm256_max_ps(m, acc);
    }
    _mm256_maskstore_ps(y + j, first_lanes(rem), acc);
    if (_mm256_movemask_ps(nan) != 0)
      ops_f32_max_pool_ukernel__scalar_u1(rem, rows, kw, w, row_step, 2, 1, y + j);
  }
}

void ops_f32_max_pool_ukernel__simd_avx2_u8(size_t n, size_t rows, size_t kw, const float *x,
                                            size_t row_step, size_t sx, size_t dx, float *y) {
  if (sx == 2 && dx == 1 && (kw == 2 || kw == 3) && rows >= 1) {
    max_pool_s2(n, rows, kw, x, row_step, y);
    return;
  }
  const __m256i gidx = gather_index(sx);
  for (size_t j = 0; j < n; j += 8) {
    struct step s = step_masks(n - j < 8 ? n - j : 8);
    const float *w = x + j * sx;
    __m256 acc = _mm256_set1_ps(-INFINITY), nan = _mm256_setzero_ps();
    for (size_t r = 0; r < rows; r++) {
      const float *row = w + r * row_step;
      for (size_t k = 0; k < kw; k++) {
        __m256 v = load_taps(row + k * dx, sx, &s, gidx);
        nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        acc = _mm256_max_ps(v, acc);
      }
    }
    _mm256_maskstore_ps(y + j, s.m, acc);
    unsigned lanes = (unsigned)_mm256_movemask_ps(_mm256_and_ps(nan, _mm256_castsi256_ps(s.m)));
    for (; lanes != 0; lanes &= lanes - 1) {
      size_t i = (size_t)__builtin_ctz(lanes);
      ops_f32_max_pool_ukernel__scalar_u1(1, rows, kw, w + i * sx, row_step, sx, dx, y + j + i);
    }
  }
}

void ops_f32_average_pool_ukernel__simd_avx2_u8(size_t n, size_t rows, size_t kw, const float *x,
                                                size_t row_step, size_t sx, size_t dx,
                                                float divisor, float *y) {
  const __m256i gidx = gather_index(sx);
  const __m256 div = _mm256_set1_ps(divisor);
  for (size_t j = 0; j < n; j += 8) {
    struct step s = step_masks(n - j < 8 ? n - j : 8);
    const float *w = x + j * sx;
    __m256 acc = _mm256_setzero_ps();
    for (size_t r = 0; r < rows; r++) {
      const float *row = w + r * row_step;
      for (size_t k = 0; k < kw; k++)
        acc = _mm256_add_ps(acc, load_taps(row + k * dx, sx, &s, gidx));
    }
    _mm256_maskstore_ps(y + j, s.m, _mm256_div_ps(acc, div));
  }
}

static float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

static float hmax(__m256 v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

float ops_f32_global_average_pool_ukernel__simd_avx2_u32(size_t n, const float *x) {
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    s0 = _mm256_add_ps(s0, _mm256_loadu_ps(x + i));
    s1 = _mm256_add_ps(s1, _mm256_loadu_ps(x + i + 8));
    s2 = _mm256_add_ps(s2, _mm256_loadu_ps(x + i + 16));
    s3 = _mm256_add_ps(s3, _mm256_loadu_ps(x + i + 24));
  }
  for (; i < n; i += 8)
    s0 = _mm256_add_ps(s0, _mm256_maskload_ps(x + i, first_lanes(n - i)));
  return hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
}

float ops_f32_global_max_pool_ukernel__simd_avx2_u32(size_t n, const float *x) {
  const __m256 lo = _mm256_set1_ps(-INFINITY);
  __m256 m0 = lo, m1 = lo, m2 = lo, m3 = lo, nan = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + 8);
    __m256 v2 = _mm256_loadu_ps(x + i + 16), v3 = _mm256_loadu_ps(x + i + 24);
    nan = _mm256_or_ps(nan, _mm256_or_ps(_mm256_cmp_ps(v0, v1, _CMP_UNORD_Q),
                                         _mm256_cmp_ps(v2, v3, _CMP_UNORD_Q)));
    m0 = _mm256_max_ps(v0, m0);
    m1 = _mm256_max_ps(v1, m1);
    m2 = _mm256_max_ps(v2, m2);
    m3 = _mm256_max_ps(v3, m3);
  }
  for (; i < n; i += 8) {
    __m256i m = first_lanes(n - i);
    /* Lanes past n read as -inf, max's identity. */
    __m256 v = _mm256_blendv_ps(lo, _mm256_maskload_ps(x + i, m), _mm256_castsi256_ps(m));
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    m0 = _mm256_max_ps(v, m0);
  }
  float m = hmax(_mm256_max_ps(_mm256_max_ps(m0, m1), _mm256_max_ps(m2, m3)));
  /* Which NaN, and which zero's sign, depend on the order the scalar kernel walks in. */
  if (_mm256_movemask_ps(nan) != 0 || m == 0.0f) {
    return ops_f32_global_max_pool_ukernel__scalar_u1(n, x);
  }
  return m;
}
