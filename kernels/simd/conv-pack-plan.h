/*
 * What the ISA variants of the 2-D convolution column packer (kernels/conv-pack.h) share: a
 * panel cut into output-row segments, and for a segment and tap column the run of pixels
 * whose taps fall inside the input row. Plain C, included by each variant's file.
 */
#ifndef OPSCOPE_KERNELS_SIMD_CONV_PACK_PLAN_H
#define OPSCOPE_KERNELS_SIMD_CONV_PACK_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/conv-pack.h"

/* Panels wider than this go to the portable packer. */
#define OPS_CONV_PACK_MAX_PANEL 32

/* One output-row piece of a panel: columns [at, at + len) are pixels (oy, ox .. ox + len). */
struct ops_conv_pack_segment {
  size_t at, len, oy, ox;
};

/* Cuts panel `panel` (nr columns, the last one narrower when P ends in it) into segments;
 * returns how many (at most nr). *width gets the panel's columns inside P. */
static inline size_t ops_conv_pack_segments(const struct ops_conv2d_geom *g, size_t nr,
                                            size_t panel, struct ops_conv_pack_segment *seg,
                                            size_t *width) {
  const size_t P = g->oh * g->ow, p0 = panel * nr;
  *width = P - p0 < nr ? P - p0 : nr;
  size_t n = 0;
  for (size_t at = 0, oy = p0 / g->ow, ox = p0 % g->ow; at < *width; oy++, ox = 0) {
    const size_t len = g->ow - ox < *width - at ? g->ow - ox : *width - at;
    seg[n++] = (struct ops_conv_pack_segment){at, len, oy, ox};
    at += len;
  }
  return n;
}

/* A segment under tap column kx: copy element j (j < len) is the input row's element
 * base + j * sx when j is in [lo, hi), else 0 (the padding). */
struct ops_conv_pack_span {
  ptrdiff_t base;
  size_t lo, hi;
};

static inline struct ops_conv_pack_span ops_conv_pack_span_of(const struct ops_conv2d_geom *g,
                                                              const struct ops_conv_pack_segment *s,
                                                              size_t kx) {
  struct ops_conv_pack_span t;
  t.base = (ptrdiff_t)(s->ox * g->sx + kx * g->dx) - (ptrdiff_t)g->pl;
  const ptrdiff_t sx = (ptrdiff_t)g->sx, len = (ptrdiff_t)s->len;
  ptrdiff_t lo = t.base >= 0 ? 0 : (-t.base + sx - 1) / sx;
  ptrdiff_t hi = t.base <= (ptrdiff_t)g->iw - 1 ? ((ptrdiff_t)g->iw - 1 - t.base) / sx + 1 : 0;
  if (lo > len) lo = len;
  if (hi > len) hi = len;
  if (hi < lo) hi = lo;
  t.lo = (size_t)lo;
  t.hi = (size_t)hi;
  return t;
}

/* The input row of segment s under tap row ky, or NULL when it is in the padding. */
static inline const float *ops_conv_pack_row(const struct ops_conv2d_geom *g, const float *x,
                                             const struct ops_conv_pack_segment *s, size_t ky) {
  const ptrdiff_t iy = (ptrdiff_t)(s->oy * g->sy + ky * g->dy) - (ptrdiff_t)g->pt;
  return iy < 0 || iy >= (ptrdiff_t)g->ih ? NULL : x + (size_t)iy * g->iw;
}

/* The row pointer advanced by `delta` elements without forming an out-of-bounds pointer in C:
 * delta may be negative (taps in the left padding), and the variants' masks keep those lanes
 * unread. */
static inline const float *ops_conv_pack_shifted(const float *row, ptrdiff_t delta) {
  return (const float *)((uintptr_t)row + (uintptr_t)(delta * (ptrdiff_t)sizeof(float)));
}

/* Any stride: copy element by element (the channel loop is the caller's). */
static inline void ops_conv_pack_copy_strided(float *dst, const float *row,
                                              const struct ops_conv_pack_span *t, size_t sx,
                                              size_t len) {
  const float *src = row + (t->base + (ptrdiff_t)(t->lo * sx));
  for (size_t j = 0; j < len; j++)
    dst[j] = j >= t->lo && j < t->hi ? src[(j - t->lo) * sx] : 0.0f;
}

#endif /* OPSCOPE_KERNELS_SIMD_CONV_PACK_PLAN_H */
