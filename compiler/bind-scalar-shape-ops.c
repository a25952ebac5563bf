/*
 * Binding the data-movement and fill ops to the scalar unit: checks what their kernels
 * (kernels/scalar/pad.c, tile-expand.c, split-compress.c, fill.c, trilu.c, cumsum.c,
 * cast-like.c) rely on and fills their params (kernels/params-shape-ops.h).
 *
 * As in compiler/bind-scalar.c, the output dims are recomputed from the inputs and compared
 * with the inferred ones, so a kernel never writes past its output. The inputs that decide an
 * output shape (pads, repeats, shape, split, condition, depth, axis, k) must be known here: an
 * initializer, a folded value, or a graph input bound to its value before planning; otherwise
 * the node is refused with that reason. Every message names the node and op.
 *
 * Adding an op: a bind_<op> function and its case in ops_bind_scalar_shape_ops().
 */
#include "compiler/bind-scalar-shape-ops.h"

#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/half.h"
#include "kernels/kernel.h"
#include "kernels/params-shape-ops.h"
#include "compiler/compiler-impl.h"
#include "src/size.h"

/* Pads above this (either sign) are refused: no model comes near it, and it keeps the kernel's
 * index arithmetic far from overflow. */
#define PAD_LIMIT (INT64_C(1) << 31)

/* ---- reading inputs ---- */

/* One integer that must be known now: a one-element i32 or i64 input. */
static enum ops_status const_int(const struct bind_ctx *c, const struct ops_tensor *t,
                                 const char *role, int64_t *out) {
  size_t n;
  enum ops_status st = const_ints(c, t, role, out, 1, &n);
  if (st == OPS_OK && n != 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' is empty, expected one value", role, t->name);
  }
  return st;
}

/* A one-element numeric input that must be known now, as double (integers exactly up to 2^53,
 * far beyond any dim). */
static enum ops_status const_number(const struct bind_ctx *c, const struct ops_tensor *t,
                                    const char *role, double *out) {
  int64_t n, i;
  if (!ops_tensor_numel(t, &n) || n != 1) {
    char s[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' has shape %s, expected one element", role,
                     t->name, ops_shape_format(&t->shape, s, sizeof s));
  }
  if (t->data == NULL) {
    return node_fail(c, OPS_ERR_UNSUPPORTED,
                     "%s '%s' is not a constant; the scalar unit needs it at compile time", role,
                     t->name);
  }
  if (ops_tensor_get_int(t, 0, &i)) {
    *out = (double)i;
    return OPS_OK;
  }
  size_t size = ops_dtype_size(t->dtype);
  if (t->nbytes < size) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' holds fewer bytes than its shape", role,
                     t->name);
  }
  switch (t->dtype) {
    case OPS_DTYPE_F32: {
      float f;
      memcpy(&f, t->data, sizeof f);
      *out = f;
      return OPS_OK;
    }
    case OPS_DTYPE_F64:
      memcpy(out, t->data, sizeof *out);
      return OPS_OK;
    case OPS_DTYPE_F16:
    case OPS_DTYPE_BF16: {
      uint16_t h;
      memcpy(&h, t->data, sizeof h);
      *out = t->dtype == OPS_DTYPE_F16 ? ops_f16_to_f32(h) : ops_bf16_to_f32(h);
      return OPS_OK;
    }
    default:
      return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' is %s, expected a number", role, t->name,
                       ops_dtype_name(t->dtype));
  }
}

/* A boolean attribute: absent gives `dflt`, present must be 0 or 1. */
static enum ops_status flag_attr(const struct bind_ctx *c, const char *name, bool dflt, bool *out) {
  int64_t v;
  enum ops_status st = ops_node_attr_int(c->node, name, dflt, &v, c->d);
  if (st != OPS_OK) return st;
  if (v != 0 && v != 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute '%s' is %" PRId64 ", expected 0 or 1", name,
                     v);
  }
  *out = v != 0;
  return OPS_OK;
}

/* `v` as one element of `dtype` in out[0..size). Integer targets need an integral value in
 * their range (bool takes any value, as non-zero), so no conversion is undefined. */
static enum ops_status number_bytes(const struct bind_ctx *c, double v, enum ops_dtype dtype,
                                    const char *what, unsigned char *out) {
  memset(out, 0, OPS_KMAX_ELEM);
  switch (dtype) {
    case OPS_DTYPE_F32: {
      float f = (float)v;
      memcpy(out, &f, sizeof f);
      return OPS_OK;
    }
    case OPS_DTYPE_F64:
      memcpy(out, &v, sizeof v);
      return OPS_OK;
    case OPS_DTYPE_F16:
    case OPS_DTYPE_BF16: {
      uint16_t h = dtype == OPS_DTYPE_F16 ? ops_f32_to_f16((float)v) : ops_f32_to_bf16((float)v);
      memcpy(out, &h, sizeof h);
      return OPS_OK;
    }
    case OPS_DTYPE_BOOL:
      out[0] = v != 0;
      return OPS_OK;
    default:
      break;
  }
  bool is_unsigned = dtype == OPS_DTYPE_U8 || dtype == OPS_DTYPE_U16 || dtype == OPS_DTYPE_U32 ||
                     dtype == OPS_DTYPE_U64;
  size_t size = ops_dtype_size(dtype);
  /* The range of a size-byte integer; 2^63 and 2^64 are exact in double. */
  double hi =
      size == 8 ? (is_unsigned ? 0x1p64 : 0x1p63) : ldexp(1.0, (int)(8 * size - !is_unsigned));
  double lo = is_unsigned ? 0.0 : -hi;
  if (!(v == trunc(v) && v >= lo && v < hi)) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s %g is not a value of %s", what, v,
                     ops_dtype_name(dtype));
  }
  uint64_t bits = v < 0 ? (uint64_t)(int64_t)v : (uint64_t)v;
  /* Little-endian, like every tensor the loaders produce. */
  for (size_t i = 0; i < size; i++)
    out[i] = (unsigned char)(bits >> (8 * i));
  return OPS_OK;
}

/* ---- Pad ---- */

static enum ops_status bind_pad(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int rank = x->shape.rank;
  struct ops_pad_params r = {.mode = OPS_PAD_MODE_CONSTANT};
  const char *mode;
  if ((st = ops_node_attr_string(c->node, "mode", "constant", &mode, c->d)) != OPS_OK) return st;
  static const char *const modes[OPS_PAD_MODE_COUNT] = {"constant", "reflect", "edge", "wrap"};
  int m = 0;
  while (m < OPS_PAD_MODE_COUNT && strcmp(modes[m], mode) != 0)
    m++;
  if (m == OPS_PAD_MODE_COUNT) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "mode '%s' is not one of constant, reflect, edge, wrap",
                     mode);
  }
  r.mode = (enum ops_pad_mode)m;

  int64_t pads[2 * OPS_KMAX_RANK], axes[OPS_KMAX_RANK];
  size_t n_pads = 0, n_axes = (size_t)rank;
  for (int i = 0; i < rank; i++)
    axes[i] = i;
  if (opset_before(c, 11)) {
    /* Opsets 2 and 11 differ: before 11 the pads and the fill are attributes. */
    const int64_t *v;
    size_t count;
    if ((st = ops_node_attr_ints(c->node, "pads", &v, &count, c->d)) != OPS_OK) return st;
    if (v == NULL) return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'pads' is required");
    if (count > 2 * (size_t)OPS_KMAX_RANK) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'pads' has %zu values, expected %d", count,
                       2 * rank);
    }
    memcpy(pads, v, count * sizeof *v);
    n_pads = count;
    float value;
    if ((st = ops_node_attr_float(c->node, "value", 0.0f, &value, c->d)) != OPS_OK) return st;
    if (r.mode == OPS_PAD_MODE_CONSTANT) {
      if ((st = number_bytes(c, value, x->dtype, "attribute 'value'", r.value)) != OPS_OK) {
        return st;
      }
    }
  } else {
    const struct ops_tensor *t;
    if ((st = need_in(c, 1, "pads", &t)) != OPS_OK) return st;
    if ((st = const_ints(c, t, "pads", pads, 2 * (size_t)OPS_KMAX_RANK, &n_pads)) != OPS_OK) {
      return st;
    }
    const struct ops_tensor *a = in_t(c, 3);
    if (a != NULL && (st = const_ints(c, a, "axes", axes, OPS_KMAX_RANK, &n_axes)) != OPS_OK) {
      return st;
    }
    const struct ops_tensor *v = in_t(c, 2);
    if (v != NULL && r.mode == OPS_PAD_MODE_CONSTANT) {
      int64_t nv;
      if ((st = need_dtype(c, v, x->dtype)) != OPS_OK) return st;
      if (!ops_tensor_numel(v, &nv) || nv != 1) {
        char s[160];
        return node_fail(c, OPS_ERR_BAD_INPUT,
                         "constant_value '%s' has shape %s, expected one element", v->name,
                         ops_shape_format(&v->shape, s, sizeof s));
      }
      /* A known fill is copied now; otherwise the kernel reads it at each run. */
      size_t esize = ops_dtype_size(x->dtype);
      if (v->data != NULL && v->nbytes >= esize) {
        memcpy(r.value, v->data, esize);
      } else {
        r.value_from_input = true;
      }
    }
  }
  if (n_pads != 2 * n_axes) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "pads has %zu values, expected %zu (two per %s)", n_pads,
                     2 * n_axes, n_axes == (size_t)rank ? "axis" : "listed axis");
  }
  int64_t want[OPS_MAX_RANK];
  int64_t end[OPS_KMAX_RANK] = {0};
  uint32_t seen = 0;
  for (size_t i = 0; i < n_axes; i++) {
    int a = 0;
    if ((st = norm_axis(c, axes[i], rank, "axis", &a)) != OPS_OK) return st;
    if (seen & (1u << a)) return node_fail(c, OPS_ERR_BAD_INPUT, "axis %d is listed twice", a);
    seen |= 1u << a;
    int64_t b = pads[i], e = pads[n_axes + i];
    if (b <= -PAD_LIMIT || b >= PAD_LIMIT || e <= -PAD_LIMIT || e >= PAD_LIMIT) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "pads %" PRId64 " and %" PRId64 " on axis %d exceed the limit of 2^31", b, e,
                       a);
    }
    r.begin[a] = b;
    end[a] = e;
  }
  for (int i = 0; i < rank; i++) {
    /* Dims are below 2^63 and pads below 2^31 in size, so the sum only fails the sign test. */
    int64_t dim = x->shape.dims[i];
    want[i] = dim + r.begin[i] + end[i];
    if (dim > INT64_MAX - 2 * PAD_LIMIT || want[i] < 0) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "pads %" PRId64 " and %" PRId64 " do not fit axis %d of size %" PRId64,
                       r.begin[i], end[i], i, dim);
    }
    if (r.mode != OPS_PAD_MODE_CONSTANT && dim == 0 && want[i] > 0) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "mode '%s' cannot pad axis %d, which is empty", mode,
                       i);
    }
  }
  if ((st = expect_dims(c, y, rank, want)) != OPS_OK) return st;
  struct ops_pad_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  *p = r;
  *params = p;
  return OPS_OK;
}

/* ---- Tile, Expand ---- */

static enum ops_status bind_tile(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0), *t;
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  if ((st = need_in(c, 1, "repeats", &t)) != OPS_OK) return st;
  int64_t reps[OPS_KMAX_RANK], want[OPS_MAX_RANK];
  size_t n;
  if ((st = const_ints(c, t, "repeats", reps, OPS_KMAX_RANK, &n)) != OPS_OK) return st;
  int rank = x->shape.rank;
  if (n != (size_t)rank) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "repeats '%s' has %zu values, expected %d (the rank)",
                     t->name, n, rank);
  }
  for (int i = 0; i < rank; i++) {
    if (reps[i] < 0 || !ops_mul_i64(x->shape.dims[i], reps[i], &want[i])) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "repeat %" PRId64 " of axis %d (size %" PRId64 ") is negative or overflows",
                       reps[i], i, x->shape.dims[i]);
    }
  }
  return expect_dims(c, y, rank, want);
}

static enum ops_status bind_expand(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0), *t;
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  if ((st = need_in(c, 1, "shape", &t)) != OPS_OK) return st;
  int64_t req[OPS_KMAX_RANK], want[OPS_MAX_RANK];
  size_t n;
  if ((st = const_ints(c, t, "shape", req, OPS_KMAX_RANK, &n)) != OPS_OK) return st;
  int xr = x->shape.rank, rank = xr > (int)n ? xr : (int)n;
  for (int i = 0; i < rank; i++) {
    /* Right-aligned; a missing dim counts as 1. */
    int ix = i - (rank - xr), is = i - (rank - (int)n);
    int64_t a = ix >= 0 ? x->shape.dims[ix] : 1, b = is >= 0 ? req[is] : 1;
    if (b < 0) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "shape '%s' has the negative dim %" PRId64, t->name,
                       b);
    }
    if (a != b && a != 1 && b != 1) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "input dim %" PRId64 " does not broadcast to %" PRId64 " (output axis %d)",
                       a, b, i);
    }
    want[i] = a == 1 ? b : a;
  }
  return expect_dims(c, y, rank, want);
}

/* ---- Split, Compress ---- */

static enum ops_status bind_split(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0);
  enum ops_status st;
  int n = c->node->n_outputs, rank = x->shape.rank, axis = 0;
  int64_t axis_attr;
  if ((st = ops_node_attr_int(c->node, "axis", 0, &axis_attr, c->d)) != OPS_OK) return st;
  if (rank == 0) return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' is a scalar", x->name);
  if ((st = norm_axis(c, axis_attr, rank, "axis", &axis)) != OPS_OK) return st;
  size_t size;
  if (!ops_mul_size((size_t)n, sizeof(int64_t), &size) ||
      !ops_add_size(size, sizeof(struct ops_split_params), &size)) {
    return node_fail(c, OPS_ERR_NO_MEMORY, "%d outputs are too many", n);
  }
  struct ops_split_params *p = new_params(c, size, &st);
  if (p == NULL) return st;
  p->axis = axis;
  p->n = n;
  int64_t len = x->shape.dims[axis];

  const int64_t *attr;
  size_t count = 0;
  bool given = false;
  const struct ops_tensor *t = in_t(c, 1);
  if ((st = ops_node_attr_ints(c->node, "split", &attr, &count, c->d)) != OPS_OK) goto fail;
  if (attr != NULL) {
    given = true;
    if (count == (size_t)n) memcpy(p->sizes, attr, count * sizeof *attr);
  } else if (t != NULL) {
    /* Opset 13+: the split is input 1; an empty one means equal parts. */
    if ((st = const_ints(c, t, "split", p->sizes, (size_t)n, &count)) != OPS_OK) goto fail;
    given = count > 0;
  }
  if (given) {
    st = OPS_ERR_BAD_INPUT;
    if (count != (size_t)n) {
      node_fail(c, st, "split has %zu values for %d outputs", count, n);
      goto fail;
    }
    int64_t sum = 0;
    for (int k = 0; k < n; k++) {
      if (p->sizes[k] < 0 || __builtin_add_overflow(sum, p->sizes[k], &sum)) {
        node_fail(c, st, "split entry %d is %" PRId64, k, p->sizes[k]);
        goto fail;
      }
    }
    if (sum != len) {
      node_fail(c, st, "split sums to %" PRId64 " but axis %d has %" PRId64 " elements", sum, axis,
                len);
      goto fail;
    }
  } else {
    int64_t num;
    if ((st = ops_node_attr_int(c->node, "num_outputs", n, &num, c->d)) != OPS_OK) goto fail;
    st = OPS_ERR_BAD_INPUT;
    if (num != n) {
      node_fail(c, st, "attribute 'num_outputs' is %" PRId64 " but the node has %d outputs", num,
                n);
      goto fail;
    }
    /* Equal parts; from opset 18 with num_outputs, ceil-sized parts and a smaller last one. */
    int64_t part = len / n;
    if (len % n != 0) {
      if (opset_before(c, 18) || ops_node_attr(c->node, "num_outputs") == NULL) {
        node_fail(c, st, "axis %d of %" PRId64 " elements does not split into %d equal parts", axis,
                  len, n);
        goto fail;
      }
      part += 1;
      if (part * (n - 1) > len) {
        node_fail(c, st, "axis %d of %" PRId64 " elements has too few for %d outputs", axis, len,
                  n);
        goto fail;
      }
    }
    for (int k = 0; k < n; k++)
      p->sizes[k] = k == n - 1 ? len - part * (n - 1) : part;
  }
  for (int k = 0; k < n; k++) {
    const struct ops_tensor *y = out_t(c, k);
    if (y == NULL) continue;
    int64_t want[OPS_MAX_RANK];
    memcpy(want, x->shape.dims, (size_t)rank * sizeof *want);
    want[axis] = p->sizes[k];
    if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) goto fail;
    if ((st = expect_dims(c, y, rank, want)) != OPS_OK) goto fail;
  }
  *params = p;
  return OPS_OK;

fail:
  ops_params_free(p);
  return st;
}

static enum ops_status bind_compress(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0), *cond;
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  if ((st = need_in(c, 1, "condition", &cond)) != OPS_OK) return st;
  if ((st = need_dtype(c, cond, OPS_DTYPE_BOOL)) != OPS_OK) return st;
  if ((st = need_rank(c, cond, 1, "condition")) != OPS_OK) return st;
  int axis = -1, rank = x->shape.rank;
  int64_t len;
  if (ops_node_attr(c->node, "axis") != NULL) {
    int64_t a;
    if ((st = ops_node_attr_int(c->node, "axis", 0, &a, c->d)) != OPS_OK) return st;
    if ((st = norm_axis(c, a, rank, "axis", &axis)) != OPS_OK) return st;
    len = x->shape.dims[axis];
  } else if (!ops_tensor_numel(x, &len)) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' has too many elements", x->name);
  }
  int64_t n_cond = cond->shape.dims[0], kept = 0;
  if (n_cond > len) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "condition '%s' has %" PRId64 " entries, more than the %" PRId64 " selectable",
                     cond->name, n_cond, len);
  }
  /* The output's size is the count of true entries, so it must be known now. */
  if (n_cond > 0 && (cond->data == NULL || cond->nbytes < (size_t)n_cond)) {
    return node_fail(c, OPS_ERR_UNSUPPORTED,
                     "condition '%s' is not a constant; the output shape depends on its value",
                     cond->name);
  }
  for (int64_t i = 0; i < n_cond; i++)
    kept += ((const unsigned char *)cond->data)[i] != 0;
  int64_t want[OPS_MAX_RANK];
  int out_rank = 1;
  want[0] = kept;
  if (axis >= 0) {
    memcpy(want, x->shape.dims, (size_t)rank * sizeof *want);
    want[axis] = kept;
    out_rank = rank;
  }
  if ((st = expect_dims(c, y, out_rank, want)) != OPS_OK) return st;
  struct ops_compress_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = axis;
  *params = p;
  return OPS_OK;
}

/* NonZero: the output is [rank, count of non-zero elements], so X's value must be known when
 * binding (a graph input bound by --verify, or a constant). */
static enum ops_status bind_non_zero(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, OPS_DTYPE_I64)) != OPS_OK) return st;
  int64_t n;
  size_t esize = ops_dtype_size(x->dtype);
  if (!ops_tensor_numel(x, &n) || esize == 0) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' has no known size", x->name);
  }
  if (n > 0 && (x->data == NULL || x->nbytes < (size_t)n * esize)) {
    return node_fail(c, OPS_ERR_UNSUPPORTED,
                     "input '%s' is not known before the run; NonZero's output shape depends on "
                     "its value",
                     x->name);
  }
  int64_t count = 0;
  for (int64_t i = 0; i < n; i++)
    count += !ops_kvalue_is_zero(x->data, (int)x->dtype, i);
  int64_t want[2] = {x->shape.rank, count};
  return expect_dims(c, y, 2, want);
}

/* ---- ConstantOfShape, Range, EyeLike ---- */

static enum ops_status bind_constant_of_shape(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *t = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  struct ops_fill_params r;
  memset(&r, 0, sizeof r);
  enum ops_dtype dtype = OPS_DTYPE_F32;
  const struct ops_attr *a = ops_node_attr(c->node, "value");
  if (a != NULL) {
    int64_t n;
    if (a->type != OPS_ATTR_TENSOR || a->tensor == NULL || !ops_tensor_numel(a->tensor, &n) ||
        n != 1) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'value' is not a one-element tensor");
    }
    dtype = a->tensor->dtype;
    size_t esize = ops_dtype_size(dtype);
    if (a->tensor->data == NULL || a->tensor->nbytes < esize || esize > OPS_KMAX_ELEM) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'value' holds no %s element",
                       ops_dtype_name(dtype));
    }
    memcpy(r.value, a->tensor->data, esize);
  }
  if ((st = need_dtype(c, y, dtype)) != OPS_OK) return st;
  int64_t dims[OPS_KMAX_RANK];
  size_t n;
  if ((st = const_ints(c, t, "shape", dims, OPS_KMAX_RANK, &n)) != OPS_OK) return st;
  if ((st = expect_dims(c, y, (int)n, dims)) != OPS_OK) return st;
  struct ops_fill_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  *p = r;
  *params = p;
  return OPS_OK;
}

/* Range: the kernel writes as many elements as the output holds, from start and delta read at
 * run time; the count was computed by shape inference from the same values. */
static enum ops_status bind_range(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  const char *roles[3] = {"start", "limit", "delta"};
  for (int i = 0; i < 3; i++) {
    const struct ops_tensor *t;
    int64_t n;
    if ((st = need_in(c, i, roles[i], &t)) != OPS_OK) return st;
    if ((st = need_dtype(c, t, x->dtype)) != OPS_OK) return st;
    if (!ops_tensor_numel(t, &n) || n != 1) {
      char s[160];
      return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' has shape %s, expected one element", roles[i],
                       t->name, ops_shape_format(&t->shape, s, sizeof s));
    }
  }
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  if ((st = need_rank(c, y, 1, "the sequence")) != OPS_OK) return st;
  /* When the values are known now, the count is checked too: max(ceil((limit - start) /
   * delta), 0), in uint64 for integers so no difference overflows, in double for floats. */
  const struct ops_tensor *tl = in_t(c, 1), *td = in_t(c, 2);
  if (x->data == NULL || tl->data == NULL || td->data == NULL) return OPS_OK;
  int64_t want;
  if (ops_dtype_is_float(x->dtype)) {
    double s, l, dl;
    if ((st = const_number(c, x, "start", &s)) != OPS_OK) return st;
    if ((st = const_number(c, tl, "limit", &l)) != OPS_OK) return st;
    if ((st = const_number(c, td, "delta", &dl)) != OPS_OK) return st;
    double n = ceil((l - s) / dl);
    if (!(n < 0x1p62)) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "start %g, limit %g and delta %g give no count", s, l,
                       dl);
    }
    want = n > 0 ? (int64_t)n : 0;
  } else {
    int64_t s, l, dl;
    if (!ops_tensor_get_int(x, 0, &s) || !ops_tensor_get_int(tl, 0, &l) ||
        !ops_tensor_get_int(td, 0, &dl)) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "start, limit or delta holds no value");
    }
    if (dl == 0) return node_fail(c, OPS_ERR_BAD_INPUT, "delta is 0");
    bool up = dl > 0;
    uint64_t mag = up ? (uint64_t)dl : 0 - (uint64_t)dl;
    uint64_t span = up ? (uint64_t)l - (uint64_t)s : (uint64_t)s - (uint64_t)l;
    uint64_t n = (up ? l > s : l < s) ? (span - 1) / mag + 1 : 0;
    if (n > (uint64_t)INT64_MAX)
      return node_fail(c, OPS_ERR_BAD_INPUT, "has 2^63 elements or more");
    want = (int64_t)n;
  }
  return expect_dims(c, y, 1, &want);
}

static enum ops_status bind_eye_like(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_rank(c, x, 2, "a matrix")) != OPS_OK) return st;
  int64_t dt, k;
  if ((st = ops_node_attr_int(c->node, "dtype", x->dtype, &dt, c->d)) != OPS_OK) return st;
  if (dt != (int64_t)y->dtype) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'dtype' is %" PRId64 " but output '%s' is %s",
                     dt, y->name, ops_dtype_name(y->dtype));
  }
  if ((st = expect_same_dims(c, y, x)) != OPS_OK) return st;
  if ((st = ops_node_attr_int(c->node, "k", 0, &k, c->d)) != OPS_OK) return st;
  struct ops_eye_like_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  /* A diagonal past either edge is empty; clamping keeps i + k inside int64. */
  int64_t rows = x->shape.dims[0], cols = x->shape.dims[1];
  p->k = k < -rows ? -rows : k > cols ? cols : k;
  if ((st = number_bytes(c, 1.0, y->dtype, "one", p->one)) != OPS_OK) {
    ops_params_free(p);
    return st;
  }
  *params = p;
  return OPS_OK;
}

/* ---- Trilu, CumSum, OneHot, CastLike ---- */

static enum ops_status bind_trilu(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0), *t = in_t(c, 1);
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int rank = x->shape.rank;
  if (rank < 2) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' has rank %d, expected at least 2", x->name,
                     rank);
  }
  if ((st = expect_same_dims(c, y, x)) != OPS_OK) return st;
  bool upper = true;
  int64_t k = 0;
  if ((st = flag_attr(c, "upper", true, &upper)) != OPS_OK) return st;
  if (t != NULL && (st = const_int(c, t, "k", &k)) != OPS_OK) return st;
  struct ops_trilu_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  /* Beyond either corner every element falls on one side; clamping keeps j - i vs k exact. */
  int64_t rows = x->shape.dims[rank - 2], cols = x->shape.dims[rank - 1];
  p->upper = upper;
  p->k = k < -rows - 1 ? -rows - 1 : k > cols + 1 ? cols + 1 : k;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_cumsum(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0), *t;
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  if ((st = expect_same_dims(c, y, x)) != OPS_OK) return st;
  if ((st = need_in(c, 1, "axis", &t)) != OPS_OK) return st;
  int64_t a;
  int axis = 0;
  bool exclusive = false, reverse = false;
  if ((st = const_int(c, t, "axis", &a)) != OPS_OK) return st;
  if (x->shape.rank == 0) return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' is a scalar", x->name);
  if ((st = norm_axis(c, a, x->shape.rank, "axis", &axis)) != OPS_OK) return st;
  if ((st = flag_attr(c, "exclusive", false, &exclusive)) != OPS_OK) return st;
  if ((st = flag_attr(c, "reverse", false, &reverse)) != OPS_OK) return st;
  struct ops_cumsum_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = axis;
  p->exclusive = exclusive;
  p->reverse = reverse;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_one_hot(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *ind = in_t(c, 0), *y = out_t(c, 0), *depth, *values;
  enum ops_status st;
  if ((st = need_in(c, 1, "depth", &depth)) != OPS_OK) return st;
  if ((st = need_in(c, 2, "values", &values)) != OPS_OK) return st;
  if (ind->dtype == OPS_DTYPE_BOOL) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "indices '%s' is bool, expected a numeric type",
                     ind->name);
  }
  if ((st = need_dtype(c, y, values->dtype)) != OPS_OK) return st;
  if ((st = need_rank(c, values, 1, "off and on values")) != OPS_OK) return st;
  if (values->shape.dims[0] != 2) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "values '%s' has %" PRId64 " entries, expected 2",
                     values->name, values->shape.dims[0]);
  }
  double d;
  if ((st = const_number(c, depth, "depth", &d)) != OPS_OK) return st;
  /* Depth is cast to an integer; it must leave at least one class. */
  if (!(d >= 1 && d < 0x1p62)) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "depth '%s' is %g, expected at least 1", depth->name, d);
  }
  int rank = ind->shape.rank + 1, axis = 0;
  if (rank > OPS_KMAX_RANK) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "the output would have rank %d, more than %d", rank,
                     OPS_KMAX_RANK);
  }
  int64_t a;
  if ((st = ops_node_attr_int(c->node, "axis", -1, &a, c->d)) != OPS_OK) return st;
  if ((st = norm_axis(c, a, rank, "axis", &axis)) != OPS_OK) return st;
  int64_t want[OPS_MAX_RANK];
  for (int i = 0, j = 0; i < rank; i++)
    want[i] = i == axis ? (int64_t)d : ind->shape.dims[j++];
  if ((st = expect_dims(c, y, rank, want)) != OPS_OK) return st;
  struct ops_one_hot_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = axis;
  p->depth = (int64_t)d;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_cast_like(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0), *like;
  enum ops_status st;
  if ((st = need_in(c, 1, "target_type", &like)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, like->dtype)) != OPS_OK) return st;
  return expect_same_dims(c, y, x);
}

enum ops_status ops_bind_scalar_shape_ops(const struct ops_graph *g, const struct ops_node *node,
                                          struct ops_diag *d, void **params) {
  struct bind_ctx c = {.g = g, .node = node, .d = d};
  *params = NULL;
  switch (node->op) {
    case OPS_OP_PAD:
      return bind_pad(&c, params);
    case OPS_OP_TILE:
      return bind_tile(&c);
    case OPS_OP_EXPAND:
      return bind_expand(&c);
    case OPS_OP_SPLIT:
      return bind_split(&c, params);
    case OPS_OP_COMPRESS:
      return bind_compress(&c, params);
    case OPS_OP_NON_ZERO:
      return bind_non_zero(&c);
    case OPS_OP_CONSTANT_OF_SHAPE:
      return bind_constant_of_shape(&c, params);
    case OPS_OP_RANGE:
      return bind_range(&c);
    case OPS_OP_EYE_LIKE:
      return bind_eye_like(&c, params);
    case OPS_OP_TRILU:
      return bind_trilu(&c, params);
    case OPS_OP_CUM_SUM:
      return bind_cumsum(&c, params);
    case OPS_OP_ONE_HOT:
      return bind_one_hot(&c, params);
    case OPS_OP_CAST_LIKE:
      return bind_cast_like(&c);
    default:
      return node_fail(&c, OPS_ERR_UNSUPPORTED, "not an op of bind-scalar-shape-ops.c");
  }
}
