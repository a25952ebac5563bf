/*
 * Binding Resize, Upsample, DepthToSpace and SpaceToDepth to the scalar unit: checks what their
 * kernels (kernels/scalar/resize.c, depth-space.c) rely on and fills their params
 * (kernels/params-resize.h).
 *
 * Resize's opset forms, attributes and scales/sizes/roi inputs are read by
 * ops_shape_resize_resolve() (src/shape-infer-resize.c), the same reading shape inference made;
 * this file turns it into kernel params, recomputes the output dims and compares them with the
 * inferred ones, and sizes the kernel's tap tables. What the scalar kernels cannot do is refused
 * with the reason.
 */
#include "compiler/bind-scalar-resize.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compiler-impl.h"
#include "kernels/kernel.h"
#include "kernels/params-resize.h"
#include "src/shape-infer-resize.h"
#include "src/size.h"

/* Taps per output element on one axis above this are refused: only an antialiased downsample
 * by more than a million would need them, and the tap tables would not fit in memory. */
#define TAPS_LIMIT (INT64_C(1) << 20)

static enum ops_kresize_mode kernel_mode(enum ops_resize_mode m) {
  switch (m) {
    case OPS_RESIZE_MODE_LINEAR:
      return OPS_KRESIZE_MODE_LINEAR;
    case OPS_RESIZE_MODE_CUBIC:
      return OPS_KRESIZE_MODE_CUBIC;
    case OPS_RESIZE_MODE_NEAREST:
    case OPS_RESIZE_MODE_COUNT:
      break;
  }
  return OPS_KRESIZE_MODE_NEAREST;
}

static enum ops_kresize_coord kernel_coord(enum ops_resize_coord m) {
  switch (m) {
    case OPS_RESIZE_COORD_HALF_PIXEL:
      return OPS_KRESIZE_COORD_HALF_PIXEL;
    case OPS_RESIZE_COORD_HALF_PIXEL_SYMMETRIC:
      return OPS_KRESIZE_COORD_HALF_PIXEL_SYMMETRIC;
    case OPS_RESIZE_COORD_PYTORCH_HALF_PIXEL:
      return OPS_KRESIZE_COORD_PYTORCH_HALF_PIXEL;
    case OPS_RESIZE_COORD_ALIGN_CORNERS:
      return OPS_KRESIZE_COORD_ALIGN_CORNERS;
    case OPS_RESIZE_COORD_TF_HALF_PIXEL_FOR_NN:
      return OPS_KRESIZE_COORD_TF_HALF_PIXEL_FOR_NN;
    case OPS_RESIZE_COORD_TF_CROP_AND_RESIZE:
      return OPS_KRESIZE_COORD_TF_CROP_AND_RESIZE;
    case OPS_RESIZE_COORD_ASYMMETRIC:
    case OPS_RESIZE_COORD_COUNT:
      break;
  }
  return OPS_KRESIZE_COORD_ASYMMETRIC;
}

static enum ops_kresize_nearest kernel_nearest(enum ops_resize_nearest m) {
  switch (m) {
    case OPS_RESIZE_NEAREST_ROUND_PREFER_FLOOR:
      return OPS_KRESIZE_NEAREST_ROUND_PREFER_FLOOR;
    case OPS_RESIZE_NEAREST_ROUND_PREFER_CEIL:
      return OPS_KRESIZE_NEAREST_ROUND_PREFER_CEIL;
    case OPS_RESIZE_NEAREST_FLOOR:
      return OPS_KRESIZE_NEAREST_FLOOR;
    case OPS_RESIZE_NEAREST_CEIL:
      return OPS_KRESIZE_NEAREST_CEIL;
    case OPS_RESIZE_NEAREST_LEGACY:
    case OPS_RESIZE_NEAREST_COUNT:
      break;
  }
  return OPS_KRESIZE_NEAREST_LEGACY;
}

static struct ops_kdims kdims_of(const struct ops_tensor *t) {
  struct ops_kdims k = {.rank = t->shape.rank};
  for (int i = 0; i < t->shape.rank; i++)
    k.d[i] = t->shape.dims[i];
  return k;
}

/* Why the resolved args are not known: a value input that is not a constant (roi counts only
 * for tf_crop_and_resize, the one mode that reads it). */
static enum ops_status not_constant(const struct bind_ctx *c, const struct ops_resize_args *a) {
  bool upsample = c->node->op == OPS_OP_UPSAMPLE;
  bool legacy = upsample || opset_before(c, 11);
  for (int i = 1; i < c->node->n_inputs; i++) {
    const struct ops_tensor *t = in_t(c, i);
    if (t == NULL || t->data != NULL) continue;
    if (!legacy && i == 1 && a->coord != OPS_RESIZE_COORD_TF_CROP_AND_RESIZE) continue;
    int64_t n;
    if (ops_tensor_numel(t, &n) && n == 0) continue;
    const char *role = legacy ? "scales" : i == 1 ? "roi" : i == 2 ? "scales" : "sizes";
    return node_fail(c, OPS_ERR_UNSUPPORTED,
                     "%s input '%s' is not a constant; the scalar unit needs it at compile time",
                     role, t->name);
  }
  return node_fail(c, OPS_ERR_UNSUPPORTED, "the output dims are not known when binding");
}

enum ops_status ops_bind_scalar_resize(const struct ops_graph *g, const struct ops_node *node,
                                       struct ops_diag *d, void **params, size_t *scratch_bytes) {
  struct bind_ctx ctx = {.g = g, .node = node, .d = d};
  const struct bind_ctx *c = &ctx;
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  if (x->shape.rank < 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input 0 '%s' is a scalar; there are no dims to resize",
                     x->name);
  }
  struct ops_resize_args a;
  if ((st = ops_shape_resize_resolve(g, node, g->opset, &a, d)) != OPS_OK) return st;
  if (!a.known) return not_constant(c, &a);
  if ((st = expect_dims(c, y, x->shape.rank, a.out)) != OPS_OK) return st;

  /* The kernel for dtypes other than f32, f64 and f16 only copies elements: nearest, with no
   * value to invent. */
  bool interpolates =
      x->dtype == OPS_DTYPE_F32 || x->dtype == OPS_DTYPE_F64 || x->dtype == OPS_DTYPE_F16;
  if (!interpolates) {
    if (a.mode != OPS_RESIZE_MODE_NEAREST) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "%s interpolation of %s is not supported; the scalar unit interpolates "
                       "f32, f64 and f16 only (nearest works for every dtype)",
                       a.mode == OPS_RESIZE_MODE_LINEAR ? "linear" : "cubic",
                       ops_dtype_name(x->dtype));
    }
    if (a.coord == OPS_RESIZE_COORD_TF_CROP_AND_RESIZE) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "tf_crop_and_resize on %s is not supported; the scalar unit writes "
                       "extrapolation_value into f32, f64 and f16 outputs only",
                       ops_dtype_name(x->dtype));
    }
  }

  struct ops_resize_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->mode = kernel_mode(a.mode);
  p->coord = kernel_coord(a.coord);
  p->nearest = kernel_nearest(a.nearest);
  p->cubic_a = a.cubic_a;
  p->exclude_outside = a.exclude_outside;
  p->antialias = a.antialias;
  p->extrapolation = a.extrapolation;
  for (int i = 0; i < x->shape.rank; i++) {
    p->scale[i] = a.scale[i];
    p->resized_len[i] = a.resized_len[i];
    p->roi_start[i] = a.roi_start[i];
    p->roi_end[i] = a.roi_end[i];
  }
  struct ops_kdims xd = kdims_of(x), yd = kdims_of(y);
  for (int i = 0; i < xd.rank; i++) {
    int64_t taps = ops_resize_axis_taps(p, i, xd.d[i], yd.d[i]);
    if (taps < 1 || taps > TAPS_LIMIT) {
      ops_params_free(p);
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "axis %d: the antialias filter for scale %g spans more than %" PRId64
                       " taps per output",
                       i, a.scale[i], TAPS_LIMIT);
    }
  }
  size_t bytes;
  if (!ops_resize_scratch_bytes(p, &xd, &yd, &bytes)) {
    ops_params_free(p);
    return node_fail(c, OPS_ERR_BAD_INPUT, "the interpolation tables for output %s are too large",
                     y->name);
  }
  *params = p;
  *scratch_bytes = bytes;
  return OPS_OK;
}

enum ops_status ops_bind_scalar_depth_space(const struct ops_graph *g, const struct ops_node *node,
                                            struct ops_diag *d, void **params) {
  struct bind_ctx ctx = {.g = g, .node = node, .d = d};
  const struct bind_ctx *c = &ctx;
  bool to_space = node->op == OPS_OP_DEPTH_TO_SPACE;
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  if ((st = need_rank(c, x, 4, "N, C, H, W")) != OPS_OK) return st;
  if (ops_node_attr(node, "blocksize") == NULL) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "required attribute 'blocksize' is missing");
  }
  int64_t b;
  if ((st = ops_node_attr_int(node, "blocksize", 0, &b, d)) != OPS_OK) return st;
  if (b < 1 || b > (INT64_C(1) << 31)) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "attribute 'blocksize' is %" PRId64 ", expected a positive size", b);
  }
  bool crd = false;
  if (to_space) {
    const char *mode;
    if ((st = ops_node_attr_string(node, "mode", "DCR", &mode, d)) != OPS_OK) return st;
    crd = strcmp(mode, "CRD") == 0;
    if (!crd && strcmp(mode, "DCR") != 0) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'mode' is '%s', expected DCR or CRD", mode);
    }
  }
  const int64_t *in = x->shape.dims;
  int64_t bb = b * b, want[4] = {in[0], 0, 0, 0};
  if (to_space) {
    if (in[1] % bb != 0) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "channels %" PRId64 " are not a multiple of blocksize^2 = %" PRId64, in[1],
                       bb);
    }
    want[1] = in[1] / bb;
    if (!ops_mul_i64(in[2], b, &want[2]) || !ops_mul_i64(in[3], b, &want[3])) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "the output dims overflow");
    }
  } else {
    if (in[2] % b != 0 || in[3] % b != 0) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "spatial dims %" PRId64 " x %" PRId64
                       " are not multiples of blocksize %" PRId64,
                       in[2], in[3], b);
    }
    if (!ops_mul_i64(in[1], bb, &want[1])) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "the output dims overflow");
    }
    want[2] = in[2] / b;
    want[3] = in[3] / b;
  }
  if ((st = expect_dims(c, y, 4, want)) != OPS_OK) return st;
  struct ops_depth_space_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->blocksize = b;
  p->crd = crd;
  *params = p;
  return OPS_OK;
}
