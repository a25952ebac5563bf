/*
 * Shape inference for the ops that resample or rearrange the spatial dims of an image-like
 * tensor: Resize, Upsample, DepthToSpace and SpaceToDepth; and ops_shape_resize_resolve(), which
 * reads a Resize or Upsample node into per-axis terms for both this file and the scalar binder.
 *
 * Resize has grown through its opsets: 10 takes (X, scales) and resamples like Upsample;
 * 11 adds roi and sizes and the coordinate_transformation_mode, nearest_mode and cubic
 * attributes; 13 makes roi and scales optional; 18 adds axes, keep_aspect_ratio_policy and
 * antialias; 19 adds half_pixel_symmetric. Every form is read here, so the rest of opscope sees
 * one struct ops_resize_args.
 */
#include "src/shape-infer-resize.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "src/shape-infer-impl.h"
#include "src/size.h"

/* Output dims from scales must stay far from int64 overflow; no image is 2^53 wide, and doubles
 * hold every integer below that exactly. */
#define RESIZE_DIM_LIMIT 9007199254740992.0

struct name_value {
  const char *name;
  int value;
};

static const struct name_value modes[] = {
    {"nearest", OPS_RESIZE_MODE_NEAREST},
    {"linear", OPS_RESIZE_MODE_LINEAR},
    {"cubic", OPS_RESIZE_MODE_CUBIC},
};

static const struct name_value coords[] = {
    {"half_pixel", OPS_RESIZE_COORD_HALF_PIXEL},
    {"half_pixel_symmetric", OPS_RESIZE_COORD_HALF_PIXEL_SYMMETRIC},
    {"pytorch_half_pixel", OPS_RESIZE_COORD_PYTORCH_HALF_PIXEL},
    {"align_corners", OPS_RESIZE_COORD_ALIGN_CORNERS},
    {"asymmetric", OPS_RESIZE_COORD_ASYMMETRIC},
    {"tf_half_pixel_for_nn", OPS_RESIZE_COORD_TF_HALF_PIXEL_FOR_NN},
    {"tf_crop_and_resize", OPS_RESIZE_COORD_TF_CROP_AND_RESIZE},
};

static const struct name_value nearests[] = {
    {"round_prefer_floor", OPS_RESIZE_NEAREST_ROUND_PREFER_FLOOR},
    {"round_prefer_ceil", OPS_RESIZE_NEAREST_ROUND_PREFER_CEIL},
    {"floor", OPS_RESIZE_NEAREST_FLOOR},
    {"ceil", OPS_RESIZE_NEAREST_CEIL},
};

static const struct name_value policies[] = {
    {"stretch", 0},
    {"not_larger", 1},
    {"not_smaller", 2},
};

/* The context every message needs: "node 'NAME' (Op): ...". */
struct resolve {
  const struct ops_graph *g;
  const struct ops_node *node;
  struct ops_diag *d;
};

static enum ops_status resolve_fail(const struct resolve *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static enum ops_status resolve_fail(const struct resolve *r, const char *fmt, ...) {
  char text[OPS_DIAG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  return ops_fail(r->d, OPS_ERR_BAD_INPUT, "node '%s' (%s): %s", r->node->name, r->node->op_type,
                  text);
}

/* A string attribute looked up in `table`; `n` entries, of which the first `allowed` are valid
 * for this opset form. */
static enum ops_status enum_attr(const struct resolve *r, const char *attr, const char *dflt,
                                 const struct name_value *table, size_t n, size_t allowed,
                                 int *out) {
  const char *s;
  enum ops_status st = ops_node_attr_string(r->node, attr, dflt, &s, r->d);
  if (st != OPS_OK) return st;
  for (size_t i = 0; i < n && i < allowed; i++) {
    if (strcmp(s, table[i].name) == 0) {
      *out = table[i].value;
      return OPS_OK;
    }
  }
  char list[256];
  size_t used = 0;
  list[0] = '\0';
  for (size_t i = 0; i < n && i < allowed && used < sizeof list; i++) {
    int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", table[i].name);
    if (w < 0) break;
    used += (size_t)w;
  }
  return resolve_fail(r, "attribute '%s' is '%s', expected one of %s", attr, s, list);
}

static enum ops_status bool_attr(const struct resolve *r, const char *attr, bool *out) {
  int64_t v;
  enum ops_status st = ops_node_attr_int(r->node, attr, 0, &v, r->d);
  if (st != OPS_OK) return st;
  if (v != 0 && v != 1) {
    return resolve_fail(r, "attribute '%s' is %lld, expected 0 or 1", attr, (long long)v);
  }
  *out = v != 0;
  return OPS_OK;
}

/* Elements of an optional input: -1 when its shape is not known, 0 when omitted. */
static int64_t input_count(const struct ops_tensor *t) {
  int64_t n;
  if (t == NULL) return 0;
  if (!ops_shape_is_known(&t->shape) || !ops_shape_numel(&t->shape, &n)) return -1;
  return n;
}

/* An IEEE binary16 value (roi may be f16); src/ does not reach kernels/half.h. */
static double f16_value(uint16_t h) {
  int exponent = (h >> 10) & 0x1f, mantissa = h & 0x3ff;
  double sign = (h & 0x8000) ? -1.0 : 1.0;
  if (exponent == 0) return sign * ldexp(mantissa, -24);
  if (exponent == 31) return mantissa ? NAN : sign * INFINITY;
  return sign * ldexp(mantissa + 1024, exponent - 25);
}

/* The float values of input `t` (f16, f32 or f64), `n` of them, into out[]; false when its
 * value is not known. */
static bool read_floats(const struct ops_tensor *t, int64_t n, double *out) {
  if (!ops_shape_has_value(t)) return false;
  for (int64_t i = 0; i < n; i++) {
    if (t->dtype == OPS_DTYPE_F16) {
      uint16_t h;
      memcpy(&h, (const unsigned char *)t->data + (size_t)i * sizeof h, sizeof h);
      out[i] = f16_value(h);
    } else if (!ops_shape_get_double(t, i, &out[i])) {
      return false;
    }
  }
  return true;
}

static enum ops_status check_count(const struct resolve *r, const struct ops_tensor *t,
                                   const char *role, int64_t have, int64_t want) {
  if (t->shape.rank != 1) {
    return resolve_fail(r, "%s '%s' has rank %d, expected 1", role, t->name, t->shape.rank);
  }
  if (have != want) {
    return resolve_fail(r, "%s '%s' has %lld values, expected %lld", role, t->name, (long long)have,
                        (long long)want);
  }
  return OPS_OK;
}

/* Mode and coordinate attributes. `legacy` is Upsample and Resize-10: asymmetric coordinates,
 * the legacy nearest rule, and no cubic. */
static enum ops_status read_attrs(const struct resolve *r, bool legacy, struct ops_resize_args *a) {
  int v = 0;
  size_t n_modes = sizeof modes / sizeof modes[0];
  enum ops_status st =
      enum_attr(r, "mode", "nearest", modes, n_modes, legacy ? n_modes - 1 : n_modes, &v);
  if (st != OPS_OK) return st;
  a->mode = (enum ops_resize_mode)v;
  a->coord = OPS_RESIZE_COORD_ASYMMETRIC;
  a->nearest = OPS_RESIZE_NEAREST_LEGACY;
  a->cubic_a = -0.75f;
  if (legacy) return OPS_OK;

  size_t n_coords = sizeof coords / sizeof coords[0];
  st = enum_attr(r, "coordinate_transformation_mode", "half_pixel", coords, n_coords, n_coords, &v);
  if (st != OPS_OK) return st;
  a->coord = (enum ops_resize_coord)v;
  size_t n_nearest = sizeof nearests / sizeof nearests[0];
  st = enum_attr(r, "nearest_mode", "round_prefer_floor", nearests, n_nearest, n_nearest, &v);
  if (st != OPS_OK) return st;
  a->nearest = (enum ops_resize_nearest)v;
  if ((st = ops_node_attr_float(r->node, "cubic_coeff_a", -0.75f, &a->cubic_a, r->d)) != OPS_OK) {
    return st;
  }
  if (!isfinite(a->cubic_a)) return resolve_fail(r, "attribute 'cubic_coeff_a' is not finite");
  st = ops_node_attr_float(r->node, "extrapolation_value", 0.0f, &a->extrapolation, r->d);
  if (st != OPS_OK) return st;
  if ((st = bool_attr(r, "exclude_outside", &a->exclude_outside)) != OPS_OK) return st;
  return bool_attr(r, "antialias", &a->antialias);
}

/* axes (opset 18): which dims scales, sizes and roi describe; all dims when absent. */
static enum ops_status read_axes(const struct resolve *r, int rank, int *axes, int *n) {
  const int64_t *v;
  size_t count;
  enum ops_status st = ops_node_attr_ints(r->node, "axes", &v, &count, r->d);
  if (st != OPS_OK) return st;
  if (v == NULL) {
    for (int i = 0; i < rank; i++)
      axes[i] = i;
    *n = rank;
    return OPS_OK;
  }
  if (count > (size_t)rank) {
    return resolve_fail(r, "attribute 'axes' has %zu values, more than rank %d", count, rank);
  }
  bool seen[OPS_MAX_RANK] = {false};
  for (size_t i = 0; i < count; i++) {
    if (v[i] < -(int64_t)rank || v[i] >= rank) {
      return resolve_fail(r, "axes[%zu] = %lld is out of range for rank %d", i, (long long)v[i],
                          rank);
    }
    int ax = (int)(v[i] < 0 ? v[i] + rank : v[i]);
    if (seen[ax]) return resolve_fail(r, "axis %d appears twice in attribute 'axes'", ax);
    seen[ax] = true;
    axes[i] = ax;
  }
  *n = (int)count;
  return OPS_OK;
}

/* roi of tf_crop_and_resize: [start..., end...] over the axes; [0, 1] everywhere else and when
 * roi is omitted or empty. *known is cleared when the value is not known. */
static enum ops_status read_roi(const struct resolve *r, const struct ops_tensor *roi,
                                const int *axes, int n_axes, struct ops_resize_args *a,
                                bool *known) {
  for (int i = 0; i < a->rank; i++) {
    a->roi_start[i] = 0.0;
    a->roi_end[i] = 1.0;
  }
  int64_t count = input_count(roi);
  if (a->coord != OPS_RESIZE_COORD_TF_CROP_AND_RESIZE || count == 0) return OPS_OK;
  if (count < 0) {
    *known = false;
    return OPS_OK;
  }
  if (roi->dtype != OPS_DTYPE_F32 && roi->dtype != OPS_DTYPE_F64 && roi->dtype != OPS_DTYPE_F16) {
    return resolve_fail(r, "roi '%s' is %s, expected f16, f32 or f64", roi->name,
                        ops_dtype_name(roi->dtype));
  }
  enum ops_status st = check_count(r, roi, "roi", count, 2 * (int64_t)n_axes);
  if (st != OPS_OK) return st;
  double v[2 * OPS_MAX_RANK];
  if (!read_floats(roi, count, v)) {
    *known = false;
    return OPS_OK;
  }
  for (int i = 0; i < n_axes; i++) {
    if (!isfinite(v[i]) || !isfinite(v[n_axes + i])) {
      return resolve_fail(r, "roi '%s' holds a value that is not finite", roi->name);
    }
    a->roi_start[axes[i]] = v[i];
    a->roi_end[axes[i]] = v[n_axes + i];
  }
  return OPS_OK;
}

/* Output dims, scales and resized lengths from scales (one per listed axis). */
static enum ops_status from_scales(const struct resolve *r, const struct ops_tensor *x,
                                   const double *scales, const int *axes, int n_axes,
                                   struct ops_resize_args *a) {
  for (int i = 0; i < n_axes; i++) {
    int ax = axes[i];
    double s = scales[i];
    if (!isfinite(s) || s <= 0.0) {
      return resolve_fail(r, "scale %g for axis %d is not a positive number", s, ax);
    }
    a->scale[ax] = s;
    int64_t in = x->shape.dims[ax];
    /* An unknown roi (tf_crop_and_resize) leaves the size unknown too. */
    if (in < 0 || !a->known) {
      a->out[ax] = -1;
      continue;
    }
    /* The spec's floor(input_dimension * (roi_end - roi_start) * scale); the roi is [0, 1]
     * outside tf_crop_and_resize. */
    double len = (double)in * (a->roi_end[ax] - a->roi_start[ax]) * s;
    if (!(len < RESIZE_DIM_LIMIT) || len <= -1.0) {
      return resolve_fail(r, "axis %d of size %lld scaled by %g gives an output size of %g", ax,
                          (long long)in, s, len);
    }
    a->resized_len[ax] = len;
    a->out[ax] = len < 0.0 ? 0 : (int64_t)floor(len);
  }
  return OPS_OK;
}

/* Output dims, scales and resized lengths from sizes, honouring keep_aspect_ratio_policy. */
static enum ops_status from_sizes(const struct resolve *r, const struct ops_tensor *x,
                                  const int64_t *sizes, const int *axes, int n_axes, int policy,
                                  struct ops_resize_args *a) {
  for (int i = 0; i < n_axes; i++) {
    if (sizes[i] < 0 || (double)sizes[i] >= RESIZE_DIM_LIMIT) {
      return resolve_fail(r, "sizes[%d] = %lld for axis %d is not a valid dim", i,
                          (long long)sizes[i], axes[i]);
    }
  }
  double common = policy == 1 ? INFINITY : 0.0;
  for (int i = 0; i < n_axes; i++) {
    int ax = axes[i];
    int64_t in = x->shape.dims[ax];
    if (in < 0) {
      a->known = false;
      a->out[ax] = policy == 0 ? sizes[i] : -1;
      continue;
    }
    if (in == 0 && sizes[i] != 0) {
      return resolve_fail(r, "axis %d is empty but sizes asks for %lld elements", ax,
                          (long long)sizes[i]);
    }
    double s = in == 0 ? 1.0 : (double)sizes[i] / (double)in;
    a->out[ax] = sizes[i];
    a->scale[ax] = s;
    a->resized_len[ax] = (double)sizes[i];
    if (policy == 1 && s < common) common = s;
    if (policy == 2 && s > common) common = s;
  }
  if (policy == 0 || !a->known) return OPS_OK;
  /* not_larger / not_smaller: one scale for every listed axis, and each size rounded from it
   * (round half up, as the spec writes it). */
  for (int i = 0; i < n_axes; i++) {
    int ax = axes[i];
    double len = common * (double)x->shape.dims[ax];
    if (!(len < RESIZE_DIM_LIMIT)) {
      return resolve_fail(r, "keep_aspect_ratio_policy gives axis %d an output size of %g", ax,
                          len);
    }
    a->scale[ax] = common;
    a->resized_len[ax] = len;
    a->out[ax] = (int64_t)floor(len + 0.5);
  }
  return OPS_OK;
}

enum ops_status ops_shape_resize_resolve(const struct ops_graph *g, const struct ops_node *node,
                                         int64_t opset, struct ops_resize_args *a,
                                         struct ops_diag *d) {
  struct resolve r = {.g = g, .node = node, .d = d};
  memset(a, 0, sizeof *a);
  const struct ops_tensor *x = ops_node_input(g, node, 0);
  int rank = x->shape.rank;
  a->rank = rank;
  a->known = true;
  for (int i = 0; i < rank; i++) {
    a->out[i] = x->shape.dims[i];
    a->scale[i] = 1.0;
    a->resized_len[i] = (double)x->shape.dims[i];
    a->roi_start[i] = 0.0;
    a->roi_end[i] = 1.0;
  }
  bool upsample = strcmp(node->op_type, "Upsample") == 0;
  bool legacy = upsample || (opset > 0 && opset < 11);
  enum ops_status st = read_attrs(&r, legacy, a);
  if (st != OPS_OK) return st;

  int axes[OPS_MAX_RANK], n_axes = rank;
  for (int i = 0; i < rank; i++)
    axes[i] = i;
  int policy = 0;
  if (!legacy) {
    if ((st = read_axes(&r, rank, axes, &n_axes)) != OPS_OK) return st;
    size_t n_policies = sizeof policies / sizeof policies[0];
    st = enum_attr(&r, "keep_aspect_ratio_policy", "stretch", policies, n_policies, n_policies,
                   &policy);
    if (st != OPS_OK) return st;
  }

  /* Upsample-7 carries its scales as an attribute; every later form as an input. */
  const struct ops_tensor *scales_t = ops_node_input(g, node, legacy ? 1 : 2);
  const struct ops_tensor *sizes_t = legacy ? NULL : ops_node_input(g, node, 3);
  double scales[OPS_MAX_RANK];
  if (upsample && scales_t == NULL) {
    const float *v;
    size_t count;
    if ((st = ops_node_attr_floats(node, "scales", &v, &count, d)) != OPS_OK) return st;
    if (v == NULL) return resolve_fail(&r, "has neither a scales input nor a scales attribute");
    if (count != (size_t)rank) {
      return resolve_fail(&r, "attribute 'scales' has %zu values, expected %d (the rank of X)",
                          count, rank);
    }
    for (int i = 0; i < rank; i++)
      scales[i] = v[i];
    return from_scales(&r, x, scales, axes, rank, a);
  }

  if (!legacy) {
    st = read_roi(&r, ops_node_input(g, node, 1), axes, n_axes, a, &a->known);
    if (st != OPS_OK) return st;
  }
  int64_t n_scales = input_count(scales_t), n_sizes = input_count(sizes_t);
  if (n_scales != 0 && n_sizes != 0) {
    /* Unknown counts cannot be told apart from empty ones yet. */
    if (n_scales < 0 || n_sizes < 0) {
      a->known = false;
      for (int i = 0; i < n_axes; i++)
        a->out[axes[i]] = -1;
      return OPS_OK;
    }
    return resolve_fail(&r, "has both scales and sizes; expected exactly one of them");
  }
  if (n_scales == 0 && n_sizes == 0) {
    return resolve_fail(&r, legacy ? "input 1 (scales) is missing or empty"
                                   : "has neither scales nor sizes; expected exactly one of them");
  }
  if (n_scales < 0 || n_sizes < 0) {
    a->known = false;
    for (int i = 0; i < n_axes; i++)
      a->out[axes[i]] = -1;
    return OPS_OK;
  }

  if (n_scales > 0) {
    if (scales_t->dtype != OPS_DTYPE_F32 && scales_t->dtype != OPS_DTYPE_F64) {
      return resolve_fail(&r, "scales '%s' is %s, expected f32", scales_t->name,
                          ops_dtype_name(scales_t->dtype));
    }
    if ((st = check_count(&r, scales_t, "scales", n_scales, n_axes)) != OPS_OK) return st;
    if (!read_floats(scales_t, n_scales, scales)) {
      a->known = false;
      for (int i = 0; i < n_axes; i++)
        a->out[axes[i]] = -1;
      return OPS_OK;
    }
    return from_scales(&r, x, scales, axes, n_axes, a);
  }

  if (!ops_shape_dtype_is_int(sizes_t->dtype) || sizes_t->dtype == OPS_DTYPE_BOOL) {
    return resolve_fail(&r, "sizes '%s' is %s, expected i64", sizes_t->name,
                        ops_dtype_name(sizes_t->dtype));
  }
  if ((st = check_count(&r, sizes_t, "sizes", n_sizes, n_axes)) != OPS_OK) return st;
  int64_t sizes[OPS_MAX_RANK];
  size_t got;
  if (!ops_shape_read_ints(sizes_t, sizes, OPS_MAX_RANK, &got)) {
    a->known = false;
    for (int i = 0; i < n_axes; i++)
      a->out[axes[i]] = -1;
    return OPS_OK;
  }
  return from_sizes(&r, x, sizes, axes, n_axes, policy, a);
}

/* ---- shape inference ---- */

enum ops_status ops_shape_infer_resize(struct ops_infer *c) {
  bool upsample = c->node->op == OPS_OP_UPSAMPLE;
  bool legacy = upsample || c->opset < 11;
  enum ops_status st = ops_shape_check_arity(c, 1, legacy ? 2 : 4, 1);
  if (st != OPS_OK) return st;
  if (!ops_shape_inputs_typed(c, 1)) return OPS_OK;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  if (x->shape.rank < 0) return ops_shape_set_unknown(c, 0, x->dtype);
  if (x->shape.rank == 0) {
    return ops_shape_fail(c, "input 0 '%s' is a scalar; there are no dims to resize", x->name);
  }
  struct ops_resize_args a;
  st = ops_shape_resize_resolve(c->g, c->node, c->opset, &a, c->d);
  if (st != OPS_OK) return st;
  struct ops_shape s = ops_shape_make(x->shape.rank, a.out);
  return ops_shape_set(c, 0, x->dtype, &s);
}

/* DepthToSpace moves blocks of channels into blocksize x blocksize spatial tiles; SpaceToDepth
 * is its inverse (in DCR order). Both are 4-D, NCHW. */
enum ops_status ops_shape_infer_depth_space(struct ops_infer *c) {
  bool to_space = c->node->op == OPS_OP_DEPTH_TO_SPACE;
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK) return st;
  if (ops_node_attr(c->node, "blocksize") == NULL) {
    return ops_shape_fail(c, "required attribute 'blocksize' is missing");
  }
  int64_t b;
  if ((st = ops_node_attr_int(c->node, "blocksize", 0, &b, c->d)) != OPS_OK) return st;
  if (b < 1 || b > (INT64_C(1) << 31)) {
    return ops_shape_fail(c, "attribute 'blocksize' is %lld, expected a positive size",
                          (long long)b);
  }
  if (to_space) {
    const char *mode;
    if ((st = ops_node_attr_string(c->node, "mode", "DCR", &mode, c->d)) != OPS_OK) return st;
    if (strcmp(mode, "DCR") != 0 && strcmp(mode, "CRD") != 0) {
      return ops_shape_fail(c, "attribute 'mode' is '%s', expected DCR or CRD", mode);
    }
  }
  if (!ops_shape_inputs_typed(c, 1)) return OPS_OK;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  if (x->shape.rank < 0) {
    struct ops_shape s = ops_shape_make(4, (const int64_t[]){-1, -1, -1, -1});
    return ops_shape_set(c, 0, x->dtype, &s);
  }
  if (x->shape.rank != 4) {
    return ops_shape_fail(c, "input 0 '%s' has rank %d, expected 4 (N, C, H, W)", x->name,
                          x->shape.rank);
  }
  const int64_t *in = x->shape.dims;
  int64_t out[4] = {in[0], -1, -1, -1};
  int64_t bb = b * b; /* b <= 2^31, so b * b < 2^62 */
  if (to_space) {
    if (in[1] >= 0) {
      if (in[1] % bb != 0) {
        return ops_shape_fail(c, "channels %lld are not a multiple of blocksize^2 = %lld",
                              (long long)in[1], (long long)bb);
      }
      out[1] = in[1] / bb;
    }
    for (int k = 2; k < 4; k++) {
      if (in[k] >= 0 && !ops_mul_i64(in[k], b, &out[k])) {
        return ops_shape_fail(c, "dim %d (%lld) times blocksize %lld overflows", k,
                              (long long)in[k], (long long)b);
      }
    }
  } else {
    if (in[1] >= 0 && !ops_mul_i64(in[1], bb, &out[1])) {
      return ops_shape_fail(c, "channels %lld times blocksize^2 = %lld overflows", (long long)in[1],
                            (long long)bb);
    }
    for (int k = 2; k < 4; k++) {
      if (in[k] < 0) continue;
      if (in[k] % b != 0) {
        return ops_shape_fail(c, "dim %d (%lld) is not a multiple of blocksize %lld", k,
                              (long long)in[k], (long long)b);
      }
      out[k] = in[k] / b;
    }
  }
  struct ops_shape s = ops_shape_make(4, out);
  return ops_shape_set(c, 0, x->dtype, &s);
}
