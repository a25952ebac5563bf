/*
 * SIMD attribute limits of the element-wise, Softmax and reduction kernels (see
 * simd-caps-elementwise.h). Each refusal says what the kernel lacks, so the plan's ATTR reason
 * tells a person why the node fell back.
 */
#include "planner/simd-caps-elementwise.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static bool shapes_equal(const struct ops_tensor *a, const struct ops_tensor *b) {
  return ops_shape_equal(&a->shape, &b->shape);
}

/* Element 0 of a one-element constant as double; false when it is not one. */
static bool const_scalar(const struct ops_tensor *t, double *out) {
  int64_t count;
  if (t == NULL || t->data == NULL || !ops_tensor_numel(t, &count) || count != 1) return false;
  if (t->dtype == OPS_DTYPE_F32 && t->nbytes >= sizeof(float)) {
    float v;
    memcpy(&v, t->data, sizeof v);
    *out = v;
    return true;
  }
  if (t->dtype == OPS_DTYPE_F64 && t->nbytes >= sizeof(double)) {
    double v;
    memcpy(&v, t->data, sizeof v);
    *out = v;
    return true;
  }
  int64_t i;
  if (ops_tensor_get_int(t, 0, &i)) {
    *out = (double)i;
    return true;
  }
  return false;
}

double ops_simd_caps_pow_exponent(const struct ops_graph *g, const struct ops_node *n) {
  double e;
  if (!const_scalar(ops_node_input(g, n, 1), &e)) return 0.0;
  return e == 2.0 || e == 0.5 ? e : 0.0;
}

static bool caps_pow(const struct ops_graph *g, const struct ops_node *n, char *text, size_t len) {
  const struct ops_tensor *x = ops_node_input(g, n, 0), *e = ops_node_input(g, n, 1);
  const struct ops_tensor *y =
      n->n_outputs > 0 && n->outputs[0] >= 0 ? &g->tensors[n->outputs[0]] : NULL;
  if (x == NULL || e == NULL || y == NULL) return true; /* the scalar binder says what is wrong */
  double v;
  if (!const_scalar(e, &v)) {
    snprintf(text, len, "Pow with an exponent that is not a constant scalar has no SIMD kernel");
    return false;
  }
  if (v != 2.0 && v != 0.5) {
    snprintf(text, len, "Pow with exponent %g has no SIMD kernel (only 2 and 0.5)", v);
    return false;
  }
  if (!shapes_equal(x, y)) {
    snprintf(text, len,
             "Pow whose exponent broadcasts the base to a larger rank has no SIMD kernel");
    return false;
  }
  return true;
}

/* Opset 13+: the vector along `axis` is contiguous only when every later dim is 1. Before 13
 * each row of the 2-D view is contiguous by construction. */
static bool caps_softmax(const struct ops_graph *g, const struct ops_node *n, char *text,
                         size_t len) {
  const struct ops_tensor *x = ops_node_input(g, n, 0);
  if (x == NULL || x->shape.rank < 1 || (g->opset > 0 && g->opset < 13)) return true;
  const struct ops_attr *a = ops_node_attr(n, "axis");
  int64_t axis = a != NULL && a->type == OPS_ATTR_INT ? a->i : -1;
  int rank = x->shape.rank;
  if (axis < -rank || axis >= rank) return true;
  if (axis < 0) axis += rank;
  for (int i = (int)axis + 1; i < rank; i++) {
    if (x->shape.dims[i] != 1) {
      snprintf(text, len, "%s over axis %" PRId64 " of rank %d (not the last) has no SIMD kernel",
               n->op_type, axis, rank);
      return false;
    }
  }
  return true;
}

/* The reduced axes as the scalar binder reads them (attribute first, else constant input 1),
 * as a mask over x's dims; false when they cannot be read here (the binder reports it). */
static bool reduce_mask(const struct ops_graph *g, const struct ops_node *n, int rank,
                        uint32_t *mask) {
  int64_t axes[OPS_MAX_RANK];
  size_t count = 0;
  const struct ops_attr *a = ops_node_attr(n, "axes");
  if (a != NULL) {
    if (a->type != OPS_ATTR_INTS || a->count > OPS_MAX_RANK) return false;
    count = a->count;
    memcpy(axes, a->ints, count * sizeof *axes);
  } else {
    const struct ops_tensor *t = ops_node_input(g, n, 1);
    int64_t numel = 0;
    if (t != NULL) {
      if (!ops_tensor_numel(t, &numel) || numel > OPS_MAX_RANK) return false;
      for (int64_t i = 0; i < numel; i++) {
        if (!ops_tensor_get_int(t, i, &axes[i])) return false;
      }
    }
    count = (size_t)numel;
  }
  const struct ops_attr *noop = ops_node_attr(n, "noop_with_empty_axes");
  *mask = 0;
  if (count == 0) {
    bool identity = noop != NULL && noop->type == OPS_ATTR_INT && noop->i != 0;
    *mask = identity || rank == 0 ? 0 : (uint32_t)((1u << rank) - 1u);
    return true;
  }
  for (size_t i = 0; i < count; i++) {
    if (axes[i] < -rank || axes[i] >= rank) return false;
    *mask |= 1u << (axes[i] < 0 ? axes[i] + rank : axes[i]);
  }
  return true;
}

static bool caps_reduce(const struct ops_graph *g, const struct ops_node *n, char *text,
                        size_t len) {
  const struct ops_tensor *x = ops_node_input(g, n, 0);
  if (x == NULL) return true;
  uint32_t mask;
  if (!reduce_mask(g, n, x->shape.rank, &mask)) return true;
  /* Trailing axes: the mask is k ones at the top of rank bits, k >= 1. */
  uint32_t full = x->shape.rank > 0 ? (uint32_t)((1u << x->shape.rank) - 1u) : 0;
  uint32_t low = full & ~mask;
  if (mask == 0 || (low & (low + 1u)) != 0 || (mask | low) != full) {
    snprintf(text, len, "%s over axes that are not the trailing ones has no SIMD kernel",
             n->op_type);
    return false;
  }
  return true;
}

/* Scale and B must hold one value per element of the normalized dims (no broadcast inside
 * them), so the driver multiplies and adds them as contiguous runs. */
static bool caps_layer_norm(const struct ops_graph *g, const struct ops_node *n, char *text,
                            size_t len) {
  const struct ops_tensor *x = ops_node_input(g, n, 0);
  if (x == NULL || x->shape.rank < 1) return true;
  const struct ops_attr *a = ops_node_attr(n, "axis");
  int64_t axis = a != NULL && a->type == OPS_ATTR_INT ? a->i : -1;
  int rank = x->shape.rank;
  if (axis < -rank || axis >= rank) return true;
  if (axis < 0) axis += rank;
  int64_t count = 1;
  for (int i = (int)axis; i < rank; i++)
    count *= x->shape.dims[i];
  static const char *const roles[] = {"Scale", "B"};
  for (int i = 1; i < 3; i++) {
    const struct ops_tensor *t = ops_node_input(g, n, i);
    int64_t tn;
    if (t == NULL || !ops_tensor_numel(t, &tn)) continue;
    if (tn != count) {
      snprintf(text, len,
               "LayerNormalization with a %s that broadcasts over the normalized dims has no SIMD "
               "kernel",
               roles[i - 1]);
      return false;
    }
  }
  return true;
}

bool ops_simd_caps_elementwise(const struct ops_graph *g, const struct ops_node *n, char *text,
                               size_t len) {
  switch (n->op) {
    case OPS_OP_POW:
      return caps_pow(g, n, text, len);
    case OPS_OP_MAX:
    case OPS_OP_MIN:
      if (n->n_inputs != 2) {
        snprintf(text, len, "%s with %d inputs has no SIMD kernel (only 2)", n->op_type,
                 n->n_inputs);
        return false;
      }
      return true;
    case OPS_OP_SOFTMAX:
    case OPS_OP_LOG_SOFTMAX:
      return caps_softmax(g, n, text, len);
    case OPS_OP_REDUCE_SUM:
    case OPS_OP_REDUCE_MEAN:
      return caps_reduce(g, n, text, len);
    case OPS_OP_LAYER_NORMALIZATION:
      return caps_layer_norm(g, n, text, len);
    default:
      return true;
  }
}
