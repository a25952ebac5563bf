/*
 * Shape inference for the data-movement and fill ops of issue #3: Pad, Tile, Expand, Split,
 * Compress, ConstantOfShape, Range, EyeLike, Trilu, CumSum, OneHot and CastLike.
 *
 * Several of them take the numbers that decide their output shape from an input (Pad's pads,
 * Tile's repeats, Expand's shape, Split's split, Compress's condition, OneHot's depth, Range's
 * start, limit and delta). Those are known here when they are initializers, computed values, or
 * graph inputs bound to a value (src/value-inputs.c); when they are not, the output keeps its
 * dtype and whatever dims do not depend on them, and the binder refuses the node with its reason.
 * ConstantOfShape and Range still hand small integer results to the value folds
 * (src/shape-infer-fold.c), so shape arithmetic stays constant.
 *
 * Adding an op: a function here, its declaration in src/shape-infer-impl.h and its case in
 * infer_node() (src/shape-infer.c).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/kernel.h"
#include "src/shape-infer-impl.h"
#include "src/size.h"

/* Entries a pads list may have: two per axis. */
#define PADS_MAX (2 * OPS_MAX_RANK)

/* A one-element numeric input's value as double (integers exactly up to 2^53, which is far
 * beyond any dim); false when it is not known or not a one-element tensor. */
static bool scalar_number(const struct ops_tensor *t, double *out) {
  int64_t n, i;
  if (t == NULL || !ops_shape_has_value(t) || !ops_tensor_numel(t, &n) || n != 1) return false;
  if (ops_tensor_get_int(t, 0, &i)) {
    *out = (double)i;
    return true;
  }
  return ops_shape_get_double(t, 0, out);
}

/* Fails unless input `i` (when present with a known shape) holds exactly one element. */
static enum ops_status check_one_element(const struct ops_infer *c, int i, const char *role) {
  const struct ops_tensor *t = ops_shape_in(c, i);
  int64_t n;
  if (t == NULL || !ops_tensor_numel(t, &n) || n == 1) return OPS_OK;
  return ops_shape_fail(c, "input %d '%s' (%s) has shape %s, expected one element", i, t->name,
                        role, ops_shape_text(&t->shape).s);
}

/* Fails unless input `i` (when present with a known rank) has rank 1. */
static enum ops_status check_list(const struct ops_infer *c, int i, const char *role) {
  const struct ops_tensor *t = ops_shape_in(c, i);
  if (t == NULL || t->shape.rank < 0 || t->shape.rank == 1) return OPS_OK;
  return ops_shape_fail(c, "input %d '%s' (%s) has rank %d, expected 1", i, t->name, role,
                        t->shape.rank);
}

/* ---- Pad ---- */

/* The pads as begin[axis] and end[axis] for every axis of x (rank `rank`); *known false when a
 * pads or axes input has no known value. */
static enum ops_status pad_amounts(const struct ops_infer *c, int rank, int64_t *begin,
                                   int64_t *end, bool *known) {
  int64_t pads[PADS_MAX], axes[OPS_MAX_RANK];
  size_t n_pads = 0, n_axes = (size_t)rank;
  *known = false;
  for (int i = 0; i < rank; i++)
    begin[i] = end[i] = 0, axes[i] = i;
  if (c->opset < 11) {
    const int64_t *v;
    size_t count;
    enum ops_status st = ops_node_attr_ints(c->node, "pads", &v, &count, c->d);
    if (st != OPS_OK) return st;
    if (v == NULL) return ops_shape_fail(c, "attribute 'pads' is missing");
    if (count > PADS_MAX) {
      return ops_shape_fail(c, "attribute 'pads' has %zu values, expected %d", count, 2 * rank);
    }
    memcpy(pads, v, count * sizeof *v);
    n_pads = count;
  } else {
    const struct ops_tensor *t = ops_shape_in(c, 1);
    if (!ops_shape_read_ints(t, pads, PADS_MAX, &n_pads)) {
      int64_t n;
      if (ops_tensor_numel(t, &n) && n > PADS_MAX) {
        return ops_shape_fail(c, "input 1 '%s' (pads) has %lld values, at most %d are possible",
                              t->name, (long long)n, PADS_MAX);
      }
      return OPS_OK;
    }
    const struct ops_tensor *a = ops_shape_in(c, 3);
    if (a != NULL) {
      if (!ops_shape_read_ints(a, axes, OPS_MAX_RANK, &n_axes)) return OPS_OK;
      int norm[OPS_MAX_RANK];
      enum ops_status st = ops_shape_norm_axes(c, axes, n_axes, rank, norm);
      if (st != OPS_OK) return st;
      for (size_t i = 0; i < n_axes; i++)
        axes[i] = norm[i];
    }
  }
  if (n_pads != 2 * n_axes) {
    return ops_shape_fail(c, "pads has %zu values, expected %zu (two per padded axis)", n_pads,
                          2 * n_axes);
  }
  for (size_t i = 0; i < n_axes; i++) {
    begin[axes[i]] = pads[i];
    end[axes[i]] = pads[n_axes + i];
  }
  *known = true;
  return OPS_OK;
}

enum ops_status ops_shape_infer_pad(struct ops_infer *c) {
  enum ops_status st =
      c->opset < 11 ? ops_shape_check_arity(c, 1, 1, 1) : ops_shape_check_arity(c, 2, 4, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 4)) return st;
  const char *mode;
  st = ops_node_attr_string(c->node, "mode", "constant", &mode, c->d);
  if (st != OPS_OK) return st;
  if (strcmp(mode, "constant") != 0 && strcmp(mode, "reflect") != 0 && strcmp(mode, "edge") != 0 &&
      strcmp(mode, "wrap") != 0) {
    return ops_shape_fail(c, "mode '%s' is not one of constant, reflect, edge, wrap", mode);
  }
  if (c->opset >= 11) {
    if ((st = ops_shape_check_class(c, 1, OPS_CLASS_INT)) != OPS_OK) return st;
    if ((st = check_list(c, 1, "pads")) != OPS_OK) return st;
    if (ops_shape_in(c, 2) != NULL) {
      if ((st = ops_shape_check_same_dtype(c, 0, 2)) != OPS_OK) return st;
      if ((st = check_one_element(c, 2, "constant_value")) != OPS_OK) return st;
    }
    if (ops_shape_in(c, 3) != NULL) {
      if ((st = ops_shape_check_class(c, 3, OPS_CLASS_INDEX)) != OPS_OK) return st;
      if ((st = check_list(c, 3, "axes")) != OPS_OK) return st;
    }
  }
  const struct ops_tensor *x = ops_shape_in(c, 0);
  struct ops_shape out = x->shape;
  if (out.rank < 0) return ops_shape_set_unknown(c, 0, x->dtype);
  int64_t begin[OPS_MAX_RANK], end[OPS_MAX_RANK];
  bool known;
  if ((st = pad_amounts(c, out.rank, begin, end, &known)) != OPS_OK) return st;
  for (int i = 0; i < out.rank; i++) {
    if (!known) {
      out.dims[i] = -1;
      continue;
    }
    if (out.dims[i] < 0) continue;
    int64_t d;
    if (__builtin_add_overflow(out.dims[i], begin[i], &d) ||
        __builtin_add_overflow(d, end[i], &d) || d < 0) {
      return ops_shape_fail(c, "pads %lld and %lld do not fit axis %d of size %lld",
                            (long long)begin[i], (long long)end[i], i, (long long)out.dims[i]);
    }
    out.dims[i] = d;
  }
  return ops_shape_set(c, 0, x->dtype, &out);
}

/* ---- Tile, Expand ---- */

enum ops_status ops_shape_infer_tile(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  if ((st = ops_shape_check_class(c, 1, OPS_CLASS_INDEX)) != OPS_OK) return st;
  if ((st = check_list(c, 1, "repeats")) != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0), *r = ops_shape_in(c, 1);
  struct ops_shape out = x->shape;
  if (out.rank < 0) return ops_shape_set_unknown(c, 0, x->dtype);
  int64_t reps[OPS_MAX_RANK];
  size_t n;
  if (r->shape.rank == 1 && r->shape.dims[0] >= 0 && r->shape.dims[0] != out.rank) {
    return ops_shape_fail(c, "input 1 '%s' (repeats) has %lld values, expected %d (the rank)",
                          r->name, (long long)r->shape.dims[0], out.rank);
  }
  if (!ops_shape_read_ints(r, reps, OPS_MAX_RANK, &n)) {
    for (int i = 0; i < out.rank; i++)
      out.dims[i] = -1;
    return ops_shape_set(c, 0, x->dtype, &out);
  }
  if (n != (size_t)out.rank) {
    return ops_shape_fail(c, "repeats %s has %zu values, expected %d (the rank)",
                          ops_shape_text_ints(reps, n).s, n, out.rank);
  }
  for (int i = 0; i < out.rank; i++) {
    if (reps[i] < 0) {
      return ops_shape_fail(c, "repeats %s has a negative value", ops_shape_text_ints(reps, n).s);
    }
    if (out.dims[i] >= 0 && !ops_mul_i64(out.dims[i], reps[i], &out.dims[i])) {
      return ops_shape_fail(c, "repeats %s overflow axis %d", ops_shape_text_ints(reps, n).s, i);
    }
  }
  return ops_shape_set(c, 0, x->dtype, &out);
}

enum ops_status ops_shape_infer_expand(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  if ((st = ops_shape_check_class(c, 1, OPS_CLASS_INDEX)) != OPS_OK) return st;
  if ((st = check_list(c, 1, "shape")) != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0), *s = ops_shape_in(c, 1);
  int64_t req[OPS_MAX_RANK];
  size_t n;
  if (!ops_shape_read_ints(s, req, OPS_MAX_RANK, &n)) {
    int64_t len;
    if (ops_tensor_numel(s, &len) && len > OPS_MAX_RANK) return ops_shape_check_rank(c, len);
    /* The rank is the larger of both when the shape's length is known. */
    if (x->shape.rank < 0 || s->shape.rank != 1 || s->shape.dims[0] < 0) {
      return ops_shape_set_unknown(c, 0, x->dtype);
    }
    struct ops_shape out = ops_shape_unknown();
    out.rank = x->shape.rank > (int)s->shape.dims[0] ? x->shape.rank : (int)s->shape.dims[0];
    for (int i = 0; i < out.rank; i++)
      out.dims[i] = -1;
    return ops_shape_set(c, 0, x->dtype, &out);
  }
  for (size_t i = 0; i < n; i++) {
    if (req[i] < 0) {
      return ops_shape_fail(c, "shape %s has a negative dim", ops_shape_text_ints(req, n).s);
    }
  }
  struct ops_shape want = ops_shape_make((int)n, req), out;
  const struct ops_shape *shapes[2] = {&x->shape, &want};
  const int which[2] = {0, 1};
  st = ops_shape_broadcast(c, shapes, which, 2, "", &out);
  if (st != OPS_OK) return st;
  return ops_shape_set(c, 0, x->dtype, &out);
}

/* ---- Split, Compress ---- */

/* The size of each of the node's outputs along the axis (len of the axis, -1 when unknown);
 * sizes[k] is -1 when not known. */
static enum ops_status split_sizes(const struct ops_infer *c, int64_t len, int64_t *sizes) {
  int n_out = c->node->n_outputs;
  const int64_t *attr;
  size_t count;
  enum ops_status st = ops_node_attr_ints(c->node, "split", &attr, &count, c->d);
  if (st != OPS_OK) return st;
  const struct ops_tensor *t = ops_shape_in(c, 1);
  if (attr == NULL && t != NULL) {
    /* Opset 13+: the split is input 1. An empty tensor means no split given. */
    int64_t m;
    if (!ops_tensor_numel(t, &m) || (m > 0 && !ops_shape_has_value(t))) {
      for (int k = 0; k < n_out; k++)
        sizes[k] = -1;
      return OPS_OK;
    }
    if (m != n_out) {
      return ops_shape_fail(c, "input 1 '%s' (split) has %lld values for %d outputs", t->name,
                            (long long)m, n_out);
    }
    for (int k = 0; k < n_out; k++) {
      if (!ops_tensor_get_int(t, k, &sizes[k])) {
        return ops_shape_fail(c, "input 1 '%s' (split) is %s, expected an integer type", t->name,
                              ops_dtype_name(t->dtype));
      }
    }
    if (m > 0) attr = sizes, count = (size_t)m;
  } else if (attr != NULL) {
    if (count != (size_t)n_out) {
      return ops_shape_fail(c, "attribute 'split' has %zu values for %d outputs", count, n_out);
    }
    memcpy(sizes, attr, count * sizeof *attr);
  }
  if (attr != NULL) {
    int64_t sum = 0;
    for (int k = 0; k < n_out; k++) {
      if (sizes[k] < 0 || __builtin_add_overflow(sum, sizes[k], &sum)) {
        return ops_shape_fail(c, "split %s has a negative or huge entry",
                              ops_shape_text_ints(sizes, (size_t)n_out).s);
      }
    }
    if (len >= 0 && sum != len) {
      return ops_shape_fail(c, "split %s sums to %lld, but the axis has %lld elements",
                            ops_shape_text_ints(sizes, (size_t)n_out).s, (long long)sum,
                            (long long)len);
    }
    return OPS_OK;
  }
  /* No split: equal parts, one per output (opset 18 names their count in num_outputs). */
  int64_t num;
  st = ops_node_attr_int(c->node, "num_outputs", n_out, &num, c->d);
  if (st != OPS_OK) return st;
  if (num != n_out) {
    return ops_shape_fail(c, "attribute 'num_outputs' is %lld but the node has %d outputs",
                          (long long)num, n_out);
  }
  if (len < 0) {
    for (int k = 0; k < n_out; k++)
      sizes[k] = -1;
    return OPS_OK;
  }
  int64_t part = len / n_out;
  if (len % n_out != 0) {
    /* Opset 18: parts of ceil(len / n) and the rest (possibly 0) last, as the ONNX reference
     * splits; a rest below 0 has no meaning. Before opset 18 the parts must be equal. */
    if (c->opset < 18 || ops_node_attr(c->node, "num_outputs") == NULL) {
      return ops_shape_fail(c, "axis of %lld elements does not split into %d equal parts",
                            (long long)len, n_out);
    }
    part += 1;
    if (part * (n_out - 1) > len) {
      return ops_shape_fail(c, "axis of %lld elements has too few for %d outputs of %lld",
                            (long long)len, n_out, (long long)part);
    }
  }
  for (int k = 0; k < n_out; k++)
    sizes[k] = k == n_out - 1 ? len - part * (n_out - 1) : part;
  return OPS_OK;
}

enum ops_status ops_shape_infer_split(struct ops_infer *c) {
  int n_out = c->node->n_outputs;
  enum ops_status st = ops_shape_check_arity(c, 1, 2, n_out);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  if (n_out < 1) return ops_shape_fail(c, "has no outputs");
  if (ops_shape_in(c, 1) != NULL) {
    if ((st = ops_shape_check_class(c, 1, OPS_CLASS_INDEX)) != OPS_OK) return st;
    if ((st = check_list(c, 1, "split")) != OPS_OK) return st;
  }
  const struct ops_tensor *x = ops_shape_in(c, 0);
  if (x->shape.rank < 0) {
    for (int k = 0; k < n_out && st == OPS_OK; k++)
      st = ops_shape_set_unknown(c, k, x->dtype);
    return st;
  }
  int64_t axis_attr;
  int axis;
  if ((st = ops_node_attr_int(c->node, "axis", 0, &axis_attr, c->d)) != OPS_OK) return st;
  if ((st = ops_shape_axis(c, "axis", axis_attr, x->shape.rank, &axis)) != OPS_OK) return st;
  int64_t *sizes = ops_calloc_array((size_t)n_out, sizeof *sizes);
  if (sizes == NULL) return ops_shape_no_memory(c);
  st = split_sizes(c, x->shape.dims[axis], sizes);
  for (int k = 0; k < n_out && st == OPS_OK; k++) {
    struct ops_shape out = x->shape;
    out.dims[axis] = sizes[k];
    st = ops_shape_set(c, k, x->dtype, &out);
  }
  free(sizes);
  return st;
}

/* NonZero: [rank of X, count of non-zero elements]; the count is known only from X's value
 * (bound by --verify, or constant). */
enum ops_status ops_shape_infer_non_zero(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  int rank = x->shape.rank;
  struct ops_shape out = ops_shape_make(2, (const int64_t[]){rank < 0 ? -1 : rank, -1});
  int64_t n;
  if (rank < 0 || !ops_shape_has_value(x) || !ops_tensor_numel(x, &n)) {
    return ops_shape_set(c, 0, OPS_DTYPE_I64, &out);
  }
  int64_t count = 0;
  for (int64_t i = 0; i < n; i++)
    count += !ops_kvalue_is_zero(x->data, (int)x->dtype, i);
  out.dims[1] = count;
  return ops_shape_set(c, 0, OPS_DTYPE_I64, &out);
}

enum ops_status ops_shape_infer_compress(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0), *cond = ops_shape_in(c, 1);
  if (cond->dtype != OPS_DTYPE_BOOL) {
    return ops_shape_fail(c, "input 1 '%s' (condition) is %s, expected bool", cond->name,
                          ops_dtype_name(cond->dtype));
  }
  if ((st = check_list(c, 1, "condition")) != OPS_OK) return st;
  bool has_axis = ops_node_attr(c->node, "axis") != NULL;
  int64_t axis_attr;
  if ((st = ops_node_attr_int(c->node, "axis", 0, &axis_attr, c->d)) != OPS_OK) return st;
  if (x->shape.rank < 0) return ops_shape_set_unknown(c, 0, x->dtype);
  int axis = 0;
  int64_t len;
  struct ops_shape out;
  if (has_axis) {
    if ((st = ops_shape_axis(c, "axis", axis_attr, x->shape.rank, &axis)) != OPS_OK) return st;
    out = x->shape;
    len = x->shape.dims[axis];
  } else {
    /* No axis: the flattened input. */
    out = ops_shape_make(1, (const int64_t[]){-1});
    if (!ops_tensor_numel(x, &len)) len = -1;
  }
  int64_t n_cond, kept = -1;
  if (ops_tensor_numel(cond, &n_cond)) {
    if (len >= 0 && n_cond > len) {
      return ops_shape_fail(c, "condition '%s' has %lld entries, more than the %lld selectable",
                            cond->name, (long long)n_cond, (long long)len);
    }
    if (ops_shape_has_value(cond)) {
      kept = 0;
      for (int64_t i = 0; i < n_cond; i++) {
        int64_t v;
        ops_tensor_get_int(cond, i, &v);
        kept += v != 0;
      }
    }
  }
  out.dims[has_axis ? axis : 0] = kept;
  return ops_shape_set(c, 0, x->dtype, &out);
}

/* ---- ConstantOfShape, Range, EyeLike ---- */

enum ops_status ops_shape_infer_constant_of_shape(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  if ((st = ops_shape_check_class(c, 0, OPS_CLASS_INT)) != OPS_OK) return st;
  if ((st = check_list(c, 0, "shape")) != OPS_OK) return st;
  enum ops_dtype dtype = OPS_DTYPE_F32;
  const struct ops_attr *a = ops_node_attr(c->node, "value");
  if (a != NULL) {
    int64_t n;
    if (a->type != OPS_ATTR_TENSOR || a->tensor == NULL) {
      return ops_shape_fail(c, "attribute 'value' is %s, expected tensor",
                            ops_attr_type_name(a->type));
    }
    if (!ops_tensor_numel(a->tensor, &n) || n != 1) {
      return ops_shape_fail(c, "attribute 'value' has shape %s, expected one element",
                            ops_shape_text(&a->tensor->shape).s);
    }
    dtype = a->tensor->dtype;
  }
  const struct ops_tensor *t = ops_shape_in(c, 0);
  int64_t dims[OPS_MAX_RANK];
  size_t rank;
  if (!ops_shape_read_ints(t, dims, OPS_MAX_RANK, &rank)) {
    int64_t n;
    if (ops_tensor_numel(t, &n) && n > OPS_MAX_RANK) return ops_shape_check_rank(c, n);
    if (t->shape.rank != 1 || t->shape.dims[0] < 0) return ops_shape_set_unknown(c, 0, dtype);
    struct ops_shape out = ops_shape_unknown();
    out.rank = (int)t->shape.dims[0];
    for (int i = 0; i < out.rank; i++)
      out.dims[i] = -1;
    return ops_shape_set(c, 0, dtype, &out);
  }
  for (size_t i = 0; i < rank; i++) {
    if (dims[i] < 0) {
      return ops_shape_fail(c, "input 0 '%s' %s asks for a negative dim", t->name,
                            ops_shape_text_ints(dims, rank).s);
    }
  }
  struct ops_shape out = ops_shape_make((int)rank, dims);
  if ((st = ops_shape_set(c, 0, dtype, &out)) != OPS_OK) return st;
  /* A small integer result becomes a known value, so the shape arithmetic after it folds. */
  return ops_shape_infer_unlisted(c);
}

/* Range's element count, max(ceil((limit - start) / delta), 0), from known values; *known
 * false when one is not known. */
static enum ops_status range_count(const struct ops_infer *c, int64_t *count, bool *known) {
  *known = false;
  const struct ops_tensor *ts = ops_shape_in(c, 0), *tl = ops_shape_in(c, 1),
                          *td = ops_shape_in(c, 2);
  if (ops_shape_dtype_is_int(ts->dtype)) {
    int64_t s, l, d;
    if (!ops_shape_has_value(ts) || !ops_shape_has_value(tl) || !ops_shape_has_value(td) ||
        !ops_tensor_get_int(ts, 0, &s) || !ops_tensor_get_int(tl, 0, &l) ||
        !ops_tensor_get_int(td, 0, &d)) {
      return OPS_OK;
    }
    if (d == 0) return ops_shape_fail(c, "input 2 '%s' (delta) is 0", td->name);
    /* In uint64, so neither the difference nor the division can overflow. */
    bool up = d > 0;
    uint64_t mag = up ? (uint64_t)d : 0 - (uint64_t)d;
    uint64_t span = up ? (uint64_t)l - (uint64_t)s : (uint64_t)s - (uint64_t)l;
    bool ahead = up ? l > s : l < s;
    uint64_t n = ahead ? (span - 1) / mag + 1 : 0;
    if (n > (uint64_t)INT64_MAX) return ops_shape_fail(c, "has more than 2^63 elements");
    *count = (int64_t)n;
    *known = true;
    return OPS_OK;
  }
  double s, l, d;
  if (!scalar_number(ts, &s) || !scalar_number(tl, &l) || !scalar_number(td, &d)) {
    return OPS_OK;
  }
  if (d == 0) return ops_shape_fail(c, "input 2 '%s' (delta) is 0", td->name);
  double n = ceil((l - s) / d);
  if (isnan(n)) return ops_shape_fail(c, "start, limit and delta give no element count");
  if (n < 0) n = 0;
  /* 2^62 elements is beyond any memory; it also keeps the conversion defined. */
  if (n >= 0x1p62) {
    return ops_shape_fail(c, "start %g, limit %g and delta %g give %g elements", s, l, d, n);
  }
  *count = (int64_t)n;
  *known = true;
  return OPS_OK;
}

enum ops_status ops_shape_infer_range(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 3, 3, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  if ((st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC)) != OPS_OK) return st;
  const char *roles[3] = {"start", "limit", "delta"};
  for (int i = 0; i < 3; i++) {
    if (i > 0 && (st = ops_shape_check_same_dtype(c, 0, i)) != OPS_OK) return st;
    if ((st = check_one_element(c, i, roles[i])) != OPS_OK) return st;
  }
  int64_t count;
  bool known;
  if ((st = range_count(c, &count, &known)) != OPS_OK) return st;
  struct ops_shape out = ops_shape_make(1, (const int64_t[]){known ? count : -1});
  if ((st = ops_shape_set(c, 0, ops_shape_in(c, 0)->dtype, &out)) != OPS_OK) return st;
  return ops_shape_infer_unlisted(c);
}

enum ops_status ops_shape_infer_eye_like(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  if (x->shape.rank >= 0 && x->shape.rank != 2) {
    return ops_shape_fail(c, "input 0 '%s' has rank %d, expected 2", x->name, x->shape.rank);
  }
  int64_t k, dt;
  if ((st = ops_node_attr_int(c->node, "k", 0, &k, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_int(c->node, "dtype", x->dtype, &dt, c->d)) != OPS_OK) return st;
  if (dt < 0 || dt > INT32_MAX || !ops_dtype_valid((int)dt) || dt == OPS_DTYPE_STRING) {
    return ops_shape_fail(c, "attribute 'dtype' is %lld, which is not a numeric element type",
                          (long long)dt);
  }
  return ops_shape_set(c, 0, (enum ops_dtype)dt, &x->shape);
}

/* ---- Trilu, CumSum, OneHot, CastLike ---- */

enum ops_status ops_shape_infer_trilu(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  if (x->shape.rank >= 0 && x->shape.rank < 2) {
    return ops_shape_fail(c, "input 0 '%s' has rank %d, expected at least 2", x->name,
                          x->shape.rank);
  }
  if (ops_shape_in(c, 1) != NULL) {
    if ((st = ops_shape_check_class(c, 1, OPS_CLASS_INDEX)) != OPS_OK) return st;
    if ((st = check_one_element(c, 1, "k")) != OPS_OK) return st;
  }
  return ops_shape_set(c, 0, x->dtype, &x->shape);
}

enum ops_status ops_shape_infer_cumsum(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  if ((st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC)) != OPS_OK) return st;
  if ((st = ops_shape_check_class(c, 1, OPS_CLASS_INDEX)) != OPS_OK) return st;
  if ((st = check_one_element(c, 1, "axis")) != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0), *a = ops_shape_in(c, 1);
  int64_t axis;
  int norm;
  if (x->shape.rank >= 0 && ops_shape_has_value(a) && ops_tensor_get_int(a, 0, &axis)) {
    if ((st = ops_shape_axis(c, "axis", axis, x->shape.rank, &norm)) != OPS_OK) return st;
  }
  return ops_shape_set(c, 0, x->dtype, &x->shape);
}

enum ops_status ops_shape_infer_one_hot(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 3, 3, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  if ((st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC)) != OPS_OK) return st;
  if ((st = ops_shape_check_class(c, 1, OPS_CLASS_NUMERIC)) != OPS_OK) return st;
  if ((st = check_one_element(c, 1, "depth")) != OPS_OK) return st;
  const struct ops_tensor *ind = ops_shape_in(c, 0), *depth = ops_shape_in(c, 1),
                          *values = ops_shape_in(c, 2);
  int64_t n_values;
  if (ops_tensor_numel(values, &n_values) && (values->shape.rank != 1 || n_values != 2)) {
    return ops_shape_fail(c, "input 2 '%s' (values) has shape %s, expected [2] (off, on)",
                          values->name, ops_shape_text(&values->shape).s);
  }
  int64_t axis_attr;
  if ((st = ops_node_attr_int(c->node, "axis", -1, &axis_attr, c->d)) != OPS_OK) return st;
  if (ind->shape.rank < 0) return ops_shape_set_unknown(c, 0, values->dtype);
  if ((st = ops_shape_check_rank(c, (int64_t)ind->shape.rank + 1)) != OPS_OK) return st;
  int axis;
  if ((st = ops_shape_axis(c, "axis", axis_attr, ind->shape.rank + 1, &axis)) != OPS_OK) {
    return st;
  }
  double d;
  int64_t dim = -1;
  if (scalar_number(depth, &d)) {
    /* Depth is cast to an integer (truncated), and must leave at least one class. */
    if (!(d >= 1 && d < 0x1p62)) {
      return ops_shape_fail(c, "input 1 '%s' (depth) is %g, expected at least 1", depth->name, d);
    }
    dim = (int64_t)d;
  }
  struct ops_shape out = {.rank = ind->shape.rank + 1};
  for (int i = 0, j = 0; i < out.rank; i++)
    out.dims[i] = i == axis ? dim : ind->shape.dims[j++];
  return ops_shape_set(c, 0, values->dtype, &out);
}

enum ops_status ops_shape_infer_cast_like(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  return ops_shape_set(c, 0, ops_shape_in(c, 1)->dtype, &ops_shape_in(c, 0)->shape);
}
