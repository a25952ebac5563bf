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
#include "kernels/simd/conv-pack-plan.h"

#define MAX_KW 16

/* Lanes [lo, hi) of one vector, clipped to [0, 16). */
static inline __mmask16 lane_range(ptrdiff_t lo, ptrdiff_t hi) {
  lo = lo < 0 ? 0 : lo > 16 ? 16 : lo;
  hi = hi < 0 ? 0 : hi > 16 ? 16 : hi;
  if (hi <= lo) return 0;
  return (__mmask16)(((1u << (hi - lo)) - 1u) << lo);
}

/* The loads of a span: element e of the row at lane e - base, under masks that cover exactly
 * the elements the copy needs, so nothing outside the row is read. Stride 1: lanes of dst
 * [0, 16) and [16, 32); stride 2: elements base + [0, 16) ... [48, 64). */
static void load_masks(const struct ops_conv_pack_span *t, size_t sx, __mmask16 m[4]) {
  const ptrdiff_t lo = (ptrdiff_t)t->lo, hi = (ptrdiff_t)t->hi;
  m[0] = m[1] = m[2] = m[3] = 0;
  if (sx == 1) {
    m[0] = lane_range(lo, hi);
    m[1] = lane_range(lo - 16, hi - 16);
  } else if (sx == 2 && hi > lo) {
    for (int v = 0; v < 4; v++)
      m[v] = lane_range(2 * lo - 16 * v, 2 * (hi - 1) + 1 - 16 * v);
  }
}

void ops_f32_conv2d_pack_ukernel__simd_avx512f(const struct ops_conv2d_geom *g, size_t nr,
                                               const float *x, float *packed, size_t panel0,
                                               size_t panel1) {
  if (nr > OPS_CONV_PACK_MAX_PANEL || g->kw > MAX_KW) {
    ops_f32_conv2d_pack_ukernel__scalar(g, nr, x, packed, panel0, panel1);
    return;
  }
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  const __m512 zero = _mm512_setzero_ps();
  const size_t K = g->c * g->kh * g->kw, plane = ops_conv2d_x_plane(g);
  const size_t c_step = g->kh * g->kw * nr; /* floats between channels' rows */
  struct ops_conv_pack_segment seg[OPS_CONV_PACK_MAX_PANEL];
  for (size_t panel = panel0; panel < panel1; panel++) {
    float *out = packed + panel * K * nr;
    size_t width;
    const size_t n_seg = ops_conv_pack_segments(g, nr, panel, seg, &width);
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
      const struct ops_conv_pack_segment *sg = &seg[s];
      const __mmask16 store_lo = lane_range(0, (ptrdiff_t)sg->len);
      const __mmask16 store_hi = lane_range(-16, (ptrdiff_t)sg->len - 16);
      for (size_t kx = 0; kx < g->kw; kx++) {
        const struct ops_conv_pack_span t = ops_conv_pack_span_of(g, sg, kx);
        __mmask16 m[4];
        load_masks(&t, g->sx, m);
        for (size_t ky = 0; ky < g->kh; ky++) {
          float *dst = out + (ky * g->kw + kx) * nr + sg->at;
          const float *row = ops_conv_pack_row(g, x, sg, ky);
          if (row == NULL || t.lo == t.hi) {
            for (size_t c = 0; c < g->c; c++, dst += c_step) {
              _mm512_mask_storeu_ps(dst, store_lo, zero);
              if (store_hi != 0) _mm512_mask_storeu_ps(dst + 16, store_hi, zero);
            }
          } else if (g->sx == 1) {
            const float *src = ops_conv_pack_shifted(row, t.base);
            for (size_t c = 0; c < g->c; c++, dst += c_step, src += plane) {
              _mm512_mask_storeu_ps(dst, store_lo, _mm512_maskz_loadu_ps(m[0], src));
              if (store_hi != 0)
                _mm512_mask_storeu_ps(dst + 16, store_hi, _mm512_maskz_loadu_ps(m[1], src + 16));
            }
          } else if (g->sx == 2) {
            const float *src = ops_conv_pack_shifted(row, t.base);
            for (size_t c = 0; c < g->c; c++, dst += c_step, src += plane) {
              const __m512 a = _mm512_maskz_loadu_ps(m[0], src);
              const __m512 b = _mm512_maskz_loadu_ps(m[1], src + 16);
              _mm512_mask_storeu_ps(dst, store_lo, _mm512_permutex2var_ps(a, even, b));
              if (store_hi != 0) {
                const __m512 e = _mm512_maskz_loadu_ps(m[2], src + 32);
                const __m512 f = _mm512_maskz_loadu_ps(m[3], src + 48);
                _mm512_mask_storeu_ps(dst + 16, store_hi, _mm512_permutex2var_ps(e, even, f));
              }
            }
          } else {
            for (size_t c = 0; c < g->c; c++, dst += c_step, row += plane)
              ops_conv_pack_copy_strided(dst, row, &t, g->sx, sg->len);
          }
        }
      }
    }
  }
}
