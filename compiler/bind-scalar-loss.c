/*
 * Binding NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss to the scalar unit: checks what
 * kernels/scalar/f32-loss.c relies on and fills its params (kernels/params-loss.h).
 *
 * Input [N, C, d1, ...] f32 or f64, target [N, d1, ...] i32 or i64, optional weight [C] of the
 * input's dtype; the loss is [N, d1, ...] (reduction "none") or a scalar, and SCE's optional
 * log_prob has the input's dims. Target values are data: the kernel checks them at run time;
 * constant targets are checked here for a message that quotes the value.
 */
#include "compiler/bind-scalar-loss.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernels/kernel.h"
#include "kernels/params-loss.h"
#include "compiler/compiler-impl.h"
#include "src/size.h"

static enum ops_status read_reduction(const struct bind_ctx *c, enum ops_loss_reduction *out) {
  static const char *const names[OPS_LOSS_REDUCTION_COUNT] = {"none", "sum", "mean"};
  const char *s;
  enum ops_status st = ops_node_attr_string(c->node, "reduction", "mean", &s, c->d);
  if (st != OPS_OK) return st;
  for (int r = 0; r < OPS_LOSS_REDUCTION_COUNT; r++) {
    if (strcmp(s, names[r]) == 0) {
      *out = (enum ops_loss_reduction)r;
      return OPS_OK;
    }
  }
  return node_fail(c, OPS_ERR_BAD_INPUT, "reduction '%s' is not one of none, sum, mean", s);
}

/* A constant target must name a class or be ignore_index. */
static enum ops_status check_const_target(const struct bind_ctx *c, const struct ops_tensor *t,
                                          int64_t classes, const struct ops_loss_params *p) {
  int64_t n;
  if (t->data == NULL || !ops_tensor_numel(t, &n)) return OPS_OK;
  for (int64_t i = 0; i < n; i++) {
    int64_t v;
    if (!ops_tensor_get_int(t, i, &v)) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "target '%s' holds fewer bytes than its shape",
                       t->name);
    }
    if ((p->has_ignore_index && v == p->ignore_index) || (v >= 0 && v < classes)) continue;
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "target %" PRId64 " in '%s' is not a class of %" PRId64 " nor ignore_index", v,
                     t->name, classes);
  }
  return OPS_OK;
}

static enum ops_status bind_loss(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *t, *w = in_t(c, 2), *y = out_t(c, 0);
  bool sce = c->node->op == OPS_OP_SOFTMAX_CROSS_ENTROPY_LOSS;
  enum ops_status st;
  if (x->dtype != OPS_DTYPE_F32 && x->dtype != OPS_DTYPE_F64) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "input '%s' is %s; the scalar kernel takes f32 or f64",
                     x->name, ops_dtype_name(x->dtype));
  }
  if ((st = need_in(c, 1, "target", &t)) != OPS_OK) return st;
  if (t->dtype != OPS_DTYPE_I32 && t->dtype != OPS_DTYPE_I64) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "target '%s' is %s, expected i32 or i64", t->name,
                     ops_dtype_name(t->dtype));
  }
  int rank = x->shape.rank;
  if (rank < 2) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' has rank %d, expected [N, C, d1, ...]",
                     x->name, rank);
  }
  /* The target and the per-position loss: the input's dims without C. */
  int64_t pos[OPS_MAX_RANK];
  int n_pos = 0;
  for (int k = 0; k < rank; k++) {
    if (k != 1) pos[n_pos++] = x->shape.dims[k];
  }
  struct ops_shape pos_s = ops_shape_make(n_pos, pos);
  if (!ops_shape_equal(&t->shape, &pos_s)) {
    char st_s[160], sx[160];
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "target '%s' has shape %s, expected input '%s' %s without dim 1", t->name,
                     ops_shape_format(&t->shape, st_s, sizeof st_s), x->name,
                     ops_shape_format(&x->shape, sx, sizeof sx));
  }
  int64_t classes = x->shape.dims[1];
  if (w != NULL) {
    if ((st = need_dtype(c, w, x->dtype)) != OPS_OK) return st;
    if (w->shape.rank != 1 || w->shape.dims[0] != classes) {
      char sw[160];
      return node_fail(c, OPS_ERR_BAD_INPUT, "weight '%s' has shape %s, expected [%" PRId64 "]",
                       w->name, ops_shape_format(&w->shape, sw, sizeof sw), classes);
    }
  }
  struct ops_loss_params lp = {0};
  if ((st = read_reduction(c, &lp.reduction)) != OPS_OK) return st;
  lp.has_ignore_index = ops_node_attr(c->node, "ignore_index") != NULL;
  if (lp.has_ignore_index &&
      (st = ops_node_attr_int(c->node, "ignore_index", 0, &lp.ignore_index, c->d)) != OPS_OK) {
    return st;
  }
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  if (lp.reduction == OPS_LOSS_REDUCTION_NONE) {
    st = expect_dims(c, y, n_pos, pos);
  } else {
    st = expect_dims(c, y, 0, NULL);
  }
  if (st != OPS_OK) return st;
  for (int k = 1; k < c->node->n_outputs; k++) {
    const struct ops_tensor *extra = out_t(c, k);
    if (extra == NULL) continue;
    if (!sce || k > 1) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "output %d '%s' is not an output of the op", k,
                       extra->name);
    }
    if ((st = need_dtype(c, extra, x->dtype)) != OPS_OK) return st;
    if ((st = expect_same_dims(c, extra, x)) != OPS_OK) return st;
  }
  if ((st = check_const_target(c, t, classes, &lp)) != OPS_OK) return st;
  struct ops_loss_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  *p = lp;
  *params = p;
  return OPS_OK;
}

enum ops_status ops_bind_scalar_loss(const struct ops_graph *g, const struct ops_node *node,
                                     struct ops_diag *d, void **params) {
  struct bind_ctx c = {.g = g, .node = node, .d = d};
  switch (node->op) {
    case OPS_OP_NEGATIVE_LOG_LIKELIHOOD_LOSS:
    case OPS_OP_SOFTMAX_CROSS_ENTROPY_LOSS:
      return bind_loss(&c, params);
    default:
      return node_fail(&c, OPS_ERR_UNSUPPORTED, "not a loss op");
  }
}
