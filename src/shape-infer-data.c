/*
 * Shape inference for ops that move metadata and small values: Constant, Shape, Gather, Concat,
 * Reshape, Squeeze, Unsqueeze, Slice and Identity.
 *
 * These are the ops exporters use to compute shapes at run time (Shape -> Gather -> Div ->
 * Unsqueeze -> Concat -> Reshape). Each computes its output's value whenever its inputs' values
 * are known and the output is a small integer tensor (ops_shape_value_wanted()), so the Reshape
 * or Slice at the end of such a chain sees constants. Constant stores its value whatever its
 * size and type: the compiler treats every tensor with data as a constant.
 */
#include <stdio.h>
#include <string.h>

#include "src/shape-infer-impl.h"
#include "src/size.h"

/* Copies the bytes of input 0's known value to output 0 under a new shape (Reshape, Squeeze,
 * Unsqueeze, Identity), or sets the shape alone when there is nothing worth copying. */
static enum ops_status relabel(struct ops_infer *c, const struct ops_shape *out) {
  const struct ops_tensor *x = ops_shape_in(c, 0);
  size_t nbytes;
  if (!ops_shape_value_wanted(x->dtype, out) || !ops_shape_has_value(x) ||
      !ops_tensor_byte_size(x, &nbytes)) {
    return ops_shape_set(c, 0, x->dtype, out);
  }
  return ops_shape_set_bytes(c, 0, x->dtype, out, x->data, nbytes);
}

/* Row-major strides (elements) of a shape whose dims are known. */
static void strides_of(const struct ops_shape *s, int64_t *strides) {
  int64_t st = 1;
  for (int j = s->rank - 1; j >= 0; j--) {
    strides[j] = st;
    st *= s->dims[j];
  }
}

/* ---- Constant ---- */

static const char *const constant_attrs[] = {"value",         "value_float", "value_floats",
                                             "value_int",     "value_ints",  "value_string",
                                             "value_strings", "sparse_value"};
enum { CONSTANT_ATTR_COUNT = sizeof constant_attrs / sizeof constant_attrs[0] };

static enum ops_status constant_tensor(struct ops_infer *c, const struct ops_attr *a) {
  if (a->type != OPS_ATTR_TENSOR || a->tensor == NULL) {
    return ops_shape_fail(c, "attribute 'value' is %s, expected tensor",
                          ops_attr_type_name(a->type));
  }
  const struct ops_tensor *t = a->tensor;
  if (!ops_dtype_valid((int)t->dtype)) {
    return ops_shape_fail(c, "attribute 'value' has no element type");
  }
  if (!ops_shape_is_known(&t->shape) || t->shape.rank > OPS_MAX_RANK) {
    return ops_shape_fail(c, "attribute 'value' has shape %s, expected known dims",
                          ops_shape_text(&t->shape).s);
  }
  int64_t n;
  if (!ops_shape_numel(&t->shape, &n)) {
    return ops_shape_fail(c, "attribute 'value': shape %s has more than 2^63 elements",
                          ops_shape_text(&t->shape).s);
  }
  if (t->dtype == OPS_DTYPE_STRING) return ops_shape_set(c, 0, t->dtype, &t->shape);
  size_t need;
  if (!ops_tensor_byte_size(t, &need)) {
    return ops_shape_fail(c, "attribute 'value' %s %s does not fit in memory",
                          ops_dtype_name(t->dtype), ops_shape_text(&t->shape).s);
  }
  if (t->nbytes < need || (t->data == NULL && need > 0)) {
    return ops_shape_fail(c, "attribute 'value' %s %s holds %zu bytes, expected %zu",
                          ops_dtype_name(t->dtype), ops_shape_text(&t->shape).s, t->nbytes, need);
  }
  return ops_shape_set_bytes(c, 0, t->dtype, &t->shape, t->data, need);
}

enum ops_status ops_shape_infer_constant(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 0, 0, 1);
  if (st != OPS_OK) return st;
  int which = -1;
  for (int i = 0; i < CONSTANT_ATTR_COUNT; i++) {
    if (ops_node_attr(c->node, constant_attrs[i]) == NULL) continue;
    if (which >= 0) {
      return ops_shape_fail(c, "has both '%s' and '%s'; expected one value attribute",
                            constant_attrs[which], constant_attrs[i]);
    }
    which = i;
  }
  if (which < 0) {
    return ops_shape_fail(c,
                          "has no value attribute (value, value_float, value_floats, value_int, "
                          "value_ints, value_string or value_strings)");
  }
  const char *name = constant_attrs[which];
  const struct ops_attr *a = ops_node_attr(c->node, name);
  struct ops_shape scalar = ops_shape_make(0, NULL);
  if (strcmp(name, "value") == 0) return constant_tensor(c, a);
  if (strcmp(name, "value_float") == 0) {
    float f;
    st = ops_node_attr_float(c->node, name, 0.0f, &f, c->d);
    return st != OPS_OK ? st : ops_shape_set_bytes(c, 0, OPS_DTYPE_F32, &scalar, &f, sizeof f);
  }
  if (strcmp(name, "value_int") == 0) {
    int64_t i;
    st = ops_node_attr_int(c->node, name, 0, &i, c->d);
    return st != OPS_OK ? st : ops_shape_set_bytes(c, 0, OPS_DTYPE_I64, &scalar, &i, sizeof i);
  }
  if (strcmp(name, "value_floats") == 0 || strcmp(name, "value_ints") == 0) {
    bool floats = name[6] == 'f';
    const float *fv = NULL;
    const int64_t *iv = NULL;
    size_t n, nbytes;
    if (floats) {
      st = ops_node_attr_floats(c->node, name, &fv, &n, c->d);
    } else {
      st = ops_node_attr_ints(c->node, name, &iv, &n, c->d);
    }
    if (st != OPS_OK) return st;
    const void *v = floats ? (const void *)fv : (const void *)iv;
    size_t size = floats ? sizeof(float) : sizeof(int64_t);
    if (n > (size_t)INT64_MAX || !ops_mul_size(n, size, &nbytes)) {
      return ops_shape_fail(c, "attribute '%s' has too many entries (%zu)", name, n);
    }
    struct ops_shape s = ops_shape_make(1, (const int64_t[]){(int64_t)n});
    return ops_shape_set_bytes(c, 0, floats ? OPS_DTYPE_F32 : OPS_DTYPE_I64, &s, v, nbytes);
  }
  if (strcmp(name, "value_string") == 0) {
    const char *s;
    st = ops_node_attr_string(c->node, name, "", &s, c->d);
    return st != OPS_OK ? st : ops_shape_set(c, 0, OPS_DTYPE_STRING, &scalar);
  }
  if (strcmp(name, "value_strings") == 0) {
    /* graph.h has no getter for STRINGS; the type is checked here with the getters' wording. */
    if (a->type != OPS_ATTR_STRINGS) {
      return ops_shape_fail(c, "attribute '%s' is %s, expected strings", name,
                            ops_attr_type_name(a->type));
    }
    struct ops_shape s = ops_shape_make(1, (const int64_t[]){(int64_t)a->count});
    return ops_shape_set(c, 0, OPS_DTYPE_STRING, &s);
  }
  /* sparse_value: the loader records sparse tensors by type only, so the output stays unknown
   * and the planner refuses the node. */
  return OPS_OK;
}

/* ---- Shape ---- */

enum ops_status ops_shape_infer_shape(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  int64_t start, end;
  /* start and end (opset 15) select dims [start, end), clamped like Slice's. */
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "start", 0, &start, c->d);
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "end", INT64_MAX, &end, c->d);
  if (st != OPS_OK) return st;
  const struct ops_shape *xs = &ops_shape_in(c, 0)->shape;
  if (xs->rank < 0) {
    struct ops_shape s = ops_shape_make(1, (const int64_t[]){-1});
    return ops_shape_set(c, 0, OPS_DTYPE_I64, &s);
  }
  int64_t r = xs->rank;
  if (start < 0) start += r;
  if (end < 0) end += r;
  start = start < 0 ? 0 : (start > r ? r : start);
  end = end < 0 ? 0 : (end > r ? r : end);
  int64_t len = end > start ? end - start : 0;
  struct ops_shape out = ops_shape_make(1, &len);
  for (int64_t j = start; j < end; j++) {
    if (xs->dims[j] < 0) return ops_shape_set(c, 0, OPS_DTYPE_I64, &out);
  }
  return ops_shape_set_ints(c, 0, OPS_DTYPE_I64, &out, xs->dims + start);
}

/* ---- Size ---- */

/* An i64 scalar: the input's element count, known whenever its shape is. */
enum ops_status ops_shape_infer_size(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK) return st;
  const struct ops_shape *xs = &ops_shape_in(c, 0)->shape;
  struct ops_shape scalar = ops_shape_make(0, NULL);
  int64_t numel;
  if (!ops_shape_numel(xs, &numel)) return ops_shape_set(c, 0, OPS_DTYPE_I64, &scalar);
  return ops_shape_set_ints(c, 0, OPS_DTYPE_I64, &scalar, &numel);
}

/* ---- Gather ---- */

enum ops_status ops_shape_infer_gather(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  st = ops_shape_check_class(c, 1, OPS_CLASS_INDEX);
  int64_t axis;
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "axis", 0, &axis, c->d);
  if (st != OPS_OK) return st;
  const struct ops_tensor *data = ops_shape_in(c, 0), *idx = ops_shape_in(c, 1);
  const struct ops_shape *ds = &data->shape, *is = &idx->shape;
  if (ds->rank == 0) {
    return ops_shape_fail(c, "input 0 '%s' is a scalar, expected rank >= 1", data->name);
  }
  if (ds->rank < 0 || is->rank < 0) return ops_shape_set_unknown(c, 0, data->dtype);
  int ax;
  st = ops_shape_axis(c, "axis", axis, ds->rank, &ax);
  if (st == OPS_OK) st = ops_shape_check_rank(c, (int64_t)ds->rank + is->rank - 1);
  if (st != OPS_OK) return st;
  struct ops_shape out = ops_shape_unknown();
  out.rank = 0;
  for (int j = 0; j < ax; j++)
    out.dims[out.rank++] = ds->dims[j];
  for (int j = 0; j < is->rank; j++)
    out.dims[out.rank++] = is->dims[j];
  for (int j = ax + 1; j < ds->rank; j++)
    out.dims[out.rank++] = ds->dims[j];

  /* Constant indices are checked against the axis even when the data is not known. */
  int64_t size = ds->dims[ax], count = 0;
  bool idx_known = ops_shape_has_value(idx) && ops_tensor_numel(idx, &count);
  for (int64_t i = 0; idx_known && size >= 0 && i < count; i++) {
    int64_t v;
    ops_tensor_get_int(idx, i, &v);
    if (v < -size || v >= size) {
      return ops_shape_fail(c,
                            "index %lld in input 1 '%s' is out of range for axis %d of input 0 "
                            "'%s' %s (valid: %lld to %lld)",
                            (long long)v, idx->name, ax, data->name, ops_shape_text(ds).s,
                            (long long)-size, (long long)size - 1);
    }
  }
  int64_t total, outer = 1, inner = 1, v[OPS_INFER_MAX_VALUE], k = 0;
  if (!idx_known || !ops_shape_value_wanted(data->dtype, &out) || !ops_shape_has_value(data)) {
    return ops_shape_set(c, 0, data->dtype, &out);
  }
  /* An empty output has an empty value, however large the dims around the zero are. */
  ops_shape_numel(&out, &total);
  if (total == 0) return ops_shape_set_ints(c, 0, data->dtype, &out, v);
  for (int j = 0; j < ax; j++)
    outer *= ds->dims[j];
  for (int j = ax + 1; j < ds->rank; j++)
    inner *= ds->dims[j];
  /* outer * count * inner is the output's element count, at most OPS_INFER_MAX_VALUE. */
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t i = 0; i < count; i++) {
      int64_t at;
      ops_tensor_get_int(idx, i, &at);
      if (at < 0) at += size;
      for (int64_t in = 0; in < inner; in++) {
        if (!ops_tensor_get_int(data, (o * size + at) * inner + in, &v[k++])) {
          return ops_shape_set(c, 0, data->dtype, &out);
        }
      }
    }
  }
  return ops_shape_set_ints(c, 0, data->dtype, &out, v);
}

/* ---- Concat ---- */

enum ops_status ops_shape_infer_concat(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, -1, 1);
  int n = c->node->n_inputs;
  if (st != OPS_OK || !ops_shape_inputs_typed(c, n)) return st;
  if (ops_node_attr(c->node, "axis") == NULL)
    return ops_shape_fail(c, "attribute 'axis' is missing");
  int64_t axis;
  st = ops_node_attr_int(c->node, "axis", 0, &axis, c->d);
  int first = -1;
  for (int i = 0; i < n && st == OPS_OK; i++) {
    const struct ops_tensor *t = ops_shape_in(c, i);
    if (t == NULL) {
      st = ops_shape_fail(c, "input %d is omitted", i);
      break;
    }
    st = ops_shape_check_same_dtype(c, 0, i);
    if (st != OPS_OK || t->shape.rank < 0) continue;
    if (first < 0) {
      first = i;
    } else if (t->shape.rank != ops_shape_in(c, first)->shape.rank) {
      st = ops_shape_fail(c, "input %d '%s' has rank %d, but input %d '%s' has rank %d", i, t->name,
                          t->shape.rank, first, ops_shape_in_name(c, first),
                          ops_shape_in(c, first)->shape.rank);
    }
  }
  if (st != OPS_OK) return st;
  enum ops_dtype dtype = ops_shape_in(c, 0)->dtype;
  if (first < 0) return ops_shape_set_unknown(c, 0, dtype);
  struct ops_shape out = ops_shape_in(c, first)->shape;
  int ax;
  st = ops_shape_axis(c, "axis", axis, out.rank, &ax);
  if (st != OPS_OK) return st;
  int64_t sum = 0;
  bool all_known = true;
  for (int i = 0; i < n; i++) {
    const struct ops_shape *s = &ops_shape_in(c, i)->shape;
    if (s->rank < 0) {
      all_known = false;
      continue;
    }
    for (int j = 0; j < out.rank; j++) {
      if (j == ax || s->dims[j] < 0) continue;
      if (out.dims[j] >= 0 && out.dims[j] != s->dims[j]) {
        return ops_shape_fail(c,
                              "input %d '%s' %s does not match input %d '%s' %s in dim %d "
                              "(concatenating along axis %d)",
                              i, ops_shape_in_name(c, i), ops_shape_text(s).s, first,
                              ops_shape_in_name(c, first),
                              ops_shape_text(&ops_shape_in(c, first)->shape).s, j, ax);
      }
      out.dims[j] = s->dims[j];
    }
    if (s->dims[ax] < 0) {
      all_known = false;
    } else if (__builtin_add_overflow(sum, s->dims[ax], &sum)) {
      return ops_shape_fail(c, "the sum of dim %d over the inputs exceeds 2^63", ax);
    }
  }
  out.dims[ax] = all_known ? sum : -1;
  bool values = ops_shape_value_wanted(dtype, &out);
  for (int i = 0; i < n && values; i++)
    values = ops_shape_has_value(ops_shape_in(c, i));
  int64_t total, outer = 1, inner = 1, v[OPS_INFER_MAX_VALUE], k = 0;
  if (!values) return ops_shape_set(c, 0, dtype, &out);
  ops_shape_numel(&out, &total);
  if (total == 0) return ops_shape_set_ints(c, 0, dtype, &out, v);
  for (int j = 0; j < ax; j++)
    outer *= out.dims[j];
  for (int j = ax + 1; j < out.rank; j++)
    inner *= out.dims[j];
  for (int64_t o = 0; o < outer; o++) {
    for (int i = 0; i < n; i++) {
      const struct ops_tensor *t = ops_shape_in(c, i);
      int64_t block = t->shape.dims[ax] * inner;
      for (int64_t e = 0; e < block; e++) {
        if (!ops_tensor_get_int(t, o * block + e, &v[k++])) return ops_shape_set(c, 0, dtype, &out);
      }
    }
  }
  return ops_shape_set_ints(c, 0, dtype, &out, v);
}

/* ---- Reshape ---- */

/* The requested shape: input 1 (opset 5 and later) or the 'shape' attribute (before 5).
 * *known is false when input 1's value is not known; *n is then its length, or -1. */
static enum ops_status reshape_request(const struct ops_infer *c, int64_t *req, int64_t *n,
                                       bool *known) {
  *known = false;
  *n = -1;
  const struct ops_tensor *t = ops_shape_in(c, 1);
  if (t == NULL) {
    const int64_t *v;
    size_t count;
    enum ops_status st = ops_node_attr_ints(c->node, "shape", &v, &count, c->d);
    if (st != OPS_OK) return st;
    if (v == NULL) return ops_shape_fail(c, "has neither a shape input nor a 'shape' attribute");
    st = ops_shape_check_rank(c, (int64_t)count);
    if (st != OPS_OK) return st;
    memcpy(req, v, count * sizeof *v);
    *n = (int64_t)count;
    *known = true;
    return OPS_OK;
  }
  enum ops_status st = ops_shape_check_class(c, 1, OPS_CLASS_INT);
  if (st != OPS_OK) return st;
  if (t->shape.rank >= 0 && t->shape.rank != 1) {
    return ops_shape_fail(c, "input 1 '%s' has rank %d, expected 1", t->name, t->shape.rank);
  }
  if (t->shape.rank == 1 && t->shape.dims[0] >= 0) {
    *n = t->shape.dims[0];
    st = ops_shape_check_rank(c, *n);
    if (st != OPS_OK) return st;
  }
  size_t count;
  if (ops_shape_read_ints(t, req, OPS_MAX_RANK, &count)) {
    *n = (int64_t)count;
    *known = true;
  }
  return OPS_OK;
}

enum ops_status ops_shape_infer_reshape(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  int64_t allowzero, req[OPS_MAX_RANK], n;
  bool known;
  st = ops_node_attr_int(c->node, "allowzero", 0, &allowzero, c->d);
  if (st == OPS_OK) st = reshape_request(c, req, &n, &known);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  const struct ops_shape *xs = &x->shape;
  struct ops_shape out = ops_shape_unknown();
  if (!known) {
    /* The shape is computed at run time: only its length is known, if that. */
    for (int64_t i = 0; i < n; i++)
      out.dims[i] = -1;
    out.rank = (int)n;
    return ops_shape_set(c, 0, x->dtype, &out);
  }
  out.rank = (int)n;
  int infer_at = -1;
  bool copied[OPS_MAX_RANK] = {false}, has_zero = false;
  struct ops_shape_text want = ops_shape_text_ints(req, (size_t)n);
  for (int i = 0; i < n; i++) {
    int64_t v = req[i];
    if (v == 0 && !allowzero) {
      /* 0 copies the input's dim at the same index. */
      if (xs->rank >= 0 && i >= xs->rank) {
        return ops_shape_fail(c, "shape %s copies dim %d (a 0), but input 0 '%s' %s has rank %d",
                              want.s, i, x->name, ops_shape_text(xs).s, xs->rank);
      }
      out.dims[i] = xs->rank >= 0 ? xs->dims[i] : -1;
      copied[i] = true;
    } else if (v == -1) {
      if (infer_at >= 0) return ops_shape_fail(c, "shape %s has more than one -1", want.s);
      infer_at = i;
      out.dims[i] = -1;
    } else if (v < -1) {
      return ops_shape_fail(c, "shape %s has %lld at %d; entries must be -1 or more", want.s,
                            (long long)v, i);
    } else {
      has_zero |= v == 0;
      out.dims[i] = v;
    }
  }
  if (has_zero && infer_at >= 0) {
    return ops_shape_fail(c, "shape %s has both 0 and -1 with allowzero=1, which is ambiguous",
                          want.s);
  }
  /* Copied dims are the same on both sides; the remaining elements must match. */
  int64_t in_rest = 1, out_rest = 1;
  bool in_known = xs->rank >= 0;
  for (int j = 0; j < xs->rank; j++) {
    if (j < n && copied[j]) continue;
    if (xs->dims[j] < 0) {
      in_known = false;
    } else if (!ops_mul_i64(in_rest, xs->dims[j], &in_rest)) {
      return ops_shape_fail(c, "shape %s has more than 2^63 elements", ops_shape_text(xs).s);
    }
  }
  for (int i = 0; i < n; i++) {
    if (copied[i] || i == infer_at) continue;
    if (!ops_mul_i64(out_rest, out.dims[i], &out_rest)) {
      return ops_shape_fail(c, "shape %s has more than 2^63 elements", want.s);
    }
  }
  if (in_known) {
    bool ok = infer_at >= 0 ? out_rest != 0 && in_rest % out_rest == 0 : in_rest == out_rest;
    if (!ok) {
      int64_t total;
      char count[48] = "";
      if (ops_shape_numel(xs, &total))
        snprintf(count, sizeof count, " (%lld elements)", (long long)total);
      return ops_shape_fail(c, "cannot reshape %s%s to %s", ops_shape_text(xs).s, count, want.s);
    }
    if (infer_at >= 0) out.dims[infer_at] = in_rest / out_rest;
  }
  return relabel(c, &out);
}

/* ---- Squeeze, Unsqueeze ---- */

enum ops_status ops_shape_infer_squeeze(struct ops_infer *c) {
  /* Axes are an attribute before opset 13 and input 1 from 13; none means every dim of 1. */
  enum ops_status st = ops_shape_check_arity(c, 1, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  int64_t axes[OPS_MAX_RANK];
  size_t n;
  int state;
  st = ops_shape_read_axes(c, "axes", 1, axes, &n, &state);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  const struct ops_shape *xs = &x->shape;
  if (xs->rank < 0 || state < 0) return ops_shape_set_unknown(c, 0, x->dtype);
  bool drop[OPS_MAX_RANK] = {false};
  if (n == 0) {
    for (int j = 0; j < xs->rank; j++) {
      /* Whether an unknown dim is 1 decides the rank: leave it unknown. */
      if (xs->dims[j] < 0) return ops_shape_set_unknown(c, 0, x->dtype);
      drop[j] = xs->dims[j] == 1;
    }
  } else {
    int norm[OPS_MAX_RANK];
    st = ops_shape_norm_axes(c, axes, n, xs->rank, norm);
    if (st != OPS_OK) return st;
    for (size_t i = 0; i < n; i++) {
      int64_t dim = xs->dims[norm[i]];
      if (dim >= 0 && dim != 1) {
        return ops_shape_fail(c,
                              "cannot squeeze axis %d of input 0 '%s' %s: its dim is %lld, not 1",
                              norm[i], x->name, ops_shape_text(xs).s, (long long)dim);
      }
      drop[norm[i]] = true;
    }
  }
  struct ops_shape out = ops_shape_unknown();
  out.rank = 0;
  for (int j = 0; j < xs->rank; j++) {
    if (!drop[j]) out.dims[out.rank++] = xs->dims[j];
  }
  return relabel(c, &out);
}

enum ops_status ops_shape_infer_unsqueeze(struct ops_infer *c) {
  /* Axes are an attribute before opset 13 and input 1 from 13, counted in the output's rank. */
  enum ops_status st = ops_shape_check_arity(c, 1, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  int64_t axes[OPS_MAX_RANK];
  size_t n;
  int state;
  st = ops_shape_read_axes(c, "axes", 1, axes, &n, &state);
  if (st != OPS_OK) return st;
  if (state == 0) {
    return ops_shape_fail(c, "has no axes (an attribute before opset 13, input 1 from 13)");
  }
  const struct ops_tensor *x = ops_shape_in(c, 0);
  const struct ops_shape *xs = &x->shape;
  if (xs->rank < 0) return ops_shape_set_unknown(c, 0, x->dtype);
  struct ops_shape out = ops_shape_unknown();
  if (state < 0) {
    /* Axes unknown: the rank is known when their count is, the positions are not. */
    const struct ops_shape *as = &ops_shape_in(c, 1)->shape;
    if (as->rank != 1 || as->dims[0] < 0) return ops_shape_set(c, 0, x->dtype, &out);
    st = ops_shape_check_rank(c, xs->rank + as->dims[0]);
    if (st != OPS_OK) return st;
    out.rank = (int)(xs->rank + as->dims[0]);
    for (int j = 0; j < out.rank; j++)
      out.dims[j] = -1;
    return ops_shape_set(c, 0, x->dtype, &out);
  }
  st = ops_shape_check_rank(c, (int64_t)xs->rank + (int64_t)n);
  if (st != OPS_OK) return st;
  out.rank = xs->rank + (int)n;
  int norm[OPS_MAX_RANK];
  st = ops_shape_norm_axes(c, axes, n, out.rank, norm);
  if (st != OPS_OK) return st;
  bool inserted[OPS_MAX_RANK] = {false};
  for (size_t i = 0; i < n; i++)
    inserted[norm[i]] = true;
  for (int j = 0, from = 0; j < out.rank; j++)
    out.dims[j] = inserted[j] ? 1 : xs->dims[from++];
  return relabel(c, &out);
}

/* ---- Slice ---- */

/* One Slice parameter list: the attribute (before opset 10) or input `input` (from 10).
 * *state: 0 absent, 1 known (n entries), -1 present but not known (*n is then its length from
 * its shape, or SIZE_MAX). */
static enum ops_status slice_param(const struct ops_infer *c, bool attr_form, const char *name,
                                   int input, int64_t *out, size_t *n, int *state) {
  *n = 0;
  *state = 0;
  if (attr_form) {
    const int64_t *v;
    enum ops_status st = ops_node_attr_ints(c->node, name, &v, n, c->d);
    if (st != OPS_OK || v == NULL) return st;
    if (*n > OPS_MAX_RANK) {
      return ops_shape_fail(c, "attribute '%s' has %zu entries, more than the maximum rank %d",
                            name, *n, OPS_MAX_RANK);
    }
    memcpy(out, v, *n * sizeof *v);
    *state = 1;
    return OPS_OK;
  }
  const struct ops_tensor *t = ops_shape_in(c, input);
  if (t == NULL) return OPS_OK;
  enum ops_status st = ops_shape_check_class(c, input, OPS_CLASS_INDEX);
  if (st != OPS_OK) return st;
  int64_t count;
  if (t->shape.rank >= 0 && t->shape.rank != 1) {
    return ops_shape_fail(c, "input %d '%s' (%s) has rank %d, expected 1", input, t->name, name,
                          t->shape.rank);
  }
  if (ops_tensor_numel(t, &count) && count > OPS_MAX_RANK) {
    return ops_shape_fail(c, "input %d '%s' (%s) has %lld entries, more than the maximum rank %d",
                          input, t->name, name, (long long)count, OPS_MAX_RANK);
  }
  *state = ops_shape_read_ints(t, out, OPS_MAX_RANK, n) ? 1 : -1;
  if (*state < 0)
    *n = t->shape.rank == 1 && t->shape.dims[0] >= 0 ? (size_t)t->shape.dims[0] : SIZE_MAX;
  return OPS_OK;
}

/* Clamps one axis's slice as ONNX does and returns its first index and length. */
static void slice_axis(int64_t dim, int64_t start, int64_t end, int64_t step, int64_t *first,
                       int64_t *len) {
  if (start < 0) start += dim;
  if (end < 0) end += dim;
  if (step > 0) {
    start = start < 0 ? 0 : (start > dim ? dim : start);
    end = end < 0 ? 0 : (end > dim ? dim : end);
  } else {
    start = start < 0 ? 0 : (start > dim - 1 ? dim - 1 : start);
    end = end < -1 ? -1 : (end > dim - 1 ? dim - 1 : end);
  }
  /* |step| in uint64 so that INT64_MIN has a magnitude. */
  uint64_t mag = step > 0 ? (uint64_t)step : 0 - (uint64_t)step;
  int64_t span = step > 0 ? end - start : start - end;
  *first = start;
  *len = span > 0 ? (int64_t)((uint64_t)(span - 1) / mag + 1) : 0;
}

enum ops_status ops_shape_infer_slice(struct ops_infer *c) {
  bool attr_form = ops_node_attr(c->node, "starts") != NULL;
  enum ops_status st =
      attr_form ? ops_shape_check_arity(c, 1, 1, 1) : ops_shape_check_arity(c, 3, 5, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 5)) return st;
  int64_t starts[OPS_MAX_RANK], ends[OPS_MAX_RANK], axes[OPS_MAX_RANK], steps[OPS_MAX_RANK];
  size_t ns, ne, na, nt;
  int ss, se, sa, sst;
  st = slice_param(c, attr_form, "starts", 1, starts, &ns, &ss);
  if (st == OPS_OK) st = slice_param(c, attr_form, "ends", 2, ends, &ne, &se);
  if (st == OPS_OK) st = slice_param(c, attr_form, "axes", 3, axes, &na, &sa);
  if (st == OPS_OK && !attr_form) st = slice_param(c, false, "steps", 4, steps, &nt, &sst);
  if (st != OPS_OK) return st;
  if (attr_form && (ss == 0 || se == 0)) {
    return ops_shape_fail(c, "attribute '%s' is missing", ss == 0 ? "starts" : "ends");
  }
  if (attr_form) sst = 0, nt = 0;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  const struct ops_shape *xs = &x->shape;
  if (xs->rank < 0) return ops_shape_set_unknown(c, 0, x->dtype);
  /* Entry counts are known even when values are not (from the inputs' shapes). */
  size_t n = ns;
  const char *const names[3] = {"ends", "axes", "steps"};
  const size_t counts[3] = {ne, na, nt};
  const int states[3] = {se, sa, sst};
  for (int k = 0; k < 3; k++) {
    if (states[k] != 0 && n != SIZE_MAX && counts[k] != SIZE_MAX && counts[k] != n) {
      return ops_shape_fail(c, "starts has %zu entries but %s has %zu", n, names[k], counts[k]);
    }
  }
  int norm[OPS_MAX_RANK];
  bool axes_known = sa > 0 || (sa == 0 && n != SIZE_MAX);
  if (sa > 0) {
    st = ops_shape_norm_axes(c, axes, na, xs->rank, norm);
    if (st != OPS_OK) return st;
  } else if (axes_known) {
    if (n > (size_t)xs->rank) {
      return ops_shape_fail(c, "starts has %zu entries, more than input 0 '%s' %s has dims", n,
                            x->name, ops_shape_text(xs).s);
    }
    for (size_t i = 0; i < n; i++)
      norm[i] = (int)i;
  }
  for (size_t i = 0; sst > 0 && i < nt; i++) {
    if (steps[i] == 0) return ops_shape_fail(c, "steps[%zu] is 0", i);
  }
  struct ops_shape out = *xs;
  if (ss < 0 || se < 0 || sst < 0 || !axes_known) {
    /* Bounds computed at run time: the sliced dims are unknown (all of them when the axes are). */
    for (int j = 0; j < out.rank; j++) {
      bool sliced = !axes_known;
      for (size_t i = 0; axes_known && i < n; i++)
        sliced |= norm[i] == j;
      if (sliced) out.dims[j] = -1;
    }
    return ops_shape_set(c, 0, x->dtype, &out);
  }
  int64_t first[OPS_MAX_RANK] = {0}, step_of[OPS_MAX_RANK];
  for (int j = 0; j < OPS_MAX_RANK; j++)
    step_of[j] = 1;
  for (size_t i = 0; i < n; i++) {
    int j = norm[i];
    int64_t step = sst > 0 ? steps[i] : 1, dim = xs->dims[j];
    step_of[j] = step;
    if (dim < 0) {
      out.dims[j] = -1;
      continue;
    }
    slice_axis(dim, starts[i], ends[i], step, &first[j], &out.dims[j]);
  }
  if (!ops_shape_value_wanted(x->dtype, &out) || !ops_shape_has_value(x)) {
    return ops_shape_set(c, 0, x->dtype, &out);
  }
  int64_t total, in_strides[OPS_MAX_RANK], v[OPS_INFER_MAX_VALUE];
  ops_shape_numel(&out, &total);
  strides_of(xs, in_strides);
  for (int64_t e = 0; e < total; e++) {
    int64_t rest = e, at = 0;
    for (int j = out.rank - 1; j >= 0; j--) {
      int64_t pos = rest % out.dims[j];
      rest /= out.dims[j];
      at += (first[j] + pos * step_of[j]) * in_strides[j];
    }
    if (!ops_tensor_get_int(x, at, &v[e])) return ops_shape_set(c, 0, x->dtype, &out);
  }
  return ops_shape_set_ints(c, 0, x->dtype, &out, v);
}

/* ---- Identity ---- */

enum ops_status ops_shape_infer_identity(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  return relabel(c, &ops_shape_in(c, 0)->shape);
}
