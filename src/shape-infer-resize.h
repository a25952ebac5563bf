/*
 * What Resize and Upsample mean for each axis, resolved once from a node's attributes and its
 * roi, scales and sizes inputs: the output dims, and the scale, resized length and region of
 * interest the coordinate transform of each axis uses.
 *
 * Shape inference (src/shape-infer-resize.c) takes the output dims from it, and the scalar
 * binder (compiler/bind-scalar-resize.c) fills the kernel's params from it, so the two cannot
 * disagree on how an opset form or an attribute is read.
 */
#ifndef OPSCOPE_SRC_SHAPE_INFER_RESIZE_H
#define OPSCOPE_SRC_SHAPE_INFER_RESIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "src/diag.h"
#include "src/graph.h"
#include "src/tensor.h"

enum ops_resize_mode {
  OPS_RESIZE_MODE_NEAREST,
  OPS_RESIZE_MODE_LINEAR,
  OPS_RESIZE_MODE_CUBIC,
  OPS_RESIZE_MODE_COUNT
};

/* coordinate_transformation_mode; Upsample and Resize-10 use ASYMMETRIC. */
enum ops_resize_coord {
  OPS_RESIZE_COORD_HALF_PIXEL,
  OPS_RESIZE_COORD_HALF_PIXEL_SYMMETRIC,
  OPS_RESIZE_COORD_PYTORCH_HALF_PIXEL,
  OPS_RESIZE_COORD_ALIGN_CORNERS,
  OPS_RESIZE_COORD_ASYMMETRIC,
  OPS_RESIZE_COORD_TF_HALF_PIXEL_FOR_NN,
  OPS_RESIZE_COORD_TF_CROP_AND_RESIZE,
  OPS_RESIZE_COORD_COUNT
};

/* nearest_mode. LEGACY is the rule of Upsample and Resize-10, which have no nearest_mode: the
 * floor of the source coordinate when upsampling, its ceiling when downsampling (what ONNX
 * Runtime does for them). */
enum ops_resize_nearest {
  OPS_RESIZE_NEAREST_ROUND_PREFER_FLOOR,
  OPS_RESIZE_NEAREST_ROUND_PREFER_CEIL,
  OPS_RESIZE_NEAREST_FLOOR,
  OPS_RESIZE_NEAREST_CEIL,
  OPS_RESIZE_NEAREST_LEGACY,
  OPS_RESIZE_NEAREST_COUNT
};

struct ops_resize_args {
  int rank; /* rank of X */
  enum ops_resize_mode mode;
  enum ops_resize_coord coord;
  enum ops_resize_nearest nearest;
  float cubic_a;        /* cubic_coeff_a */
  bool exclude_outside; /* taps outside the input get weight 0, the rest are renormalized */
  bool antialias;       /* linear and cubic stretch their filter by 1 / scale when downsampling */
  float extrapolation;  /* tf_crop_and_resize: value of outputs that map outside the input */
  bool known;           /* false: a scales, sizes or roi value is not known, so neither are
                           out[] nor the per-axis values below */
  int64_t out[OPS_MAX_RANK];        /* output dims, elements; -1 where X's dim is unknown */
  double scale[OPS_MAX_RANK];       /* output / input scale of the coordinate transform */
  double resized_len[OPS_MAX_RANK]; /* length_resized of align_corners and tf_crop_and_resize:
                                       the output length as the scale gives it, unrounded */
  double roi_start[OPS_MAX_RANK];   /* tf_crop_and_resize region, as fractions of the input */
  double roi_end[OPS_MAX_RANK];
};

/* Reads Resize (any opset form from 10 on) or Upsample (7 and 9) node `node` of `g`, whose
 * input 0 has a known rank, under default-domain opset `opset` (0: the newest form). Values of
 * scales, sizes and roi that are not known leave args->known false; anything malformed (an
 * unknown mode, scales <= 0, both scales and sizes, counts that do not match the rank) fails
 * with OPS_ERR_BAD_INPUT and "node 'NAME' (Resize): ..." in `d`. */
enum ops_status ops_shape_resize_resolve(const struct ops_graph *g, const struct ops_node *node,
                                         int64_t opset, struct ops_resize_args *args,
                                         struct ops_diag *d);

#endif /* OPSCOPE_SRC_SHAPE_INFER_RESIZE_H */
