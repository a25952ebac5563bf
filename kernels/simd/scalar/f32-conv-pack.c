/*
 * The portable 2-D convolution column packer (kernels/conv-pack.h), the reference the ISA
 * variants match.
 *
 * A panel's nr pixels cover parts of one or more output rows. They are cut into segments, each
 * within one output row; for every tap, a segment reads one input row (or none, above or below
 * the plane) at a constant stride, so it is a copy with zeros at the ends where the taps hang
 * over the left or right padding, a plain memcpy when the stride is 1.
 */
#include "kernels/conv-pack.h"

#include <string.h>

/* One segment of one tap: dst[0..len) = row(iy) at columns ix0, ix0 + sx, ..., 0 outside. */
static void copy_run(const float *row, ptrdiff_t ix0, size_t sx, size_t len, size_t iw,
                     float *dst) {
  size_t j = 0;
  /* Columns left of the plane: ix0 + j * sx < 0. */
  while (j < len && ix0 + (ptrdiff_t)(j * sx) < 0)
    dst[j++] = 0.0f;
  /* Columns inside: up to the last j with ix0 + j * sx < iw. */
  size_t end = j;
  if (j < len && ix0 + (ptrdiff_t)(j * sx) < (ptrdiff_t)iw) {
    size_t last = (size_t)(((ptrdiff_t)iw - 1 - ix0) / (ptrdiff_t)sx); /* largest j inside */
    end = last + 1 < len ? last + 1 : len;
    const float *src = row + ix0 + (ptrdiff_t)(j * sx);
    if (sx == 1) {
      memcpy(dst + j, src, (end - j) * sizeof *dst);
    } else {
      for (size_t t = j; t < end; t++, src += sx)
        dst[t] = *src;
    }
  }
  for (j = end; j < len; j++)
    dst[j] = 0.0f;
}

void ops_f32_conv2d_pack_ukernel__scalar(const struct ops_conv2d_geom *g, size_t nr, const float *x,
                                         float *packed, size_t panel0, size_t panel1) {
  const size_t P = g->oh * g->ow, K = g->c * g->kh * g->kw, plane = ops_conv2d_x_plane(g);
  for (size_t panel = panel0; panel < panel1; panel++) {
    float *out = packed + panel * K * nr;
    const size_t p0 = panel * nr, width = P - p0 < nr ? P - p0 : nr;
    const size_t oy0 = p0 / g->ow, ox0 = p0 % g->ow; /* one division per panel */
    for (size_t c = 0; c < g->c; c++) {
      const float *xc = x + c * plane;
      for (size_t ky = 0; ky < g->kh; ky++) {
        for (size_t kx = 0; kx < g->kw; kx++, out += nr) {
          /* The panel's pixels, one output-row segment at a time. */
          size_t oy = oy0, ox = ox0;
          for (size_t at = 0; at < width; oy++, ox = 0) {
            size_t len = g->ow - ox < width - at ? g->ow - ox : width - at;
            ptrdiff_t iy = (ptrdiff_t)(oy * g->sy + ky * g->dy) - (ptrdiff_t)g->pt;
            if (iy < 0 || iy >= (ptrdiff_t)g->ih) {
              memset(out + at, 0, len * sizeof *out);
            } else {
              ptrdiff_t ix0 = (ptrdiff_t)(ox * g->sx + kx * g->dx) - (ptrdiff_t)g->pl;
              copy_run(xc + (size_t)iy * g->iw, ix0, g->sx, len, g->iw, out + at);
            }
            at += len;
          }
          if (width < nr) memset(out + width, 0, (nr - width) * sizeof *out);
        }
      }
    }
  }
}
