/*
 * The f32 2-D convolution column packer family (kernels/lists/f32-conv-pack.inc): panels of
 * the columns of a 2-D convolution written straight into the GEMM's packed-B layout.
 *
 * The GEMM of a convolution multiplies the weights [M, K] by the columns [K, P]: row (c, ky, kx)
 * of the columns holds, for every output pixel, the input element under that tap, or 0 in the
 * padding. Building that matrix (im2col) and then packing it into nr-wide panels
 * (ops_f32_gemm_pack_b) reads and writes every element twice; a packer does both in one pass.
 * Panels are independent, so threads can each pack a range of them. Every variant writes the
 * same bits (it only copies and zero-fills).
 */
#ifndef OPSCOPE_KERNELS_CONV_PACK_H
#define OPSCOPE_KERNELS_CONV_PACK_H

#include <stddef.h>

#include "kernels/cpu.h"

struct ops_conv2d_geom {
  size_t c;      /* input channels of the group (the columns have c * kh * kw rows) */
  size_t ih, iw; /* input plane */
  size_t oh, ow; /* output plane: P = oh * ow columns */
  size_t kh, kw; /* taps */
  size_t sy, sx; /* strides, >= 1 */
  size_t dy, dx; /* dilations, >= 1 */
  size_t pt, pl; /* padding before rows and columns */
  /* Elements from one input channel's plane to the next; 0: ih * iw. A band of output rows
   * (kernels/drivers/f32-conv-pool.c) reads a window of rows of each plane: ih rows from x, with
   * the planes still x_plane apart. */
  size_t x_plane;
};

/* Elements between the input's channel planes. */
static inline size_t ops_conv2d_x_plane(const struct ops_conv2d_geom *g) {
  return g->x_plane != 0 ? g->x_plane : g->ih * g->iw;
}

/* Panels of nr columns for P output pixels. */
static inline size_t ops_conv2d_panels(const struct ops_conv2d_geom *g, size_t nr) {
  size_t p = g->oh * g->ow;
  return p / nr + (p % nr != 0);
}

/* Writes panels [panel0, panel1) of the packed columns of x (c planes of [ih, iw], row-major,
 * ops_conv2d_x_plane(g) apart) to
 * `packed`, laid out as ops_f32_gemm_pack_b lays out a [c*kh*kw, oh*ow] matrix: panel j at
 * packed + j * K * nr, K rows of nr floats, columns past P zero. */
typedef void (*ops_f32_conv2d_pack_ukernel_fn)(const struct ops_conv2d_geom *g, size_t nr,
                                               const float *x, float *packed, size_t panel0,
                                               size_t panel1);

#define OPS_UKERNEL(isa_flags, fn) \
  void fn(const struct ops_conv2d_geom *, size_t, const float *, float *, size_t, size_t);
#include "kernels/lists/f32-conv-pack.inc"
#undef OPS_UKERNEL

#endif /* OPSCOPE_KERNELS_CONV_PACK_H */
