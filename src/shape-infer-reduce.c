/*
 * Shape inference of the reductions beyond ReduceMean's shared rule (ReduceProd, which also
 * folds integer shape arithmetic), ArgMax and ArgMin, and the normalizations that keep X's
 * shape (InstanceNormalization, MeanVarianceNormalization, LRN) or add statistics outputs
 * (LayerNormalization). The other Reduce* ops use ops_shape_infer_reduce() and LogSoftmax and
 * Hardmax use ops_shape_infer_softmax() from src/shape-infer-ops.c.
 */
#include <stdbool.h>
#include <stdint.h>

#include "src/shape-infer-impl.h"

enum ops_status ops_shape_infer_reduce_prod(struct ops_infer *c) {
  enum ops_status st = ops_shape_infer_reduce(c);
  if (st != OPS_OK) return st;
  /* A ReduceProd of a Shape counts elements in exporters' shape arithmetic: keep its value known
   * so Reshape targets stay constant (it was folded as an unlisted op before it had a kernel). */
  return ops_shape_infer_unlisted(c);
}

enum ops_status ops_shape_infer_arg_reduce(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 1, 1, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 1)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_NUMERIC);
  int64_t axis = 0, keepdims = 1;
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "axis", 0, &axis, c->d);
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "keepdims", 1, &keepdims, c->d);
  if (st != OPS_OK) return st;
  const struct ops_shape *xs = &ops_shape_in(c, 0)->shape;
  if (xs->rank < 0) return ops_shape_set_unknown(c, 0, OPS_DTYPE_I64);
  int a;
  if ((st = ops_shape_axis(c, "axis", axis, xs->rank, &a)) != OPS_OK) return st;
  struct ops_shape out = ops_shape_make(0, NULL);
  for (int j = 0; j < xs->rank; j++) {
    if (j != a) {
      out.dims[out.rank++] = xs->dims[j];
    } else if (keepdims) {
      out.dims[out.rank++] = 1;
    }
  }
  return ops_shape_set(c, 0, OPS_DTYPE_I64, &out);
}

enum ops_status ops_shape_infer_norm(struct ops_infer *c) {
  /* InstanceNormalization has X, scale, B; MVN and LRN only X. */
  bool instance = c->node->op == OPS_OP_INSTANCE_NORMALIZATION;
  int n_in = instance ? 3 : 1;
  enum ops_status st = ops_shape_check_arity(c, n_in, n_in, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, n_in)) return st;
  for (int i = 0; i < n_in && st == OPS_OK; i++)
    st = ops_shape_check_class(c, i, OPS_CLASS_FLOAT);
  for (int i = 1; i < n_in && st == OPS_OK; i++)
    st = ops_shape_check_same_dtype(c, 0, i);
  if (st != OPS_OK) return st;
  const struct ops_tensor *x = ops_shape_in(c, 0);
  bool needs_channels = c->node->op != OPS_OP_MEAN_VARIANCE_NORMALIZATION;
  if (needs_channels && x->shape.rank >= 0 && x->shape.rank < 2) {
    return ops_shape_fail(c, "input 0 '%s' has rank %d, expected at least 2 (N, C, ...)", x->name,
                          x->shape.rank);
  }
  int64_t channels = x->shape.rank >= 2 ? x->shape.dims[1] : -1;
  for (int i = 1; i < n_in; i++) {
    const struct ops_shape *s = &ops_shape_in(c, i)->shape;
    if (s->rank < 0) continue;
    if (s->rank != 1 || (channels >= 0 && s->dims[0] >= 0 && s->dims[0] != channels)) {
      return ops_shape_fail(c, "input %d '%s' has shape %s, expected [%lld] (one per channel)", i,
                            ops_shape_in_name(c, i), ops_shape_text(s).s, (long long)channels);
    }
  }
  return ops_shape_set(c, 0, x->dtype, &x->shape);
}

enum ops_status ops_shape_infer_layer_norm(struct ops_infer *c) {
  enum ops_status st = ops_shape_check_arity(c, 2, 3, 3);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_FLOAT);
  for (int i = 1; i < 3 && st == OPS_OK; i++) {
    if (ops_shape_in(c, i) != NULL) st = ops_shape_check_class(c, i, OPS_CLASS_FLOAT);
  }
  int64_t axis = -1, stash = 1;
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "axis", -1, &axis, c->d);
  if (st == OPS_OK) st = ops_node_attr_int(c->node, "stash_type", 1, &stash, c->d);
  if (st != OPS_OK) return st;
  /* stash_type is the ONNX dtype code of Mean and InvStdDev (1, float, by default). */
  enum ops_dtype stat_dtype = (enum ops_dtype)stash;
  if (stash != OPS_DTYPE_F32 && stash != OPS_DTYPE_F64 && stash != OPS_DTYPE_F16 &&
      stash != OPS_DTYPE_BF16) {
    return ops_shape_fail(c, "attribute 'stash_type' %lld is not a floating-point dtype",
                          (long long)stash);
  }
  const struct ops_tensor *x = ops_shape_in(c, 0);
  const struct ops_shape *xs = &x->shape;
  if ((st = ops_shape_set(c, 0, x->dtype, xs)) != OPS_OK) return st;
  if (xs->rank < 0) {
    st = ops_shape_set_unknown(c, 1, stat_dtype);
    if (st == OPS_OK) st = ops_shape_set_unknown(c, 2, stat_dtype);
    return st;
  }
  int a;
  if ((st = ops_shape_axis(c, "axis", axis, xs->rank, &a)) != OPS_OK) return st;
  /* Scale and B broadcast to the normalized dims [a, rank). */
  struct ops_shape norm = ops_shape_make(xs->rank - a, xs->dims + a);
  for (int i = 1; i < 3; i++) {
    const struct ops_tensor *t = ops_shape_in(c, i);
    if (t == NULL) continue;
    if ((st = ops_shape_check_unidirectional(c, i, &t->shape, &norm)) != OPS_OK) return st;
  }
  struct ops_shape stat = *xs;
  for (int j = a; j < xs->rank; j++)
    stat.dims[j] = 1;
  st = ops_shape_set(c, 1, stat_dtype, &stat);
  if (st == OPS_OK) st = ops_shape_set(c, 2, stat_dtype, &stat);
  return st;
}
