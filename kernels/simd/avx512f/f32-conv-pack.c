/*
 * The 2-D convolution column packer, AVX-512F (kernels/conv-pack.h).
 *
 * A panel's pixels are cut once into segments, each within one output row. For a segment and
 * a tap (ky, kx) the copy is the same for every input channel, a plane further in x and one
 * channel's rows further in the panel, so the loads' masks (which also leave the padding's
 * lanes zero) are worked out once and the loop over channels is a masked load and store per
 * 16 columns at stride 1, or two loads and a permute at stride 2. The portable packer walked
 * channel by channel and called memcpy for every piece of every row, which on squeezenet1_1's
 * 13x13 layers took 24 times a memcpy of what it wrote. Other strides copy element by element.
 * Panels wider than 32 columns, or taps wider than MAX_KW, go to the portable packer.
 */
#include <immintrin.h>
#include <stdint.h>

#include "kernels/conv-pack.h"

#define MAX_PANEL 32
#define MAX_KW 16

/* Lanes [lo, hi) of one vector, 0 <= lo <= hi <= 16. */
static inline __mmask16 lane_range(ptrdiff_t lo, ptrdiff_t hi) {
  lo = lo < 0 ? 0 : lo > 16 ? 16 : lo;
  hi = hi < 0 ? 0 : hi > 16 ? 16 : hi;
  if (hi <= lo) return 0;
  return (__mmask16)(((1u << (hi - lo)) - 1u) << lo);
}

/* One output-row piece of a panel: columns [at, at + len) are pixels (oy, ox .. ox + len). */
struct segment {
  size_t at, len, oy, ox;
};

/* A segment under one tap column: element j of the copy is the row's element base + j * sx
 * when j is in [lo, hi), else 0. The loads read element e of the row at lane e - base, under
 * masks that cover exactly the elements the copy needs, so nothing outside the row is read. */
struct tap_copy {
  ptrdiff_t base;
  size_t lo, hi;
  __mmask16 m[4]; /* stride 1: lanes of dst [0, 16) and [16, 32); stride 2: of elements
                     base + [0, 16), [16, 32), [32, 48), [48, 64) */
};

static struct tap_copy tap_copy_new(const struct ops_conv2d_geom *g, const struct segment *s,
                                    size_t kx) {
  struct tap_copy t = {0};
  t.base = (ptrdiff_t)(s->ox * g->sx + kx * g->dx) - (ptrdiff_t)g->pl;
  const ptrdiff_t sx = (ptrdiff_t)g->sx, len = (ptrdiff_t)s->len;
  ptrdiff_t lo = t.base >= 0 ? 0 : (-t.base + sx - 1) / sx;
  ptrdiff_t hi = t.base <= (ptrdiff_t)g->iw - 1 ? ((ptrdiff_t)g->iw - 1 - t.base) / sx + 1 : 0;
  if (lo > len) lo = len;
  if (hi > len) hi = len;
  if (hi < lo) hi = lo;
  t.lo = (size_t)lo;
  t.hi = (size_t)hi;
  if (g->sx == 1) {
    t.m[0] = lane_range(lo, hi);
    t.m[1] = lane_range(lo - 16, hi - 16);
  } else if (g->sx == 2 && hi > lo) {
    /* Elements 2 lo .. 2 (hi - 1), relative to base. */
    for (int v = 0; v < 4; v++)
      t.m[v] = lane_range(2 * lo - 16 * v, 2 * (hi - 1) + 1 - 16 * v);
  }
  return t;
}

/* The row pointer advanced by `delta` elements without forming an out-of-bounds pointer in C:
 * delta may be negative (taps in the left padding), and the masks keep those lanes unread. */
static inline const float *shifted(const float *row, ptrdiff_t delta) {
  return (const float *)((uintptr_t)row + (uintptr_t)(delta * (ptrdiff_t)sizeof(float)));
}

void ops_f32_conv2d_pack_ukernel__simd_avx512f(const struct ops_conv2d_geom *g, size_t nr,
                                               const float *x, float *packed, size_t panel0,
                                               size_t panel1) {
  if (nr > MAX_PANEL || g->kw > MAX_KW) {
    ops_f32_conv2d_pack_ukernel__scalar(g, nr, x, packed, panel0, panel1);
    return;
  }
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512 zero = _mm512_setzero_ps();
  const size_t P = g->oh * g->ow, K = g->c * g->kh * g->kw, plane = g->ih * g->iw;
  const size_t taps = g->kh * g->kw, c_step = taps * nr; /* floats between channels' rows */
  struct segment seg[MAX_PANEL];
  for (size_t panel = panel0; panel < panel1; panel++) {
    float *out = packed + panel * K * nr;
    const size_t p0 = panel * nr, width = P - p0 < nr ? P - p0 : nr;
    size_t n_seg = 0;
    for (size_t at = 0, oy = p0 / g->ow, ox = p0 % g->ow; at < width; oy++, ox = 0) {
      const size_t len = g->ow - ox < width - at ? g->ow - ox : width - at;
      seg[n_seg++] = (struct segment){at, len, oy, ox};
      at += len;
    }
    /* Columns past P, in every row of the panel. */
    if (width < nr) {
      const __mmask16 lo = lane_range((ptrdiff_t)width, (ptrdiff_t)nr);
      const __mmask16 hi = lane_range((ptrdiff_t)width - 16, (ptrdiff_t)nr - 16);
      for (size_t r = 0; r < K; r++) {
        _mm512_mask_storeu_ps(out + r * nr, lo, zero);
        if (hi != 0) _mm512_mask_storeu_ps(out + r * nr + 16, hi, zero);
      }
    }
    /* Each segment and tap is the same copy for every channel, a plane further in x and c_step
     * further in the panel. */
    for (size_t s = 0; s < n_seg; s++) {
      const struct segment *sg = &seg[s];
      const __mmask16 store_lo = lane_range(0, (ptrdiff_t)sg->len);
      const __mmask16 store_hi = lane_range(-16, (ptrdiff_t)sg->len - 16);
      for (size_t kx = 0; kx < g->kw; kx++) {
        const struct tap_copy t = tap_copy_new(g, sg, kx);
        for (size_t ky = 0; ky < g->kh; ky++) {
          float *dst = out + (ky * g->kw + kx) * nr + sg->at;
          const ptrdiff_t iy = (ptrdiff_t)(sg->oy * g->sy + ky * g->dy) - (ptrdiff_t)g->pt;
          if (iy < 0 || iy >= (ptrdiff_t)g->ih || t.lo == t.hi) {
            for (size_t c = 0; c < g->c; c++, dst += c_step) {
              _mm512_mask_storeu_ps(dst, store_lo, zero);
              if (store_hi != 0) _mm512_mask_storeu_ps(dst + 16, store_hi, zero);
            }
            continue;
          }
          const float *row = x + (size_t)iy * g->iw;
          if (g->sx == 1) {
            const float *src = shifted(row, t.base);
            for (size_t c = 0; c < g->c; c++, dst += c_step, src += plane) {
              _mm512_mask_storeu_ps(dst, store_lo, _mm512_maskz_loadu_ps(t.m[0], src));
              if (store_hi != 0)
                _mm512_mask_storeu_ps(dst + 16, store_hi, _mm512_maskz_loadu_ps(t.m[1], src + 16));
            }
          } else if (g->sx == 2) {
            const float *src = shifted(row, t.base);
            for (size_t c = 0; c < g->c; c++, dst += c_step, src += plane) {
              const __m512 a = _mm512_maskz_loadu_ps(t.m[0], src);
              const __m512 b = _mm512_maskz_loadu_ps(t.m[1], src + 16);
              _mm512_mask_storeu_ps(dst, store_lo, _mm512_permutex2var_ps(a, even, b));
              if (store_hi != 0) {
                const __m512 e = _mm512_maskz_loadu_ps(t.m[2], src + 32);
                const __m512 f = _mm512_maskz_loadu_ps(t.m[3], src + 48);
                _mm512_mask_storeu_ps(dst + 16, store_hi, _mm512_permutex2var_ps(e, even, f));
              }
            }
          } else {
            const float *src = row + t.base + (ptrdiff_t)(t.lo * g->sx);
            for (size_t c = 0; c < g->c; c++, dst += c_step, src += plane) {
              for (size_t j = 0; j < sg->len; j++)
                dst[j] = j >= t.lo && j < t.hi ? src[(j - t.lo) * g->sx] : 0.0f;
            }
          }
        }
      }
    }
  }
}
