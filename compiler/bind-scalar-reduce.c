/*
 * Binding the reductions and normalizations to the scalar unit: checks what their kernels
 * (kernels/scalar/f32-reduce.c, f32-norm.c) rely on and fills their params.
 *
 * As in compiler/bind-scalar.c, the output dims are recomputed from the inputs and compared
 * with the inferred ones, so a kernel never writes past its output, and every message names the
 * node and op.
 */
#include "compiler/bind-scalar-reduce.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kernels/kernel.h"
#include "kernels/params.h"
#include "compiler/compiler-impl.h"
#include "src/size.h"

/* LRN windows above this are refused: no model comes near it, and alpha / size stays sane. */
#define LRN_SIZE_LIMIT (INT64_C(1) << 31)

/* Axes from the attribute (before opset 18, and ReduceSum before 13) or from constant input 1
 * (i32 or i64, rank 0 or 1). The attribute, when present, wins, as in shape inference. */
static enum ops_status read_axes(const struct bind_ctx *c, int64_t *axes, size_t *n) {
  const int64_t *attr;
  size_t n_attr;
  enum ops_status st = ops_node_attr_ints(c->node, "axes", &attr, &n_attr, c->d);
  if (st != OPS_OK) return st;
  *n = 0;
  if (attr != NULL) {
    if (n_attr > OPS_KMAX_RANK) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'axes' has %zu values, more than rank %d",
                       n_attr, OPS_KMAX_RANK);
    }
    memcpy(axes, attr, n_attr * sizeof *axes);
    *n = n_attr;
    return OPS_OK;
  }
  const struct ops_tensor *t = in_t(c, 1);
  if (t == NULL) return OPS_OK;
  if (t->dtype != OPS_DTYPE_I64 && t->dtype != OPS_DTYPE_I32) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "axes input '%s' is %s, expected i32 or i64", t->name,
                     ops_dtype_name(t->dtype));
  }
  int64_t count;
  if (t->shape.rank > 1 || !ops_tensor_numel(t, &count) || count > OPS_KMAX_RANK) {
    char s[160];
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "axes input '%s' has shape %s, expected at most %d values", t->name,
                     ops_shape_format(&t->shape, s, sizeof s), OPS_KMAX_RANK);
  }
  /* An empty list is known without data (an empty initializer may carry none). */
  if (count > 0 && t->data == NULL) {
    return node_fail(c, OPS_ERR_UNSUPPORTED,
                     "axes input '%s' is not a constant; the scalar unit needs it at compile time",
                     t->name);
  }
  for (int64_t i = 0; i < count; i++) {
    if (!ops_tensor_get_int(t, i, &axes[i])) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "axes input '%s' holds fewer bytes than its shape",
                       t->name);
    }
  }
  *n = (size_t)count;
  return OPS_OK;
}

/* A mask of axes, each normalized against `rank` and listed once. */
static enum ops_status axes_mask(const struct bind_ctx *c, const int64_t *axes, size_t n, int rank,
                                 uint32_t *mask) {
  *mask = 0;
  for (size_t i = 0; i < n; i++) {
    int a = 0;
    enum ops_status st = norm_axis(c, axes[i], rank, "axis", &a);
    if (st != OPS_OK) return st;
    if (*mask & (1u << a)) return node_fail(c, OPS_ERR_BAD_INPUT, "axis %d is listed twice", a);
    *mask |= 1u << a;
  }
  return OPS_OK;
}

/* Output dims of X with the masked dims removed, or kept as 1. */
static int reduced_dims(const struct ops_tensor *x, uint32_t mask, bool keepdims, int64_t *out) {
  int r = 0;
  for (int i = 0; i < x->shape.rank; i++) {
    if (!(mask & (1u << i))) {
      out[r++] = x->shape.dims[i];
    } else if (keepdims) {
      out[r++] = 1;
    }
  }
  return r;
}

static enum ops_status bind_reduce(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int rank = x->shape.rank;
  int64_t keepdims, noop;
  if ((st = ops_node_attr_int(c->node, "keepdims", 1, &keepdims, c->d)) != OPS_OK) return st;
  st = ops_node_attr_int(c->node, "noop_with_empty_axes", 0, &noop, c->d);
  if (st != OPS_OK) return st;
  int64_t axes[OPS_KMAX_RANK];
  size_t n_axes;
  uint32_t mask;
  if ((st = read_axes(c, axes, &n_axes)) != OPS_OK) return st;
  if ((st = axes_mask(c, axes, n_axes, rank, &mask)) != OPS_OK) return st;
  /* No axes: every axis, unless noop_with_empty_axes makes each element its own reduction. */
  if (n_axes == 0 && noop == 0) mask = rank > 0 ? (uint32_t)((1u << rank) - 1u) : 0;
  int64_t want[OPS_MAX_RANK];
  int r = reduced_dims(x, mask, keepdims != 0, want);
  if ((st = expect_dims(c, y, r, want)) != OPS_OK) return st;
  struct ops_reduce_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axes_mask = mask;
  *params = p;
  return OPS_OK;
}

/* True when every dim of `s` but `skip` is non-zero, so the output has elements. */
static bool others_nonempty(const struct ops_shape *s, int skip) {
  for (int i = 0; i < s->rank; i++) {
    if (i != skip && s->dims[i] == 0) return false;
  }
  return true;
}

static enum ops_status bind_arg_reduce(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, OPS_DTYPE_I64)) != OPS_OK) return st;
  int64_t axis, keepdims, last;
  if ((st = ops_node_attr_int(c->node, "axis", 0, &axis, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_int(c->node, "keepdims", 1, &keepdims, c->d)) != OPS_OK) return st;
  st = ops_node_attr_int(c->node, "select_last_index", 0, &last, c->d);
  if (st != OPS_OK) return st;
  if (x->shape.rank < 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' is a scalar; the op needs an axis", x->name);
  }
  int a = 0;
  if ((st = norm_axis(c, axis, x->shape.rank, "axis", &a)) != OPS_OK) return st;
  if (x->shape.dims[a] == 0 && others_nonempty(&x->shape, a)) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "axis %d of input '%s' is empty: no index to return", a,
                     x->name);
  }
  int64_t want[OPS_MAX_RANK];
  int r = reduced_dims(x, 1u << a, keepdims != 0, want);
  if ((st = expect_dims(c, y, r, want)) != OPS_OK) return st;
  struct ops_argreduce_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = a;
  p->select_last = last != 0;
  *params = p;
  return OPS_OK;
}

/* Input `i` must be present, f32, and (when `dims` is set) of shape [dims0]. */
static enum ops_status need_f32_vector(const struct bind_ctx *c, int i, const char *role,
                                       const int64_t *len, const struct ops_tensor **out) {
  const struct ops_tensor *t = in_t(c, i);
  if (t == NULL) return node_fail(c, OPS_ERR_BAD_INPUT, "input %d (%s) is missing", i, role);
  enum ops_status st = need_dtype(c, t, OPS_DTYPE_F32);
  if (st != OPS_OK) return st;
  if (len != NULL && (t->shape.rank != 1 || t->shape.dims[0] != *len)) {
    char s[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' has shape %s, expected [%" PRId64 "]", role,
                     t->name, ops_shape_format(&t->shape, s, sizeof s), *len);
  }
  *out = t;
  return OPS_OK;
}

/* Whether `t` broadcasts unidirectionally to the last `rank` dims `dims` (right-aligned; a dim
 * of t is 1 or equal). */
static bool broadcasts_to(const struct ops_tensor *t, int rank, const int64_t *dims) {
  if (t->shape.rank > rank) return false;
  int lead = rank - t->shape.rank;
  for (int i = 0; i < t->shape.rank; i++) {
    if (t->shape.dims[i] != 1 && t->shape.dims[i] != dims[lead + i]) return false;
  }
  return true;
}

static enum ops_status bind_layer_norm(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  int64_t axis, stash;
  float epsilon;
  if ((st = ops_node_attr_int(c->node, "axis", -1, &axis, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_int(c->node, "stash_type", 1, &stash, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_float(c->node, "epsilon", 1e-5f, &epsilon, c->d)) != OPS_OK) return st;
  if (x->shape.rank < 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' is a scalar; the op needs an axis", x->name);
  }
  int a = 0;
  if ((st = norm_axis(c, axis, x->shape.rank, "axis", &a)) != OPS_OK) return st;
  int n_norm = x->shape.rank - a;
  const int64_t *norm = x->shape.dims + a;
  static const char *const roles[] = {"X", "Scale", "B"};
  for (int i = 1; i < 3; i++) {
    const struct ops_tensor *t = in_t(c, i);
    if (t == NULL && i == 2) continue;
    if ((st = need_f32_vector(c, i, roles[i], NULL, &t)) != OPS_OK) return st;
    if (!broadcasts_to(t, n_norm, norm)) {
      char s[160];
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "%s '%s' of shape %s does not broadcast to the normalized dims from axis %d",
                       roles[i], t->name, ops_shape_format(&t->shape, s, sizeof s), a);
    }
  }
  if ((st = need_dtype(c, y, OPS_DTYPE_F32)) != OPS_OK) return st;
  if ((st = expect_dims(c, y, x->shape.rank, x->shape.dims)) != OPS_OK) return st;
  /* Mean and InvStdDev: X's dims before axis, then 1s; the kernel writes them in f32. */
  int64_t stat[OPS_MAX_RANK];
  for (int i = 0; i < x->shape.rank; i++)
    stat[i] = i < a ? x->shape.dims[i] : 1;
  for (int k = 1; k < 3; k++) {
    const struct ops_tensor *t = out_t(c, k);
    if (t == NULL) continue;
    if (t->dtype != OPS_DTYPE_F32) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "output %d '%s' is %s (stash_type %" PRId64
                       "); the scalar kernel writes f32",
                       k, t->name, ops_dtype_name(t->dtype), stash);
    }
    if ((st = expect_dims(c, t, x->shape.rank, stat)) != OPS_OK) return st;
  }
  struct ops_norm_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = a;
  p->epsilon = epsilon;
  *params = p;
  return OPS_OK;
}

/* The checks InstanceNormalization and LRN share: X [N, C, ...] f32, Y of X's dims. */
static enum ops_status need_nc(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  if (x->shape.rank < 2) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' has rank %d, expected [N, C, ...]", x->name,
                     x->shape.rank);
  }
  enum ops_status st = need_dtype(c, y, OPS_DTYPE_F32);
  if (st != OPS_OK) return st;
  return expect_dims(c, y, x->shape.rank, x->shape.dims);
}

static enum ops_status bind_instance_norm(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *t;
  enum ops_status st;
  if ((st = need_nc(c)) != OPS_OK) return st;
  int64_t ch = x->shape.dims[1];
  if ((st = need_f32_vector(c, 1, "scale", &ch, &t)) != OPS_OK) return st;
  if ((st = need_f32_vector(c, 2, "B", &ch, &t)) != OPS_OK) return st;
  float epsilon;
  if ((st = ops_node_attr_float(c->node, "epsilon", 1e-5f, &epsilon, c->d)) != OPS_OK) return st;
  struct ops_norm_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = 2;
  p->epsilon = epsilon;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_lrn(const struct bind_ctx *c, void **params) {
  enum ops_status st;
  if ((st = need_nc(c)) != OPS_OK) return st;
  int64_t size;
  float alpha, beta, bias;
  if ((st = ops_node_attr_int(c->node, "size", 0, &size, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_float(c->node, "alpha", 1e-4f, &alpha, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_float(c->node, "beta", 0.75f, &beta, c->d)) != OPS_OK) return st;
  if ((st = ops_node_attr_float(c->node, "bias", 1.0f, &bias, c->d)) != OPS_OK) return st;
  /* size is required; absent reads as 0 and is refused with the rest. */
  if (size < 1 || size > LRN_SIZE_LIMIT) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "attribute 'size' %" PRId64 " is missing or out of range", size);
  }
  struct ops_lrn_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->size = size;
  p->alpha = alpha;
  p->beta = beta;
  p->bias = bias;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_mvn(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, y, OPS_DTYPE_F32)) != OPS_OK) return st;
  if ((st = expect_dims(c, y, x->shape.rank, x->shape.dims)) != OPS_OK) return st;
  /* axes defaults to [0, 2, 3]: per-channel statistics of an NCHW tensor. */
  const int64_t *attr;
  size_t n;
  if ((st = ops_node_attr_ints(c->node, "axes", &attr, &n, c->d)) != OPS_OK) return st;
  static const int64_t dflt[] = {0, 2, 3};
  if (attr == NULL) {
    attr = dflt;
    n = 3;
  }
  if (n > OPS_KMAX_RANK) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'axes' has %zu values, more than rank %d", n,
                     OPS_KMAX_RANK);
  }
  uint32_t mask;
  if ((st = axes_mask(c, attr, n, x->shape.rank, &mask)) != OPS_OK) return st;
  struct ops_reduce_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axes_mask = mask;
  *params = p;
  return OPS_OK;
}

enum ops_status ops_bind_scalar_reduce(const struct ops_graph *g, const struct ops_node *node,
                                       struct ops_diag *d, void **params) {
  struct bind_ctx c = {.g = g, .node = node, .d = d};
  switch (node->op) {
    case OPS_OP_ARG_MAX:
    case OPS_OP_ARG_MIN:
      return bind_arg_reduce(&c, params);
    case OPS_OP_LAYER_NORMALIZATION:
      return bind_layer_norm(&c, params);
    case OPS_OP_INSTANCE_NORMALIZATION:
      return bind_instance_norm(&c, params);
    case OPS_OP_LRN:
      return bind_lrn(&c, params);
    case OPS_OP_MEAN_VARIANCE_NORMALIZATION:
      return bind_mvn(&c, params);
    case OPS_OP_REDUCE_SUM:
    case OPS_OP_REDUCE_MEAN:
    case OPS_OP_REDUCE_PROD:
    case OPS_OP_REDUCE_MAX:
    case OPS_OP_REDUCE_MIN:
    case OPS_OP_REDUCE_L1:
    case OPS_OP_REDUCE_L2:
    case OPS_OP_REDUCE_LOG_SUM:
    case OPS_OP_REDUCE_LOG_SUM_EXP:
    case OPS_OP_REDUCE_SUM_SQUARE:
      return bind_reduce(&c, params);
    default:
      return node_fail(&c, OPS_ERR_UNSUPPORTED, "not a reduction or normalization");
  }
}
