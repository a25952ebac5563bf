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
