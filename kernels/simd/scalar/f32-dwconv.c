/* The portable depthwise microkernel (kernels/lists/f32-dwconv.inc), for CPUs without a
 * vector variant. */
#include "kernels/dwconv.h"

void ops_f32_dwconv_minmax_ukernel__scalar_u1(const float *xp, size_t xp_stride, const float *w,
                                              float bias, float *y, size_t oh, size_t ow,
                                              const struct ops_dwconv_geom *g,
                                              const struct ops_f32_minmax_params *clamp) {
  for (size_t oy = 0; oy < oh; oy++) {
    for (size_t ox = 0; ox < ow; ox++) {
      float acc = bias;
      for (size_t ky = 0; ky < g->kh; ky++) {
        const float *row = xp + (oy * g->sy + ky * g->dy) * xp_stride + ox * g->sx;
        for (size_t kx = 0; kx < g->kw; kx++)
          acc += w[ky * g->kw + kx] * row[kx * g->dx];
      }
      acc = acc < clamp->min ? clamp->min : acc;
      y[oy * ow + ox] = acc > clamp->max ? clamp->max : acc;
    }
  }
}
