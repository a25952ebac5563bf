/*
 * Value-only inference for shape-arithmetic ops: Equal, Where, Range, ConstantOfShape, ReduceProd,
 * Min and Max. Exporters put them between Shape and Reshape (Where(Equal(shape, -1), ones, shape)
 * resolves a -1, ReduceProd of a Shape counts elements).
 *
 * Equal, Where, Min, Max (shape-infer-ops.c), ReduceProd (shape-infer-reduce.c), Range and
 * ConstantOfShape (shape-infer-shape-ops.c) are listed ops whose
 * inference sets their dtype and shape first and then calls ops_shape_infer_unlisted for the
 * value. When every input's value
 * is known and the output is a small integer tensor, the output gets its dtype, shape and value
 * and the compiler sees a constant; otherwise the outputs stay unknown as for any unknown op,
 * and the planner refuses the node with its reason. A contradiction between known values (a
 * broadcast that cannot work, a zero Range step) is still an error: the model is wrong.
 * Adding one: a function below and a line in `folds`.
 */
#include <string.h>

#include "src/shape-infer-impl.h"

/* Reads input i's value (integer-typed, at most OPS_INFER_MAX_VALUE elements); false when it is
 * not known. */
static bool input_ints(const struct ops_infer *c, int i, int64_t *v) {
  const struct ops_tensor *t = ops_shape_in(c, i);
  size_t n;
  return t != NULL && ops_shape_read_ints(t, v, OPS_INFER_MAX_VALUE, &n);
}

static bool less(enum ops_dtype dtype, int64_t a, int64_t b) {
  return dtype == OPS_DTYPE_U64 ? (uint64_t)a < (uint64_t)b : a < b;
}

/* Broadcasts inputs [0, n) (n <= 3) into *out, checking their dtypes agree from `first_same`. */
static enum ops_status fold_broadcast(const struct ops_infer *c, int n, int first_same,
                                      struct ops_shape *out) {
  const struct ops_shape *shapes[3];
  int which[3];
  for (int i = 0; i < n; i++) {
    if (ops_shape_in(c, i) == NULL) return ops_shape_fail(c, "input %d is omitted", i);
    if (i > first_same) {
      enum ops_status st = ops_shape_check_same_dtype(c, first_same, i);
      if (st != OPS_OK) return st;
    }
    shapes[i] = &ops_shape_in(c, i)->shape;
    which[i] = i;
  }
  return ops_shape_broadcast(c, shapes, which, n, "", out);
}

static enum ops_status fold_equal(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 2, 1);
  if (st != OPS_OK) return st;
  struct ops_shape out;
  st = fold_broadcast(c, 2, 0, &out);
  int64_t a[OPS_INFER_MAX_VALUE], b[OPS_INFER_MAX_VALUE], v[OPS_INFER_MAX_VALUE], n;
  if (st != OPS_OK || !ops_shape_value_wanted(OPS_DTYPE_BOOL, &out) || !input_ints(c, 0, a) ||
      !input_ints(c, 1, b)) {
    return st;
  }
  ops_shape_numel(&out, &n);
  for (int64_t i = 0; i < n; i++) {
    v[i] = a[ops_shape_bcast_index(&out, &ops_shape_in(c, 0)->shape, i)] ==
           b[ops_shape_bcast_index(&out, &ops_shape_in(c, 1)->shape, i)];
  }
  return ops_shape_set_ints(c, 0, OPS_DTYPE_BOOL, &out, v);
}

static enum ops_status fold_where(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 3, 3, 1);
  if (st != OPS_OK) return st;
  struct ops_shape out;
  if (ops_shape_in(c, 0)->dtype != OPS_DTYPE_BOOL) {
    st = ops_shape_fail(c, "input 0 '%s' is %s, expected bool", ops_shape_in_name(c, 0),
                        ops_dtype_name(ops_shape_in(c, 0)->dtype));
  }
  if (st == OPS_OK) st = fold_broadcast(c, 3, 1, &out);
  int64_t cond[OPS_INFER_MAX_VALUE], x[OPS_INFER_MAX_VALUE], y[OPS_INFER_MAX_VALUE];
  int64_t v[OPS_INFER_MAX_VALUE], n;
  enum ops_dtype dtype = ops_shape_in(c, 1)->dtype;
  if (st != OPS_OK || !ops_shape_value_wanted(dtype, &out) || !input_ints(c, 0, cond) ||
      !input_ints(c, 1, x) || !input_ints(c, 2, y)) {
    return st;
  }
  ops_shape_numel(&out, &n);
  for (int64_t i = 0; i < n; i++) {
    bool take_x = cond[ops_shape_bcast_index(&out, &ops_shape_in(c, 0)->shape, i)] != 0;
    v[i] = take_x ? x[ops_shape_bcast_index(&out, &ops_shape_in(c, 1)->shape, i)]
                  : y[ops_shape_bcast_index(&out, &ops_shape_in(c, 2)->shape, i)];
  }
  return ops_shape_set_ints(c, 0, dtype, &out, v);
}

static enum ops_status fold_min_max(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, -1, 1);
  int n = c->node->n_inputs;
  /* Exporters use two or three operands; more are left to run time. */
  if (st != OPS_OK || n > 3) return st;
  struct ops_shape out;
  st = fold_broadcast(c, n, 0, &out);
  enum ops_dtype dtype = ops_shape_in(c, 0)->dtype;
  int64_t in[3][OPS_INFER_MAX_VALUE], v[OPS_INFER_MAX_VALUE], count;
  if (st != OPS_OK || !ops_shape_value_wanted(dtype, &out)) return st;
  for (int i = 0; i < n; i++) {
    if (!input_ints(c, i, in[i])) return OPS_OK;
  }
  bool is_max = strcmp(c->node->op_type, "Max") == 0;
  ops_shape_numel(&out, &count);
  for (int64_t e = 0; e < count; e++) {
    for (int i = 0; i < n; i++) {
      int64_t x = in[i][ops_shape_bcast_index(&out, &ops_shape_in(c, i)->shape, e)];
      if (i == 0 || (is_max ? less(dtype, v[e], x) : less(dtype, x, v[e]))) v[e] = x;
    }
  }
  return ops_shape_set_ints(c, 0, dtype, &out, v);
}

static enum ops_status fold_range(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 3, 3, 1);
  if (st != OPS_OK) return st;
  int64_t start[OPS_INFER_MAX_VALUE], limit[OPS_INFER_MAX_VALUE], delta[OPS_INFER_MAX_VALUE];
  for (int i = 1; i < 3 && st == OPS_OK; i++)
    st = ops_shape_check_same_dtype(c, 0, i);
  for (int i = 0; i < 3 && st == OPS_OK; i++) {
    int64_t n;
    const struct ops_tensor *t = ops_shape_in(c, i);
    if (ops_tensor_numel(t, &n) && n != 1) {
      st = ops_shape_fail(c, "input %d '%s' has shape %s, expected a scalar", i, t->name,
                          ops_shape_text(&t->shape).s);
    }
  }
  enum ops_dtype dtype = ops_shape_in(c, 0)->dtype;
  if (st != OPS_OK || !ops_shape_dtype_is_int(dtype) || !input_ints(c, 0, start) ||
      !input_ints(c, 1, limit) || !input_ints(c, 2, delta)) {
    return st;
  }
  if (delta[0] == 0) return ops_shape_fail(c, "input 2 '%s' (delta) is 0", ops_shape_in_name(c, 2));
  /* count = max(ceil((limit - start) / delta), 0), in uint64 so no step can overflow. */
  int64_t diff;
  if (__builtin_sub_overflow(limit[0], start[0], &diff)) return OPS_OK;
  bool up = delta[0] > 0;
  uint64_t mag = up ? (uint64_t)delta[0] : 0 - (uint64_t)delta[0];
  uint64_t span = up ? (uint64_t)diff : 0 - (uint64_t)diff;
  uint64_t count = (up ? diff > 0 : diff < 0) ? (span - 1) / mag + 1 : 0;
  if (count > OPS_INFER_MAX_VALUE) return OPS_OK;
  int64_t v[OPS_INFER_MAX_VALUE];
  for (uint64_t i = 0; i < count; i++)
    v[i] = start[0] + (int64_t)i * delta[0]; /* stays between start and limit */
  struct ops_shape out = ops_shape_make(1, (const int64_t[]){(int64_t)count});
  return ops_shape_set_ints(c, 0, dtype, &out, v);
}

static enum ops_status fold_constant_of_shape(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK) return st;
  /* The fill value: a one-element tensor attribute, float 0 when absent. */
  const struct ops_attr *a = ops_node_attr(c->node, "value");
  enum ops_dtype dtype = OPS_DTYPE_F32;
  int64_t fill = 0;
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
    if (ops_shape_dtype_is_int(dtype) && !ops_tensor_get_int(a->tensor, 0, &fill)) return OPS_OK;
  }
  const struct ops_tensor *t = ops_shape_in(c, 0);
  int64_t dims[OPS_INFER_MAX_VALUE];
  size_t rank;
  if (!ops_shape_dtype_is_int(dtype) || !ops_shape_read_ints(t, dims, OPS_INFER_MAX_VALUE, &rank)) {
    return OPS_OK;
  }
  st = ops_shape_check_rank(c, (int64_t)rank);
  if (st != OPS_OK) return st;
  for (size_t i = 0; i < rank; i++) {
    if (dims[i] < 0) {
      return ops_shape_fail(c, "input 0 '%s' %s asks for a negative dim", t->name,
                            ops_shape_text_ints(dims, rank).s);
    }
  }
  struct ops_shape out = ops_shape_make((int)rank, dims);
  if (!ops_shape_value_wanted(dtype, &out)) return OPS_OK;
  int64_t v[OPS_INFER_MAX_VALUE], n;
  ops_shape_numel(&out, &n);
  for (int64_t i = 0; i < n; i++)
    v[i] = fill;
  return ops_shape_set_ints(c, 0, dtype, &out, v);
}

static enum ops_status fold_reduce_prod(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 2, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 2)) return st;
  bool reduced[OPS_MAX_RANK];
  struct ops_shape out;
  st = ops_shape_reduce_out(c, reduced, &out);
  const struct ops_tensor *x = ops_shape_in(c, 0);
  int64_t in[OPS_INFER_MAX_VALUE], v[OPS_INFER_MAX_VALUE], n_out;
  size_t n_in;
  if (st != OPS_OK || !ops_shape_value_wanted(x->dtype, &out) ||
      !ops_shape_read_ints(x, in, OPS_INFER_MAX_VALUE, &n_in)) {
    return st;
  }
  ops_shape_numel(&out, &n_out);
  for (int64_t e = 0; e < n_out; e++)
    v[e] = 1;
  const struct ops_shape *xs = &x->shape;
  for (size_t e = 0; e < n_in; e++) {
    /* The output element is the input's position over the kept axes, in their order. */
    int64_t rest = (int64_t)e, at = 0, stride = 1;
    for (int j = xs->rank - 1; j >= 0; j--) {
      int64_t pos = rest % xs->dims[j];
      rest /= xs->dims[j];
      if (reduced[j]) continue;
      at += pos * stride;
      stride *= xs->dims[j];
    }
    v[at] = (int64_t)((uint64_t)v[at] * (uint64_t)in[e]);
  }
  return ops_shape_set_ints(c, 0, x->dtype, &out, v);
}

struct fold {
  const char *op_type;
  enum ops_status (*infer)(struct ops_infer *c);
};

static const struct fold folds[] = {
    {"Equal", fold_equal},
    {"Where", fold_where},
    {"Min", fold_min_max},
    {"Max", fold_min_max},
    {"Range", fold_range},
    {"ConstantOfShape", fold_constant_of_shape},
    {"ReduceProd", fold_reduce_prod},
};

enum ops_status ops_shape_infer_unlisted(struct ops_infer *c) {
  const char *domain = c->node->domain != NULL ? c->node->domain : "";
  if (domain[0] != '\0' && strcmp(domain, "ai.onnx") != 0) return OPS_OK;
  for (size_t i = 0; i < sizeof folds / sizeof folds[0]; i++) {
    if (strcmp(c->node->op_type, folds[i].op_type) != 0) continue;
    /* Only integer shape arithmetic is folded: anything else is left to run time. */
    for (int k = 0; k < c->node->n_inputs; k++) {
      const struct ops_tensor *t = ops_shape_in(c, k);
      if (t != NULL && !ops_shape_dtype_is_int(t->dtype)) return OPS_OK;
    }
    return folds[i].infer(c);
  }
  return OPS_OK;
}
