/*
 * Shape inference of NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss: input
 * [N, C, d1, ...] (float), target [N, d1, ...] (i32 or i64), optional weight [C] of the
 * input's dtype. The loss is [N, d1, ...] with reduction "none" and a scalar otherwise; SCE's
 * optional second output (log_prob) has the input's shape.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "src/shape-infer-impl.h"

enum ops_status ops_shape_infer_loss(struct ops_infer *c) {
  bool sce = c->node->op == OPS_OP_SOFTMAX_CROSS_ENTROPY_LOSS;
  enum ops_status st = ops_shape_check_arity(c, 2, 3, sce ? 2 : 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, 3)) return st;
  st = ops_shape_check_class(c, 0, OPS_CLASS_FLOAT);
  if (st == OPS_OK) st = ops_shape_check_class(c, 1, OPS_CLASS_INDEX);
  if (st == OPS_OK) st = ops_shape_check_same_dtype(c, 0, 2);
  const char *reduction = "mean";
  if (st == OPS_OK) st = ops_node_attr_string(c->node, "reduction", "mean", &reduction, c->d);
  if (st != OPS_OK) return st;
  bool none = strcmp(reduction, "none") == 0;
  if (!none && strcmp(reduction, "sum") != 0 && strcmp(reduction, "mean") != 0) {
    return ops_shape_fail(c, "reduction '%s' is not one of none, sum, mean", reduction);
  }
  const struct ops_tensor *x = ops_shape_in(c, 0), *t = ops_shape_in(c, 1);
  const struct ops_tensor *w = ops_shape_in(c, 2);
  const struct ops_shape *xs = &x->shape, *ts = &t->shape;
  if (xs->rank >= 0 && xs->rank < 2) {
    return ops_shape_fail(c, "input 0 '%s' has rank %d, expected at least 2 (N, C, ...)", x->name,
                          xs->rank);
  }
  if (xs->rank >= 2 && ts->rank >= 0) {
    bool ok = ts->rank == xs->rank - 1;
    for (int k = 0; ok && k < ts->rank; k++) {
      int64_t want = xs->dims[k == 0 ? 0 : k + 1];
      ok = ts->dims[k] < 0 || want < 0 || ts->dims[k] == want;
    }
    if (!ok) {
      return ops_shape_fail(c, "target '%s' %s does not match input '%s' %s (expected N, d1, ...)",
                            t->name, ops_shape_text(ts).s, x->name, ops_shape_text(xs).s);
    }
  }
  if (w != NULL && w->shape.rank >= 0) {
    bool ok = w->shape.rank == 1;
    if (ok && xs->rank >= 2 && w->shape.dims[0] >= 0 && xs->dims[1] >= 0) {
      ok = w->shape.dims[0] == xs->dims[1];
    }
    if (!ok) {
      return ops_shape_fail(c, "weight '%s' %s does not match the classes of input '%s' %s",
                            w->name, ops_shape_text(&w->shape).s, x->name, ops_shape_text(xs).s);
    }
  }

  struct ops_shape loss = ops_shape_make(0, NULL);
  if (none) {
    if (xs->rank >= 2) {
      /* The input's dims without C; where one is unknown the target's may be known. */
      for (int k = 0; k < xs->rank; k++) {
        if (k == 1) continue;
        int64_t dim = xs->dims[k];
        if (dim < 0 && ts->rank == xs->rank - 1) dim = ts->dims[loss.rank];
        loss.dims[loss.rank++] = dim;
      }
    } else if (ts->rank >= 0) {
      loss = *ts;
    } else {
      loss = ops_shape_unknown();
    }
  }
  if ((st = ops_shape_set(c, 0, x->dtype, &loss)) != OPS_OK) return st;
  if (sce) st = ops_shape_set(c, 1, x->dtype, xs);
  return st;
}
