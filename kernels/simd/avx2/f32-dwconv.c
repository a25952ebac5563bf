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
