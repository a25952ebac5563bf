/*
 * Parameters of the Resize and Upsample kernels (kernels/scalar/resize.c), and the per-axis tap
 * count and scratch layout that the binder sizes and the kernel fills.
 *
 * The binder (compiler/bind-scalar-resize.c) resolves every opset form into these terms: one
 * scale, resized length and region of interest per axis, with defaults applied, so the kernel
 * only evaluates the spec's coordinate transform and interpolation. All counts are elements.
 */
#ifndef OPSCOPE_KERNELS_PARAMS_RESIZE_H
#define OPSCOPE_KERNELS_PARAMS_RESIZE_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/kernel.h"

enum ops_kresize_mode {
  OPS_KRESIZE_MODE_NEAREST,
  OPS_KRESIZE_MODE_LINEAR,
  OPS_KRESIZE_MODE_CUBIC,
  OPS_KRESIZE_MODE_COUNT
};

enum ops_kresize_coord {
  OPS_KRESIZE_COORD_HALF_PIXEL,
  OPS_KRESIZE_COORD_HALF_PIXEL_SYMMETRIC,
  OPS_KRESIZE_COORD_PYTORCH_HALF_PIXEL,
  OPS_KRESIZE_COORD_ALIGN_CORNERS,
  OPS_KRESIZE_COORD_ASYMMETRIC,
  OPS_KRESIZE_COORD_TF_HALF_PIXEL_FOR_NN,
  OPS_KRESIZE_COORD_TF_CROP_AND_RESIZE,
  OPS_KRESIZE_COORD_COUNT
};

/* How nearest rounds a source coordinate that is not an integer. LEGACY (Upsample, Resize-10):
 * floor when the axis is upsampled, ceil when it is downsampled. */
enum ops_kresize_nearest {
  OPS_KRESIZE_NEAREST_ROUND_PREFER_FLOOR,
  OPS_KRESIZE_NEAREST_ROUND_PREFER_CEIL,
  OPS_KRESIZE_NEAREST_FLOOR,
  OPS_KRESIZE_NEAREST_CEIL,
  OPS_KRESIZE_NEAREST_LEGACY,
  OPS_KRESIZE_NEAREST_COUNT
};

/* Resize and Upsample, X [d0, d1, ...] to Y of the same rank. Output dims come from Y. */
struct ops_resize_params {
  enum ops_kresize_mode mode;
  enum ops_kresize_coord coord;
  enum ops_kresize_nearest nearest;
  float cubic_a;        /* cubic_coeff_a, the "A" of the cubic convolution kernel */
  bool exclude_outside; /* taps outside the input get weight 0 and the rest are renormalized */
  bool antialias;       /* linear and cubic stretch their filter by 1 / scale on axes with
                           scale < 1 */
  float extrapolation;  /* tf_crop_and_resize: value of outputs whose source is outside X */
  double scale[OPS_KMAX_RANK];       /* output / input scale per axis, > 0 */
  double resized_len[OPS_KMAX_RANK]; /* unrounded output length per axis (align_corners,
                                        tf_crop_and_resize, half_pixel_symmetric) */
  double roi_start[OPS_KMAX_RANK];   /* tf_crop_and_resize region, fractions of the input */
  double roi_end[OPS_KMAX_RANK];
};

/* An axis that is not resized (scale 1, same length, no crop) maps each output index to the same
 * input index. Kept apart so that transforms with an offset (tf_half_pixel_for_nn) do not shift
 * the batch and channel dims that nobody asked to resize. */
static inline bool ops_resize_axis_identity(const struct ops_resize_params *p, int axis, int64_t in,
                                            int64_t out) {
  bool cropped = p->coord == OPS_KRESIZE_COORD_TF_CROP_AND_RESIZE &&
                 (p->roi_start[axis] != 0.0 || p->roi_end[axis] != 1.0);
  return p->scale[axis] == 1.0 && in == out && !cropped;
}

/* Taps per output position on `axis`: 1 for nearest and identity axes, 2 for linear, 4 for
 * cubic, and 2 * ceil(support / scale) when antialias stretches the filter. -1 when the filter
 * is absurdly wide (a scale near zero). */
static inline int64_t ops_resize_axis_taps(const struct ops_resize_params *p, int axis, int64_t in,
                                           int64_t out) {
  if (p->mode == OPS_KRESIZE_MODE_NEAREST || ops_resize_axis_identity(p, axis, in, out)) return 1;
  double s = p->antialias && p->scale[axis] < 1.0 ? p->scale[axis] : 1.0;
  double support = (p->mode == OPS_KRESIZE_MODE_LINEAR ? 1.0 : 2.0) / s;
  if (!(support < (double)(INT64_C(1) << 40))) return -1;
  /* Taps start + k for k < 2 - 2 * start around the source coordinate. */
  double start = floor(-support) + 1.0;
  return (int64_t)(2.0 - 2.0 * start);
}

/* Scratch layout, per axis in order: out * taps input indices (int64), out * taps weights
 * (double), and out "outside" flags (bytes, padded to 8). Returns false when a size overflows
 * or an axis's filter is too wide. */
static inline bool ops_resize_scratch_bytes(const struct ops_resize_params *p,
                                            const struct ops_kdims *xd, const struct ops_kdims *yd,
                                            size_t *bytes) {
  size_t total = 0;
  for (int a = 0; a < yd->rank; a++) {
    int64_t taps = ops_resize_axis_taps(p, a, xd->d[a], yd->d[a]);
    if (taps < 1) return false;
    uint64_t out = (uint64_t)yd->d[a], entries, table, flags;
    if (__builtin_mul_overflow(out, (uint64_t)taps, &entries) ||
        __builtin_mul_overflow(entries, (uint64_t)(sizeof(int64_t) + sizeof(double)), &table) ||
        __builtin_add_overflow(out, (uint64_t)7, &flags) ||
        __builtin_add_overflow(table, flags & ~(uint64_t)7, &table) ||
        __builtin_add_overflow((uint64_t)total, table, &table) || table > (uint64_t)SIZE_MAX) {
      return false;
    }
    total = (size_t)table;
  }
  *bytes = total;
  return true;
}

/* DepthToSpace and SpaceToDepth, X and Y 4-D NCHW. */
struct ops_depth_space_params {
  int64_t blocksize; /* >= 1 */
  bool crd;          /* DepthToSpace mode CRD (channel, row, column); false is DCR */
};

#endif /* OPSCOPE_KERNELS_PARAMS_RESIZE_H */
