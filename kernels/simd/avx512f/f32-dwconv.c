/* Depthwise convolution, AVX-512: 16 output columns per step, one FMA per tap. Stride 1 loads
 * the columns directly, stride 2 loads two vectors and keeps the even lanes, other strides
 * gather. The tail step stores under a mask. */
#include <immintrin.h>

#include "kernels/dwconv.h"

void ops_f32_dwconv_minmax_ukernel__simd_avx512f_u16(const float *xp, size_t xp_stride,
                                                     const float *w, float bias, float *y,
                                                     size_t oh, size_t ow,
                                                     const struct ops_dwconv_geom *g,
                                                     const struct ops_f32_minmax_params *clamp) {
  const __m512 vmin = _mm512_set1_ps(clamp->min), vmax = _mm512_set1_ps(clamp->max);
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512i gather =
      _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                         _mm512_set1_epi32((int)g->sx));
  for (size_t oy = 0; oy < oh; oy++) {
    for (size_t ox = 0; ox < ow; ox += 16) {
      size_t n = ow - ox < 16 ? ow - ox : 16;
      __m512 acc = _mm512_set1_ps(bias);
      for (size_t ky = 0; ky < g->kh; ky++) {
        const float *row = xp + (oy * g->sy + ky * g->dy) * xp_stride + ox * g->sx;
        const float *wk = w + ky * g->kw;
        for (size_t kx = 0; kx < g->kw; kx++) {
          const float *p = row + kx * g->dx;
          __m512 x;
          if (g->sx == 1) {
            x = _mm512_loadu_ps(p);
          } else if (g->sx == 2) {
            x = _mm512_permutex2var_ps(_mm512_loadu_ps(p), even, _mm512_loadu_ps(p + 16));
          } else {
            x = _mm512_i32gather_ps(gather, p, 4);
          }
          acc = _mm512_fmadd_ps(_mm512_set1_ps(wk[kx]), x, acc);
        }
      }
      acc = _mm512_min_ps(_mm512_max_ps(acc, vmin), vmax);
      _mm512_mask_storeu_ps(y + oy * ow + ox, (__mmask16)((1u << n) - 1u), acc);
    }
  }
}

/* Lanes [lo, hi) of a 32-bit mask; empty when hi <= lo. */
static inline uint32_t lanes(ptrdiff_t lo, ptrdiff_t hi) {
  if (hi <= lo) return 0;
  uint32_t upto = hi >= 32 ? 0xffffffffu : (1u << hi) - 1u;
  return upto & ~((1u << lo) - 1u);
}

/* The input columns under tap column kx of one step, from `row`: stride 1 loads them, stride
 * 2 loads two vectors and keeps the even lanes; masked-off lanes are not read, so p may point
 * left of the row. */
static inline __attribute__((always_inline)) __m512 taps(const float *p, ptrdiff_t s, __mmask16 a,
                                                         __mmask16 b, __m512i even) {
  if (s == 1) return _mm512_maskz_loadu_ps(a, p);
  return _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(a, p), even,
                                _mm512_maskz_loadu_ps(b, p + 16));
}

/* R output rows from oy of one 16-column step, R accumulators at once: each input row is
 * loaded once for every output row it feeds, and the R chains of FMAs hide each other's
 * latency (one chain of 9 dependent FMAs per output vector ran at 15% of the FMA peak). With R
 * and s constants at each call site the tap tests below resolve at compile time. */
static inline __attribute__((always_inline)) void rows_step(
    size_t R, ptrdiff_t s, const float *x, const struct ops_dwconv3x3_geom *g, size_t oy,
    const ptrdiff_t base[3], const __mmask16 ma[3], const __mmask16 mb[3], const __m512 k[9],
    __m512 bias, __m512 vmin, __m512 vmax, __m512i even, float *y, __mmask16 out) {
  __m512 acc[4];
  for (size_t i = 0; i < R; i++)
    acc[i] = bias;
  const ptrdiff_t ih = (ptrdiff_t)g->ih, iw = (ptrdiff_t)g->iw;
  const ptrdiff_t iy0 = (ptrdiff_t)oy * s - (ptrdiff_t)g->pt;
  const ptrdiff_t span = ((ptrdiff_t)R - 1) * s + 3;
  for (ptrdiff_t r = 0; r < span; r++) {
    const ptrdiff_t iy = iy0 + r;
    if (iy < 0 || iy >= ih) continue;
    const float *row = x + iy * iw;
    const __m512 v0 = taps(row + base[0], s, ma[0], mb[0], even);
    const __m512 v1 = taps(row + base[1], s, ma[1], mb[1], even);
    const __m512 v2 = taps(row + base[2], s, ma[2], mb[2], even);
    for (size_t i = 0; i < R; i++) {
      const ptrdiff_t ky = r - (ptrdiff_t)i * s;
      if (ky < 0 || ky > 2) continue;
      acc[i] = _mm512_fmadd_ps(k[ky * 3 + 0], v0, acc[i]);
      acc[i] = _mm512_fmadd_ps(k[ky * 3 + 1], v1, acc[i]);
      acc[i] = _mm512_fmadd_ps(k[ky * 3 + 2], v2, acc[i]);
    }
  }
  for (size_t i = 0; i < R; i++)
    _mm512_mask_storeu_ps(y + (oy + i) * g->ow, out,
                          _mm512_min_ps(_mm512_max_ps(acc[i], vmin), vmax));
}

/* One stride's whole plane: 16-column steps, 4 output rows at a time, then 2 and 1. */
static inline __attribute__((always_inline)) void plane_3x3(ptrdiff_t s, const float *x,
                                                            const struct ops_dwconv3x3_geom *g,
                                                            const float *w, float bias, float *y,
                                                            const struct ops_f32_minmax_params *c) {
  const __m512 vmin = _mm512_set1_ps(c->min), vmax = _mm512_set1_ps(c->max);
  const __m512 vb = _mm512_set1_ps(bias);
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  __m512 k[9];
  for (int i = 0; i < 9; i++)
    k[i] = _mm512_set1_ps(w[i]);
  const ptrdiff_t iw = (ptrdiff_t)g->iw, pl = (ptrdiff_t)g->pl;
  for (size_t ox = 0; ox < g->ow; ox += 16) {
    const ptrdiff_t n = g->ow - ox < 16 ? (ptrdiff_t)(g->ow - ox) : 16;
    /* Lane j of stride 1, element j of the two vectors of stride 2, is input column
     * base + j; the masks keep the columns inside the plane that hold taps. */
    __mmask16 ma[3], mb[3];
    ptrdiff_t base[3];
    for (int kx = 0; kx < 3; kx++) {
      base[kx] = (ptrdiff_t)ox * s - pl + kx;
      const ptrdiff_t used = s == 1 ? n : 2 * n - 1;
      const ptrdiff_t lo = base[kx] < 0 ? -base[kx] : 0;
      const ptrdiff_t hi = iw - base[kx] < used ? iw - base[kx] : used;
      const uint32_t m = lanes(lo, hi);
      ma[kx] = (__mmask16)(m & 0xffffu);
      mb[kx] = (__mmask16)(m >> 16);
    }
    const __mmask16 out = (__mmask16)((1u << n) - 1u);
    float *yx = y + ox;
    size_t oy = 0;
    for (; oy + 4 <= g->oh; oy += 4)
      rows_step(4, s, x, g, oy, base, ma, mb, k, vb, vmin, vmax, even, yx, out);
    if (oy + 2 <= g->oh) {
      rows_step(2, s, x, g, oy, base, ma, mb, k, vb, vmin, vmax, even, yx, out);
      oy += 2;
    }
    if (oy < g->oh) rows_step(1, s, x, g, oy, base, ma, mb, k, vb, vmin, vmax, even, yx, out);
  }
}

/* 3x3 from the unpadded plane (kernels/dwconv.h, the 3x3 family): per step 16 outputs of up to
 * 4 rows; each tap column loads the input columns under it with a mask that drops the lanes
 * outside the plane, and tap rows outside the plane are skipped. */
void ops_f32_dwconv3x3_minmax_ukernel__simd_avx512f_u16(const float *x,
                                                        const struct ops_dwconv3x3_geom *g,
                                                        const float *w, float bias, float *y,
                                                        const struct ops_f32_minmax_params *clamp) {
  if (g->stride == 1)
    plane_3x3(1, x, g, w, bias, y, clamp);
  else
    plane_3x3(2, x, g, w, bias, y, clamp);
}
