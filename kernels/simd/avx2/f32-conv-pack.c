/*
 * The 2-D convolution column packer, AVX2 (kernels/conv-pack.h): the AVX-512 packer's scheme
 * (kernels/simd/avx512f/f32-conv-pack.c) on 8-lane vectors. A segment of a tap row is the same
 * copy for every input channel; at stride 1 it is up to four loads and stores, masked only at
 * the segment's ends and the padding (a masked store costs more than a plain one on AMD
 * cores before Zen 4), at stride 2 pairs of loads deinterleaved by a shuffle and a lane
 * permute. Other strides copy element by element; panels wider than 32 columns or taps wider
 * than MAX_KW go to the portable packer.
 */
#include <immintrin.h>
#include <stdint.h>

#include "kernels/conv-pack.h"
#include "kernels/simd/conv-pack-plan.h"

#define MAX_KW 16

/* Lanes [lo, hi) of one 8-lane vector, clipped, as bits. */
static inline unsigned lane_bits(ptrdiff_t lo, ptrdiff_t hi) {
  lo = lo < 0 ? 0 : lo > 8 ? 8 : lo;
  hi = hi < 0 ? 0 : hi > 8 ? 8 : hi;
  return hi <= lo ? 0u : ((1u << (hi - lo)) - 1u) << lo;
}

static inline __m256i mask_of(unsigned bits) {
  const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32((int)bits), bit), bit);
}

/* Lanes `bits` of p, zero elsewhere; lanes outside `bits` are not read. */
static inline __m256 load8(const float *p, unsigned bits) {
  if (bits == 0xffu) return _mm256_loadu_ps(p);
  if (bits == 0u) return _mm256_setzero_ps();
  return _mm256_maskload_ps(p, mask_of(bits));
}

static inline void store8(float *p, unsigned bits, __m256 v) {
  if (bits == 0xffu)
    _mm256_storeu_ps(p, v);
  else if (bits != 0u)
    _mm256_maskstore_ps(p, mask_of(bits), v);
}

/* Even elements of a (lanes 0-7) and b (lanes 8-15): a0 a2 a4 a6 b0 b2 b4 b6. */
static inline __m256 evens(__m256 a, __m256 b) {
  const __m256 s = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)); /* a0 a2 b0 b2 a4 a6 b4 b6 */
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(s), _MM_SHUFFLE(3, 1, 2, 0)));
}

void ops_f32_conv2d_pack_ukernel__simd_avx2(const struct ops_conv2d_geom *g, size_t nr,
                                            const float *x, float *packed, size_t panel0,
                                            size_t panel1) {
  if (nr > OPS_CONV_PACK_MAX_PANEL || g->kw > MAX_KW) {
    ops_f32_conv2d_pack_ukernel__scalar(g, nr, x, packed, panel0, panel1);
    return;
  }
  const __m256 zero = _mm256_setzero_ps();
  const size_t K = g->c * g->kh * g->kw, plane = ops_conv2d_x_plane(g);
  const size_t c_step = g->kh * g->kw * nr; /* floats between channels' rows */
  struct ops_conv_pack_segment seg[OPS_CONV_PACK_MAX_PANEL];
  for (size_t panel = panel0; panel < panel1; panel++) {
    float *out = packed + panel * K * nr;
    size_t width;
    const size_t n_seg = ops_conv_pack_segments(g, nr, panel, seg, &width);
    if (width < nr) {
      for (size_t r = 0; r < K; r++)
        for (size_t v = 0; v < 4; v++)
          store8(out + r * nr + 8 * v,
                 lane_bits((ptrdiff_t)width - 8 * (ptrdiff_t)v, (ptrdiff_t)nr - 8 * (ptrdiff_t)v),
                 zero);
    }
    for (size_t s = 0; s < n_seg; s++) {
      const struct ops_conv_pack_segment *sg = &seg[s];
      unsigned st[4]; /* stored lanes of dst [0, 8) ... [24, 32) */
      for (int v = 0; v < 4; v++)
        st[v] = lane_bits(-8 * v, (ptrdiff_t)sg->len - 8 * v);
      for (size_t kx = 0; kx < g->kw; kx++) {
        const struct ops_conv_pack_span t = ops_conv_pack_span_of(g, sg, kx);
        const ptrdiff_t lo = (ptrdiff_t)t.lo, hi = (ptrdiff_t)t.hi;
        unsigned ld[8] = {0}; /* stride 1: dst lanes; stride 2: elements base + [8v, 8v + 8) */
        for (int v = 0; v < 8; v++) {
          if (g->sx == 1 && v < 4) ld[v] = lane_bits(lo - 8 * v, hi - 8 * v);
          if (g->sx == 2 && hi > lo) ld[v] = lane_bits(2 * lo - 8 * v, 2 * (hi - 1) + 1 - 8 * v);
        }
        for (size_t ky = 0; ky < g->kh; ky++) {
          float *dst = out + (ky * g->kw + kx) * nr + sg->at;
          const float *row = ops_conv_pack_row(g, x, sg, ky);
          if (row == NULL || t.lo == t.hi) {
            for (size_t c = 0; c < g->c; c++, dst += c_step)
              for (int v = 0; v < 4; v++)
                store8(dst + 8 * v, st[v], zero);
          } else if (g->sx == 1) {
            const float *src = ops_conv_pack_shifted(row, t.base);
            for (size_t c = 0; c < g->c; c++, dst += c_step, src += plane)
              for (int v = 0; v < 4 && st[v] != 0; v++)
                store8(dst + 8 * v, st[v], load8(src + 8 * v, ld[v]));
          } else if (g->sx == 2) {
            const float *src = ops_conv_pack_shifted(row, t.base);
            for (size_t c = 0; c < g->c; c++, dst += c_step, src += plane)
              for (int v = 0; v < 4 && st[v] != 0; v++)
                store8(
                    dst + 8 * v, st[v],
                    evens(load8(src + 16 * v, ld[2 * v]), load8(src + 16 * v + 8, ld[2 * v + 1])));
          } else {
            for (size_t c = 0; c < g->c; c++, dst += c_step, row += plane)
              ops_conv_pack_copy_strided(dst, row, &t, g->sx, sg->len);
          }
        }
      }
    }
  }
}
