/* Depthwise convolution, AVX2 + FMA: 8 output columns per step, one FMA per tap. Stride 1
 * loads the columns directly, other strides gather. The tail step goes through a small
 * buffer (AVX2 has no masked store of floats that is cheap on every CPU). */
#include <immintrin.h>

#include "kernels/dwconv.h"

void ops_f32_dwconv_minmax_ukernel__simd_avx2_u8(const float *xp, size_t xp_stride, const float *w,
                                                 float bias, float *y, size_t oh, size_t ow,
                                                 const struct ops_dwconv_geom *g,
                                                 const struct ops_f32_minmax_params *clamp) {
  const __m256 vmin = _mm256_set1_ps(clamp->min), vmax = _mm256_set1_ps(clamp->max);
  const __m256i gather =
      _mm256_mullo_epi32(_mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0), _mm256_set1_epi32((int)g->sx));
  for (size_t oy = 0; oy < oh; oy++) {
    for (size_t ox = 0; ox < ow; ox += 8) {
      size_t n = ow - ox < 8 ? ow - ox : 8;
      __m256 acc = _mm256_set1_ps(bias);
      for (size_t ky = 0; ky < g->kh; ky++) {
        const float *row = xp + (oy * g->sy + ky * g->dy) * xp_stride + ox * g->sx;
        const float *wk = w + ky * g->kw;
        for (size_t kx = 0; kx < g->kw; kx++) {
          const float *p = row + kx * g->dx;
          __m256 x = g->sx == 1 ? _mm256_loadu_ps(p) : _mm256_i32gather_ps(p, gather, 4);
          acc = _mm256_fmadd_ps(_mm256_set1_ps(wk[kx]), x, acc);
        }
      }
      acc = _mm256_min_ps(_mm256_max_ps(acc, vmin), vmax);
      float *out = y + oy * ow + ox;
      if (n == 8) {
        _mm256_storeu_ps(out, acc);
      } else {
        float tmp[8];
        _mm256_storeu_ps(tmp, acc);
        for (size_t i = 0; i < n; i++)
          out[i] = tmp[i];
      }
    }
  }
}

/* Lanes [lo, hi) of 8, as a vmaskmov mask (sign bit set where the lane is read). */
static inline __m256i lanes8(ptrdiff_t lo, ptrdiff_t hi) {
  const __m256i iota = _mm256_set_epi32(7, 6, 5, 4, 3, 2, 1, 0);
  __m256i ge_lo = _mm256_cmpgt_epi32(iota, _mm256_set1_epi32((int)lo - 1));
  __m256i lt_hi = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)hi), iota);
  return _mm256_and_si256(ge_lo, lt_hi);
}

/* The input columns under one tap column of a step: stride 1 loads 8, stride 2 loads 16 and
 * keeps the even ones (a shuffle within lanes, then a permute across them). Masked-off lanes
 * are not read, so p may point left of the row. */
static inline __attribute__((always_inline)) __m256 taps8(const float *p, ptrdiff_t s, __m256i a,
                                                          __m256i b) {
  if (s == 1) return _mm256_maskload_ps(p, a);
  __m256 lo = _mm256_maskload_ps(p, a), hi = _mm256_maskload_ps(p + 8, b);
  /* [l0 l2 h0 h2 | l4 l6 h4 h6] -> [l0 l2 l4 l6 h0 h2 h4 h6] */
  __m256 even = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), _MM_SHUFFLE(3, 1, 2, 0)));
}

/* R output rows from oy of one 8-column step (see the AVX-512 kernel: R FMA chains, each input
 * row loaded once for the output rows it feeds). */
static inline __attribute__((always_inline)) void rows_step8(
    size_t R, ptrdiff_t s, const float *x, const struct ops_dwconv3x3_geom *g, size_t oy,
    const ptrdiff_t base[3], const __m256i ma[3], const __m256i mb[3], const __m256 k[9],
    __m256 bias, __m256 vmin, __m256 vmax, float *y, size_t n) {
  __m256 acc[4];
  for (size_t i = 0; i < R; i++)
    acc[i] = bias;
  const ptrdiff_t ih = (ptrdiff_t)g->ih, iw = (ptrdiff_t)g->iw;
  const ptrdiff_t iy0 = (ptrdiff_t)oy * s - (ptrdiff_t)g->pt;
  const ptrdiff_t span = ((ptrdiff_t)R - 1) * s + 3;
  for (ptrdiff_t r = 0; r < span; r++) {
    const ptrdiff_t iy = iy0 + r;
    if (iy < 0 || iy >= ih) continue;
    const float *row = x + iy * iw;
    const __m256 v0 = taps8(row + base[0], s, ma[0], mb[0]);
    const __m256 v1 = taps8(row + base[1], s, ma[1], mb[1]);
    const __m256 v2 = taps8(row + base[2], s, ma[2], mb[2]);
    for (size_t i = 0; i < R; i++) {
      const ptrdiff_t ky = r - (ptrdiff_t)i * s;
      if (ky < 0 || ky > 2) continue;
      acc[i] = _mm256_fmadd_ps(k[ky * 3 + 0], v0, acc[i]);
      acc[i] = _mm256_fmadd_ps(k[ky * 3 + 1], v1, acc[i]);
      acc[i] = _mm256_fmadd_ps(k[ky * 3 + 2], v2, acc[i]);
    }
  }
  const __m256i out = lanes8(0, (ptrdiff_t)n);
  for (size_t i = 0; i < R; i++) {
    __m256 v = _mm256_min_ps(_mm256_max_ps(acc[i], vmin), vmax);
    float *dst = y + (oy + i) * g->ow;
    if (n == 8)
      _mm256_storeu_ps(dst, v);
    else
      _mm256_maskstore_ps(dst, out, v);
  }
}

static inline __attribute__((always_inline)) void plane_3x3_avx2(
    ptrdiff_t s, const float *x, const struct ops_dwconv3x3_geom *g, const float *w, float bias,
    float *y, const struct ops_f32_minmax_params *c) {
  const __m256 vmin = _mm256_set1_ps(c->min), vmax = _mm256_set1_ps(c->max);
  const __m256 vb = _mm256_set1_ps(bias);
  __m256 k[9];
  for (int i = 0; i < 9; i++)
    k[i] = _mm256_set1_ps(w[i]);
  const ptrdiff_t iw = (ptrdiff_t)g->iw, pl = (ptrdiff_t)g->pl;
  for (size_t ox = 0; ox < g->ow; ox += 8) {
    const ptrdiff_t n = g->ow - ox < 8 ? (ptrdiff_t)(g->ow - ox) : 8;
    /* Lane j of stride 1, element j of the two vectors of stride 2, is input column
     * base + j; the masks keep the columns inside the plane that hold taps. */
    __m256i ma[3], mb[3];
    ptrdiff_t base[3];
    for (int kx = 0; kx < 3; kx++) {
      base[kx] = (ptrdiff_t)ox * s - pl + kx;
      const ptrdiff_t used = s == 1 ? n : 2 * n - 1;
      const ptrdiff_t lo = base[kx] < 0 ? -base[kx] : 0;
      const ptrdiff_t hi = iw - base[kx] < used ? iw - base[kx] : used;
      ma[kx] = lanes8(lo, hi);
      mb[kx] = lanes8(lo - 8, hi - 8);
    }
    float *yx = y + ox;
    size_t oy = 0;
    for (; oy + 4 <= g->oh; oy += 4)
      rows_step8(4, s, x, g, oy, base, ma, mb, k, vb, vmin, vmax, yx, (size_t)n);
    if (oy + 2 <= g->oh) {
      rows_step8(2, s, x, g, oy, base, ma, mb, k, vb, vmin, vmax, yx, (size_t)n);
      oy += 2;
    }
    if (oy < g->oh) rows_step8(1, s, x, g, oy, base, ma, mb, k, vb, vmin, vmax, yx, (size_t)n);
  }
}

/* 3x3 from the unpadded plane, AVX2 (kernels/dwconv.h, the 3x3 family): the AVX-512 kernel's
 * scheme with 8 outputs per step and vmaskmov for the edges. */
void ops_f32_dwconv3x3_minmax_ukernel__simd_avx2_u8(const float *x,
                                                    const struct ops_dwconv3x3_geom *g,
                                                    const float *w, float bias, float *y,
                                                    const struct ops_f32_minmax_params *clamp) {
  if (g->stride == 1)
    plane_3x3_avx2(1, x, g, w, bias, y, clamp);
  else
    plane_3x3_avx2(2, x, g, w, bias, y, clamp);
}
