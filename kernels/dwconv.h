/*
 * The f32 depthwise-convolution microkernel family (kernels/lists/f32-dwconv.inc): one
 * channel of a 2-D depthwise Conv from an input plane the driver has padded with zeros, so the
 * microkernel has no borders to test. Output column x of row y reads the padded plane at row
 * y * sy + ky * dy, column x * sx + kx * dx, for every tap (ky, kx).
 */
#ifndef OPSCOPE_KERNELS_DWCONV_H
#define OPSCOPE_KERNELS_DWCONV_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/cpu.h"
#include "kernels/gemm.h"

struct ops_dwconv_geom {
  size_t kh, kw; /* taps */
  size_t sy, sx; /* strides */
  size_t dy, dx; /* dilations */
};

/* xp: the padded plane, xp_stride floats per row, wide enough that every vector step of a row
 * reads inside it (ops_dwconv_padded_width); w: kh * kw taps, row-major; y: oh x ow outputs,
 * row-major; the result is bias + sum of taps, clamped to [clamp->min, clamp->max]. */
typedef void (*ops_f32_dwconv_ukernel_fn)(const float *xp, size_t xp_stride, const float *w,
                                          float bias, float *y, size_t oh, size_t ow,
                                          const struct ops_dwconv_geom *g,
                                          const struct ops_f32_minmax_params *clamp);

/* Width of the padded plane for `ow` outputs with `lanes` per step: every lane of the last
 * step, even past ow, reads inside the row. At least `min_width` (input plus left padding). */
static inline size_t ops_dwconv_padded_width(size_t ow, size_t lanes,
                                             const struct ops_dwconv_geom *g, size_t min_width) {
  size_t steps = (ow + lanes - 1) / lanes;
  /* Stride 2 variants load two vectors per step, so one more vector of slack. */
  size_t w = steps * lanes * g->sx + (g->kw - 1) * g->dx + 2 * lanes;
  return w > min_width ? w : min_width;
}

#define OPS_UKERNEL(isa_flags, fn, lanes)                                                     \
  void fn(const float *xp, size_t xp_stride, const float *w, float bias, float *y, size_t oh, \
          size_t ow, const struct ops_dwconv_geom *g, const struct ops_f32_minmax_params *clamp);
#include "kernels/lists/f32-dwconv.inc"
#undef OPS_UKERNEL

/*
 * The 3x3 family (kernels/lists/f32-dwconv3x3.inc): one channel of a 3x3 depthwise Conv with
 * dilation 1 and equal strides, read from the input plane itself, unpadded. Taps that fall in
 * the padding are left out: rows above or below the plane are skipped, and columns left or
 * right of it are masked off the vector loads, so nothing outside the plane is read and the
 * driver copies nothing. Output (oy, ox) sums w[ky * 3 + kx] * x[iy][ix] over the taps with
 * iy = oy * stride - pt + ky and ix = ox * stride - pl + kx inside the plane.
 */
struct ops_dwconv3x3_geom {
  size_t ih, iw; /* the input plane */
  size_t oh, ow; /* the output plane */
  size_t pt, pl; /* padding before the first row and column */
  size_t stride; /* both directions: 1 or 2 */
};

/* x: ih x iw, row-major; w: 9 taps, row-major; y: oh x ow, row-major; the result is bias + the
 * sum of the taps, clamped to [clamp->min, clamp->max]. */
typedef void (*ops_f32_dwconv3x3_ukernel_fn)(const float *x, const struct ops_dwconv3x3_geom *g,
                                             const float *w, float bias, float *y,
                                             const struct ops_f32_minmax_params *clamp);

#define OPS_UKERNEL(isa_flags, fn, lanes)                                                 \
  void fn(const float *x, const struct ops_dwconv3x3_geom *g, const float *w, float bias, \
          float *y, const struct ops_f32_minmax_params *clamp);
#include "kernels/lists/f32-dwconv3x3.inc"
#undef OPS_UKERNEL

#endif /* OPSCOPE_KERNELS_DWCONV_H */
