/*
 * Shape and dtype inference: the driver and the helpers every op uses.
 *
 * ops_shape_infer() resets the activations, checks the given facts (inputs and initializers),
 * then walks the nodes in topological order and dispatches on node->op to one function per op
 * family (src/shape-infer-ops.c, src/shape-infer-data.c, src/shape-infer-fold.c). Adding an op: a
 * line in src/op-list.inc, a case in infer_node() below (the switch has no default for listed ops,
 * so the compiler's -Wswitch names a missing one), and its function.
 *
 * Values: an output whose value follows from known values gets it as owned data when it is
 * integer-typed with at most OPS_INFER_MAX_VALUE elements (and Constant always). Integer
 * arithmetic wraps as the kernels do; Div truncates toward zero, as ONNX Runtime does and as the
 * ONNX spec states for integer Div (onnx/onnx#7585), not numpy's floor.
 */
#include "src/shape-infer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/shape-infer-impl.h"
#include "src/size.h"

/* ---- formatting and diagnostics ---- */

struct ops_shape_text ops_shape_text(const struct ops_shape *s) {
  struct ops_shape_text t;
  ops_shape_format(s, t.s, sizeof t.s);
  return t;
}

struct ops_shape_text ops_shape_text_ints(const int64_t *v, size_t n) {
  struct ops_shape_text t;
  size_t used = 0;
  t.s[0] = '\0';
  for (size_t i = 0; i <= n && used < sizeof t.s; i++) {
    int w =
        i == n ? snprintf(t.s + used, sizeof t.s - used, "%s]", n == 0 ? "[" : "")
               : snprintf(t.s + used, sizeof t.s - used, "%s%lld", i ? ", " : "[", (long long)v[i]);
    if (w < 0) break;
    used += (size_t)w;
  }
  return t;
}

enum ops_status ops_shape_fail(const struct ops_infer *c, const char *fmt, ...) {
  char msg[OPS_DIAG_MAX];
  va_list ap;
  va_start(ap, fmt);
  /* A truncated detail still leaves the node name in front. */
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return ops_fail(c->d, OPS_ERR_BAD_INPUT, "node '%s' (%s): %s", c->node->name, c->node->op_type,
                  msg);
}

enum ops_status ops_shape_no_memory(const struct ops_infer *c) {
  return ops_fail(c->d, OPS_ERR_NO_MEMORY, "node '%s' (%s): out of memory storing a value",
                  c->node->name, c->node->op_type);
}

/* ---- inputs ---- */

const struct ops_tensor *ops_shape_in(const struct ops_infer *c, int i) {
  return ops_node_input(c->g, c->node, i);
}

const char *ops_shape_in_name(const struct ops_infer *c, int i) {
  const struct ops_tensor *t = ops_shape_in(c, i);
  return t != NULL ? t->name : "";
}

enum ops_status ops_shape_check_arity(const struct ops_infer *c, int min_in, int max_in,
                                      int max_out) {
  const struct ops_node *n = c->node;
  if (n->n_inputs < min_in || (max_in >= 0 && n->n_inputs > max_in)) {
    if (max_in == min_in) {
      return ops_shape_fail(c, "has %d inputs, expected %d", n->n_inputs, min_in);
    }
    if (max_in < 0) {
      return ops_shape_fail(c, "has %d inputs, expected at least %d", n->n_inputs, min_in);
    }
    return ops_shape_fail(c, "has %d inputs, expected %d to %d", n->n_inputs, min_in, max_in);
  }
  for (int i = 0; i < min_in; i++) {
    if (n->inputs[i] < 0) return ops_shape_fail(c, "required input %d is omitted", i);
  }
  if (n->n_outputs > max_out) {
    return ops_shape_fail(c, "has %d outputs, expected at most %d", n->n_outputs, max_out);
  }
  return OPS_OK;
}

bool ops_shape_inputs_typed(const struct ops_infer *c, int n) {
  for (int i = 0; i < n && i < c->node->n_inputs; i++) {
    const struct ops_tensor *t = ops_shape_in(c, i);
    if (t != NULL && t->dtype == OPS_DTYPE_UNDEFINED) return false;
  }
  return true;
}

bool ops_shape_dtype_is_int(enum ops_dtype dtype) {
  switch (dtype) {
    case OPS_DTYPE_I8:
    case OPS_DTYPE_U8:
    case OPS_DTYPE_I16:
    case OPS_DTYPE_U16:
    case OPS_DTYPE_I32:
    case OPS_DTYPE_U32:
    case OPS_DTYPE_I64:
    case OPS_DTYPE_U64:
    case OPS_DTYPE_BOOL:
      return true;
    default:
      return false;
  }
}

static bool class_has(enum ops_dtype_class cls, enum ops_dtype t) {
  bool is_float = ops_dtype_is_float(t);
  bool is_int = ops_shape_dtype_is_int(t) && t != OPS_DTYPE_BOOL;
  bool is_signed =
      t == OPS_DTYPE_I8 || t == OPS_DTYPE_I16 || t == OPS_DTYPE_I32 || t == OPS_DTYPE_I64;
  switch (cls) {
    case OPS_CLASS_FLOAT:
      return is_float;
    case OPS_CLASS_NUMERIC:
      return is_float || is_int;
    case OPS_CLASS_SIGNED:
      return is_float || is_signed;
    case OPS_CLASS_INDEX:
      return t == OPS_DTYPE_I32 || t == OPS_DTYPE_I64;
    case OPS_CLASS_INT:
      return is_int;
    case OPS_CLASS_POOL:
      return is_float || t == OPS_DTYPE_I8 || t == OPS_DTYPE_U8;
  }
  return false;
}

static const char *class_name(enum ops_dtype_class cls) {
  switch (cls) {
    case OPS_CLASS_FLOAT:
      return "a float type (f16, bf16, f32, f64)";
    case OPS_CLASS_NUMERIC:
      return "a numeric type";
    case OPS_CLASS_SIGNED:
      return "a float or signed integer type";
    case OPS_CLASS_INDEX:
      return "i32 or i64";
    case OPS_CLASS_INT:
      return "an integer type";
    case OPS_CLASS_POOL:
      return "a float type, i8 or u8";
  }
  return "?";
}

enum ops_status ops_shape_check_class(const struct ops_infer *c, int i, enum ops_dtype_class cls) {
  const struct ops_tensor *t = ops_shape_in(c, i);
  if (t == NULL || t->dtype == OPS_DTYPE_UNDEFINED || class_has(cls, t->dtype)) return OPS_OK;
  return ops_shape_fail(c, "input %d '%s' is %s, expected %s", i, t->name, ops_dtype_name(t->dtype),
                        class_name(cls));
}

enum ops_status ops_shape_check_same_dtype(const struct ops_infer *c, int i, int j) {
  const struct ops_tensor *a = ops_shape_in(c, i), *b = ops_shape_in(c, j);
  if (a == NULL || b == NULL || a->dtype == b->dtype) return OPS_OK;
  if (a->dtype == OPS_DTYPE_UNDEFINED || b->dtype == OPS_DTYPE_UNDEFINED) return OPS_OK;
  return ops_shape_fail(c,
                        "input %d '%s' is %s but input %d '%s' is %s; they must have the same type",
                        i, a->name, ops_dtype_name(a->dtype), j, b->name, ops_dtype_name(b->dtype));
}

/* ---- axes ---- */

enum ops_status ops_shape_axis(const struct ops_infer *c, const char *what, int64_t axis, int rank,
                               int *out) {
  if (rank == 0) {
    return ops_shape_fail(c, "%s %lld is out of range: the input is a scalar, with no axes", what,
                          (long long)axis);
  }
  if (axis < -(int64_t)rank || axis >= rank) {
    return ops_shape_fail(c, "%s %lld is out of range for rank %d (valid: %d to %d)", what,
                          (long long)axis, rank, -rank, rank - 1);
  }
  *out = (int)(axis < 0 ? axis + rank : axis);
  return OPS_OK;
}

enum ops_status ops_shape_read_axes(const struct ops_infer *c, const char *name, int input,
                                    int64_t *axes, size_t *n, int *state) {
  *n = 0;
  *state = 0;
  const struct ops_attr *a = ops_node_attr(c->node, name);
  if (a != NULL) {
    const int64_t *v;
    size_t count;
    enum ops_status st = ops_node_attr_ints(c->node, name, &v, &count, c->d);
    if (st != OPS_OK) return st;
    if (count > OPS_MAX_RANK) {
      return ops_shape_fail(c, "attribute '%s' has %zu entries, more than the maximum rank %d",
                            name, count, OPS_MAX_RANK);
    }
    if (count > 0) memcpy(axes, v, count * sizeof *v);
    *n = count;
    *state = 1;
    return OPS_OK;
  }
  const struct ops_tensor *t = input >= 0 ? ops_shape_in(c, input) : NULL;
  if (t == NULL) return OPS_OK;
  enum ops_status st = ops_shape_check_class(c, input, OPS_CLASS_INT);
  if (st != OPS_OK) return st;
  if (t->shape.rank > 1) {
    return ops_shape_fail(c, "input %d '%s' has rank %d, expected 1", input, t->name,
                          t->shape.rank);
  }
  int64_t count;
  if (ops_shape_numel(&t->shape, &count) && count > OPS_MAX_RANK) {
    return ops_shape_fail(c, "input %d '%s' has %lld entries, more than the maximum rank %d", input,
                          t->name, (long long)count, OPS_MAX_RANK);
  }
  if (!ops_shape_read_ints(t, axes, OPS_MAX_RANK, n)) {
    *state = -1;
    return OPS_OK;
  }
  *state = 1;
  return OPS_OK;
}

enum ops_status ops_shape_norm_axes(const struct ops_infer *c, const int64_t *axes, size_t n,
                                    int rank, int *out) {
  bool seen[OPS_MAX_RANK] = {false};
  for (size_t i = 0; i < n; i++) {
    char what[32];
    snprintf(what, sizeof what, "axes[%zu]", i);
    enum ops_status st = ops_shape_axis(c, what, axes[i], rank, &out[i]);
    if (st != OPS_OK) return st;
    if (seen[out[i]]) {
      return ops_shape_fail(c, "axis %d appears twice in %s", out[i],
                            ops_shape_text_ints(axes, n).s);
    }
    seen[out[i]] = true;
  }
  return OPS_OK;
}

/* ---- outputs ---- */

enum ops_status ops_shape_check_rank(const struct ops_infer *c, int64_t rank) {
  if (rank > OPS_MAX_RANK) {
    return ops_shape_fail(c, "output rank %lld exceeds the maximum of %d", (long long)rank,
                          OPS_MAX_RANK);
  }
  return OPS_OK;
}

enum ops_status ops_shape_set(struct ops_infer *c, int k, enum ops_dtype dtype,
                              const struct ops_shape *shape) {
  struct ops_tensor *t = ops_node_output(c->g, c->node, k);
  if (t == NULL) return OPS_OK;
  int64_t n;
  if (ops_shape_is_known(shape) && !ops_shape_numel(shape, &n)) {
    return ops_shape_fail(c, "output %d '%s': shape %s has more than 2^63 elements", k, t->name,
                          ops_shape_text(shape).s);
  }
  ops_tensor_clear_data(t);
  t->dtype = dtype;
  t->shape = *shape;
  return OPS_OK;
}

enum ops_status ops_shape_set_unknown(struct ops_infer *c, int k, enum ops_dtype dtype) {
  struct ops_shape unknown = ops_shape_unknown();
  return ops_shape_set(c, k, dtype, &unknown);
}

bool ops_shape_value_wanted(enum ops_dtype dtype, const struct ops_shape *shape) {
  int64_t n;
  return ops_shape_dtype_is_int(dtype) && ops_shape_numel(shape, &n) && n <= OPS_INFER_MAX_VALUE;
}

/* Stores v in `dtype`'s representation: conversion to the unsigned type of the same width is
 * modular in C, and its bytes are the two's complement bytes of the signed type. */
static void store_int(void *p, enum ops_dtype dtype, int64_t v) {
  switch (dtype) {
    case OPS_DTYPE_BOOL: {
      uint8_t u = v != 0;
      memcpy(p, &u, 1);
      break;
    }
    case OPS_DTYPE_I8:
    case OPS_DTYPE_U8: {
      uint8_t u = (uint8_t)v;
      memcpy(p, &u, 1);
      break;
    }
    case OPS_DTYPE_I16:
    case OPS_DTYPE_U16: {
      uint16_t u = (uint16_t)v;
      memcpy(p, &u, 2);
      break;
    }
    case OPS_DTYPE_I32:
    case OPS_DTYPE_U32: {
      uint32_t u = (uint32_t)v;
      memcpy(p, &u, 4);
      break;
    }
    default: {
      uint64_t u = (uint64_t)v;
      memcpy(p, &u, 8);
      break;
    }
  }
}

enum ops_status ops_shape_set_ints(struct ops_infer *c, int k, enum ops_dtype dtype,
                                   const struct ops_shape *shape, const int64_t *v) {
  enum ops_status st = ops_shape_set(c, k, dtype, shape);
  struct ops_tensor *t = ops_node_output(c->g, c->node, k);
  if (st != OPS_OK || t == NULL || !ops_shape_value_wanted(dtype, shape)) return st;
  int64_t n;
  ops_shape_numel(shape, &n);
  unsigned char bytes[OPS_INFER_MAX_VALUE * 8];
  size_t size = ops_dtype_size(dtype);
  for (int64_t i = 0; i < n; i++)
    store_int(bytes + (size_t)i * size, dtype, v[i]);
  if (!ops_tensor_set_data_copy(t, bytes, (size_t)n * size)) return ops_shape_no_memory(c);
  return OPS_OK;
}

enum ops_status ops_shape_set_bytes(struct ops_infer *c, int k, enum ops_dtype dtype,
                                    const struct ops_shape *shape, const void *data,
                                    size_t nbytes) {
  enum ops_status st = ops_shape_set(c, k, dtype, shape);
  struct ops_tensor *t = ops_node_output(c->g, c->node, k);
  if (st != OPS_OK || t == NULL) return st;
  if (!ops_tensor_set_data_copy(t, data, nbytes)) return ops_shape_no_memory(c);
  return OPS_OK;
}

/* ---- values ---- */

bool ops_shape_has_value(const struct ops_tensor *t) {
  size_t need;
  return t != NULL && t->data != NULL && ops_tensor_byte_size(t, &need) && t->nbytes >= need;
}

bool ops_shape_read_ints(const struct ops_tensor *t, int64_t *out, size_t cap, size_t *n) {
  int64_t count;
  if (!ops_shape_dtype_is_int(t->dtype) || !ops_shape_has_value(t) ||
      !ops_tensor_numel(t, &count) || (uint64_t)count > cap) {
    return false;
  }
  for (int64_t i = 0; i < count; i++) {
    if (!ops_tensor_get_int(t, i, &out[i])) return false;
  }
  *n = (size_t)count;
  return true;
}

bool ops_shape_get_double(const struct ops_tensor *t, int64_t i, double *out) {
  size_t size = ops_dtype_size(t->dtype);
  if (t->data == NULL || size == 0 || i < 0 || (uint64_t)i >= t->nbytes / size) return false;
  const unsigned char *p = (const unsigned char *)t->data + (size_t)i * size;
  if (t->dtype == OPS_DTYPE_F32) {
    float f;
    memcpy(&f, p, sizeof f);
    *out = f;
    return true;
  }
  if (t->dtype == OPS_DTYPE_F64) {
    memcpy(out, p, sizeof *out);
    return true;
  }
  return false;
}

int64_t ops_shape_bcast_index(const struct ops_shape *out, const struct ops_shape *in,
                              int64_t flat) {
  int64_t index = 0, stride = 1;
  int shift = out->rank - in->rank;
  for (int j = out->rank - 1; j >= 0; j--) {
    int64_t pos = flat % out->dims[j];
    flat /= out->dims[j];
    int ij = j - shift;
    if (ij < 0) continue;
    if (in->dims[ij] != 1) index += pos * stride;
    stride *= in->dims[ij];
  }
  return index;
}

/* ---- broadcasting ---- */

enum ops_status ops_shape_broadcast(const struct ops_infer *c,
                                    const struct ops_shape *const *shapes, const int *which, int n,
                                    const char *what, struct ops_shape *out) {
  int rank = 0;
  for (int i = 0; i < n; i++) {
    if (shapes[i]->rank < 0) {
      *out = ops_shape_unknown();
      return OPS_OK;
    }
    if (shapes[i]->rank > rank) rank = shapes[i]->rank;
  }
  struct ops_shape s = ops_shape_unknown();
  s.rank = rank;
  for (int j = 0; j < rank; j++) {
    int64_t dim = 1;
    int from = -1;
    bool unknown = false;
    for (int i = 0; i < n; i++) {
      int ij = j - (rank - shapes[i]->rank);
      if (ij < 0) continue;
      int64_t v = shapes[i]->dims[ij];
      if (v < 0) {
        unknown = true;
      } else if (v != 1) {
        if (from >= 0 && v != dim) {
          return ops_shape_fail(c, "cannot broadcast %sinput %d %s with input %d %s", what,
                                which[from], ops_shape_text(shapes[from]).s, which[i],
                                ops_shape_text(shapes[i]).s);
        }
        dim = v;
        from = i;
      }
    }
    /* An unknown dim must be 1 or equal the known one, so a known dim other than 1 decides. */
    s.dims[j] = from >= 0 ? dim : (unknown ? -1 : 1);
  }
  *out = s;
  return OPS_OK;
}

enum ops_status ops_shape_check_unidirectional(const struct ops_infer *c, int which,
                                               const struct ops_shape *s,
                                               const struct ops_shape *target) {
  if (s->rank < 0 || target->rank < 0) return OPS_OK;
  bool ok = s->rank <= target->rank;
  for (int j = 0; ok && j < s->rank; j++) {
    int64_t v = s->dims[j], t = target->dims[j + target->rank - s->rank];
    if (v >= 0 && v != 1 && t >= 0 && v != t) ok = false;
  }
  if (ok) return OPS_OK;
  return ops_shape_fail(c, "cannot broadcast input %d '%s' %s to %s", which,
                        ops_shape_in_name(c, which), ops_shape_text(s).s, ops_shape_text(target).s);
}

/* ---- the driver ---- */

static enum ops_status infer_node(struct ops_infer *c) {
  switch (c->node->op) {
    case OPS_OP_ABS:
    case OPS_OP_ERF:
    case OPS_OP_EXP:
    case OPS_OP_LOG:
    case OPS_OP_NEG:
    case OPS_OP_RECIPROCAL:
    case OPS_OP_RELU:
    case OPS_OP_SIGMOID:
    case OPS_OP_SQRT:
    case OPS_OP_TANH:
    case OPS_OP_FLOOR:
    case OPS_OP_CEIL:
    case OPS_OP_ROUND:
    case OPS_OP_SIGN:
    case OPS_OP_SIN:
    case OPS_OP_COS:
    case OPS_OP_TAN:
    case OPS_OP_ASIN:
    case OPS_OP_ACOS:
    case OPS_OP_ATAN:
    case OPS_OP_SINH:
    case OPS_OP_COSH:
    case OPS_OP_ASINH:
    case OPS_OP_ACOSH:
    case OPS_OP_ATANH:
    case OPS_OP_LEAKY_RELU:
    case OPS_OP_ELU:
    case OPS_OP_SELU:
    case OPS_OP_CELU:
    case OPS_OP_HARD_SIGMOID:
    case OPS_OP_HARD_SWISH:
    case OPS_OP_SOFTPLUS:
    case OPS_OP_SOFTSIGN:
    case OPS_OP_THRESHOLDED_RELU:
    case OPS_OP_SHRINK:
    case OPS_OP_GELU:
      return ops_shape_infer_unary(c);
    case OPS_OP_IS_NAN:
    case OPS_OP_IS_INF:
    case OPS_OP_NOT:
    case OPS_OP_PRELU:
    case OPS_OP_MOD:
    case OPS_OP_BIT_SHIFT:
    case OPS_OP_AND:
    case OPS_OP_OR:
    case OPS_OP_XOR:
    case OPS_OP_EQUAL:
    case OPS_OP_GREATER:
    case OPS_OP_LESS:
    case OPS_OP_GREATER_OR_EQUAL:
    case OPS_OP_LESS_OR_EQUAL:
    case OPS_OP_MIN:
    case OPS_OP_MAX:
    case OPS_OP_SUM:
    case OPS_OP_MEAN:
    case OPS_OP_WHERE:
      return ops_shape_infer_elementwise(c);
    case OPS_OP_ADD:
    case OPS_OP_SUB:
    case OPS_OP_MUL:
    case OPS_OP_DIV:
    case OPS_OP_POW:
      return ops_shape_infer_binary(c);
    case OPS_OP_CLIP:
      return ops_shape_infer_clip(c);
    case OPS_OP_CAST:
      return ops_shape_infer_cast(c);
    case OPS_OP_CONV:
      return ops_shape_infer_conv(c);
    case OPS_OP_AVERAGE_POOL:
    case OPS_OP_MAX_POOL:
      return ops_shape_infer_pool(c);
    case OPS_OP_GLOBAL_AVERAGE_POOL:
    case OPS_OP_GLOBAL_MAX_POOL:
      return ops_shape_infer_global_pool(c);
    case OPS_OP_CONV_TRANSPOSE:
      return ops_shape_infer_conv_transpose(c);
    case OPS_OP_MAX_UNPOOL:
      return ops_shape_infer_max_unpool(c);
    case OPS_OP_TOP_K:
      return ops_shape_infer_top_k(c);
    case OPS_OP_EINSUM:
      return ops_shape_infer_einsum(c);
    case OPS_OP_BATCH_NORMALIZATION:
      return ops_shape_infer_batch_norm(c);
    case OPS_OP_GEMM:
      return ops_shape_infer_gemm(c);
    case OPS_OP_MATMUL:
      return ops_shape_infer_matmul(c);
    case OPS_OP_SOFTMAX:
      return ops_shape_infer_softmax(c);
    case OPS_OP_REDUCE_MEAN:
    case OPS_OP_REDUCE_SUM:
    case OPS_OP_REDUCE_MAX:
    case OPS_OP_REDUCE_MIN:
    case OPS_OP_REDUCE_L1:
    case OPS_OP_REDUCE_L2:
    case OPS_OP_REDUCE_LOG_SUM:
    case OPS_OP_REDUCE_LOG_SUM_EXP:
    case OPS_OP_REDUCE_SUM_SQUARE:
      return ops_shape_infer_reduce(c);
    case OPS_OP_REDUCE_PROD:
      return ops_shape_infer_reduce_prod(c);
    case OPS_OP_ARG_MAX:
    case OPS_OP_ARG_MIN:
      return ops_shape_infer_arg_reduce(c);
    case OPS_OP_LOG_SOFTMAX:
    case OPS_OP_HARDMAX:
      return ops_shape_infer_softmax(c);
    case OPS_OP_INSTANCE_NORMALIZATION:
    case OPS_OP_MEAN_VARIANCE_NORMALIZATION:
    case OPS_OP_LRN:
      return ops_shape_infer_norm(c);
    case OPS_OP_LAYER_NORMALIZATION:
      return ops_shape_infer_layer_norm(c);
    case OPS_OP_TRANSPOSE:
      return ops_shape_infer_transpose(c);
    case OPS_OP_FLATTEN:
      return ops_shape_infer_flatten(c);
    case OPS_OP_DROPOUT:
      return ops_shape_infer_dropout(c);
    case OPS_OP_CONSTANT:
      return ops_shape_infer_constant(c);
    case OPS_OP_SHAPE:
      return ops_shape_infer_shape(c);
    case OPS_OP_SIZE:
      return ops_shape_infer_size(c);
    case OPS_OP_GATHER:
      return ops_shape_infer_gather(c);
    case OPS_OP_GATHER_ELEMENTS:
    case OPS_OP_GATHER_ND:
    case OPS_OP_SCATTER:
    case OPS_OP_SCATTER_ELEMENTS:
    case OPS_OP_SCATTER_ND:
      return ops_shape_infer_index(c);
    case OPS_OP_NEGATIVE_LOG_LIKELIHOOD_LOSS:
    case OPS_OP_SOFTMAX_CROSS_ENTROPY_LOSS:
      return ops_shape_infer_loss(c);
    case OPS_OP_CONCAT:
      return ops_shape_infer_concat(c);
    case OPS_OP_RESHAPE:
      return ops_shape_infer_reshape(c);
    case OPS_OP_SQUEEZE:
      return ops_shape_infer_squeeze(c);
    case OPS_OP_UNSQUEEZE:
      return ops_shape_infer_unsqueeze(c);
    case OPS_OP_SLICE:
      return ops_shape_infer_slice(c);
    case OPS_OP_IDENTITY:
      return ops_shape_infer_identity(c);
    case OPS_OP_RESIZE:
    case OPS_OP_UPSAMPLE:
      return ops_shape_infer_resize(c);
    case OPS_OP_DEPTH_TO_SPACE:
    case OPS_OP_SPACE_TO_DEPTH:
      return ops_shape_infer_depth_space(c);
    case OPS_OP_PAD:
      return ops_shape_infer_pad(c);
    case OPS_OP_TILE:
      return ops_shape_infer_tile(c);
    case OPS_OP_EXPAND:
      return ops_shape_infer_expand(c);
    case OPS_OP_SPLIT:
      return ops_shape_infer_split(c);
    case OPS_OP_COMPRESS:
      return ops_shape_infer_compress(c);
    case OPS_OP_NON_ZERO:
      return ops_shape_infer_non_zero(c);
    case OPS_OP_CONSTANT_OF_SHAPE:
      return ops_shape_infer_constant_of_shape(c);
    case OPS_OP_RANGE:
      return ops_shape_infer_range(c);
    case OPS_OP_EYE_LIKE:
      return ops_shape_infer_eye_like(c);
    case OPS_OP_TRILU:
      return ops_shape_infer_trilu(c);
    case OPS_OP_CUM_SUM:
      return ops_shape_infer_cumsum(c);
    case OPS_OP_ONE_HOT:
      return ops_shape_infer_one_hot(c);
    case OPS_OP_CAST_LIKE:
      return ops_shape_infer_cast_like(c);
    case OPS_OP_QUANTIZE_LINEAR:
    case OPS_OP_DEQUANTIZE_LINEAR:
    case OPS_OP_DYNAMIC_QUANTIZE_LINEAR:
    case OPS_OP_MATMUL_INTEGER:
    case OPS_OP_QLINEAR_MATMUL:
    case OPS_OP_CONV_INTEGER:
    case OPS_OP_QLINEAR_CONV:
      return ops_shape_infer_quant(c);
    case OPS_OP_UNKNOWN:
    case OPS_OP_COUNT:
      break;
  }
  /* OPS_OP_UNKNOWN (and any out-of-range value): outputs stay unknown unless the op is one of
   * the shape-arithmetic ops whose value can be computed outright. */
  return ops_shape_infer_unlisted(c);
}

/* Inputs and initializers are the given facts; a hostile file can still make them absurd. */
static enum ops_status check_given(const struct ops_graph *g, struct ops_diag *d) {
  for (size_t i = 0; i < g->n_tensors; i++) {
    const struct ops_tensor *t = &g->tensors[i];
    if (t->role == OPS_TENSOR_ACTIVATION) continue;
    const char *role = t->role == OPS_TENSOR_INPUT ? "graph input" : "initializer";
    if (t->shape.rank < -1 || t->shape.rank > OPS_MAX_RANK) {
      return ops_fail(d, OPS_ERR_BAD_INPUT, "%s '%s' has rank %d, the maximum is %d", role, t->name,
                      t->shape.rank, OPS_MAX_RANK);
    }
    for (int k = 0; k < t->shape.rank; k++) {
      if (t->shape.dims[k] < -1) {
        return ops_fail(d, OPS_ERR_BAD_INPUT, "%s '%s' has dim %d = %lld, expected >= 0", role,
                        t->name, k, (long long)t->shape.dims[k]);
      }
    }
    int64_t n;
    if (ops_shape_is_known(&t->shape) && !ops_shape_numel(&t->shape, &n)) {
      return ops_fail(d, OPS_ERR_BAD_INPUT, "%s '%s': shape %s has more than 2^63 elements", role,
                      t->name, ops_shape_text(&t->shape).s);
    }
    size_t need;
    if (t->data != NULL && ops_tensor_byte_size(t, &need) && t->nbytes < need) {
      return ops_fail(d, OPS_ERR_BAD_INPUT, "%s '%s' %s %s holds %zu bytes, expected %zu", role,
                      t->name, ops_dtype_name(t->dtype), ops_shape_text(&t->shape).s, t->nbytes,
                      need);
    }
  }
  return OPS_OK;
}

enum ops_status ops_shape_infer(struct ops_graph *g, struct ops_diag *d) {
  enum ops_status status = OPS_OK;
  enum ops_dtype *declared = NULL;
  /* Messages name the file; callers that did not say which one get the graph's. */
  bool set_path = d != NULL && d->path == NULL && g->path != NULL;
  if (set_path) d->path = g->path;

  declared = ops_calloc_array(g->n_outputs, sizeof *declared);
  if (declared == NULL) {
    status = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory inferring shapes");
    goto fail;
  }
  /* The declared dtype of a graph output is kept aside to cross-check what inference finds. */
  for (size_t i = 0; i < g->n_outputs; i++)
    declared[i] = g->tensors[g->outputs[i]].dtype;
  for (size_t i = 0; i < g->n_tensors; i++) {
    struct ops_tensor *t = &g->tensors[i];
    if (t->role != OPS_TENSOR_ACTIVATION) continue;
    t->dtype = OPS_DTYPE_UNDEFINED;
    t->shape = ops_shape_unknown();
    ops_tensor_clear_data(t);
  }
  status = check_given(g, d);
  if (status != OPS_OK) goto fail;

  struct ops_infer c = {.g = g, .d = d, .opset = g->opset > 0 ? g->opset : OPS_INFER_NEWEST_OPSET};
  for (size_t i = 0; i < g->n_nodes; i++) {
    c.node = &g->nodes[i];
    status = infer_node(&c);
    if (status != OPS_OK) goto fail;
  }

  for (size_t i = 0; i < g->n_outputs; i++) {
    struct ops_tensor *t = &g->tensors[g->outputs[i]];
    if (t->role != OPS_TENSOR_ACTIVATION || declared[i] == OPS_DTYPE_UNDEFINED) continue;
    if (t->dtype == OPS_DTYPE_UNDEFINED) {
      /* Inference could not tell (an unknown op): the declaration is the best fact there is. */
      t->dtype = declared[i];
    } else if (t->dtype != declared[i]) {
      const struct ops_node *p = t->producer >= 0 ? &g->nodes[t->producer] : NULL;
      status = ops_fail(d, OPS_ERR_BAD_INPUT,
                        "graph output '%s' is declared %s but node '%s' (%s) produces %s", t->name,
                        ops_dtype_name(declared[i]), p ? p->name : "?", p ? p->op_type : "?",
                        ops_dtype_name(t->dtype));
      goto fail;
    }
  }
fail:
  if (set_path) d->path = NULL;
  free(declared);
  return status;
}
