/*
 * Shape inference of the index ops: GatherElements (Y has the indices' dims), GatherND (the
 * indices' dims but the last, then the data dims its tuples do not address), and Scatter,
 * ScatterElements and ScatterND (Y is data's dtype and shape). Each also checks what it can of
 * the indices' and updates' shapes, so a bad model is refused here with the shapes in the
 * message; dims that are still unknown are left to the binder, which checks them all again.
 */
#include <stdbool.h>
#include <stdint.h>

#include "src/shape-infer-impl.h"

/* True when both dims are known and differ. */
static bool known_differ(int64_t a, int64_t b) {
  return a >= 0 && b >= 0 && a != b;
}

/* GatherElements, ScatterElements, Scatter: indices (and updates) have data's rank and, off the
 * axis, at most data's extent (ONNX Runtime's rule; it keeps every read and write inside data). */
static enum ops_status infer_elements(struct ops_infer *c) {
  const struct ops_tensor *data = ops_shape_in(c, 0), *idx = ops_shape_in(c, 1);
  bool scatter = c->node->op != OPS_OP_GATHER_ELEMENTS;
  int64_t axis;
  enum ops_status st = ops_node_attr_int(c->node, "axis", 0, &axis, c->d);
  if (st != OPS_OK) return st;
  const struct ops_shape *ds = &data->shape, *is = &idx->shape;
  if (scatter) {
    const struct ops_tensor *upd = ops_shape_in(c, 2);
    if (upd->shape.rank >= 0 && is->rank >= 0) {
      bool same = upd->shape.rank == is->rank;
      for (int k = 0; same && k < is->rank; k++)
        same = !known_differ(upd->shape.dims[k], is->dims[k]);
      if (!same) {
        return ops_shape_fail(c, "updates '%s' %s and indices '%s' %s must have the same shape",
                              upd->name, ops_shape_text(&upd->shape).s, idx->name,
                              ops_shape_text(is).s);
      }
    }
  }
  if (ds->rank == 0) {
    return ops_shape_fail(c, "input 0 '%s' is a scalar, expected rank >= 1", data->name);
  }
  if (ds->rank > 0) {
    int ax;
    if ((st = ops_shape_axis(c, "axis", axis, ds->rank, &ax)) != OPS_OK) return st;
    if (is->rank >= 0 && is->rank != ds->rank) {
      return ops_shape_fail(c, "indices '%s' have rank %d, expected data's rank %d", idx->name,
                            is->rank, ds->rank);
    }
    for (int k = 0; is->rank >= 0 && k < is->rank; k++) {
      if (k != ax && is->dims[k] >= 0 && ds->dims[k] >= 0 && is->dims[k] > ds->dims[k]) {
        return ops_shape_fail(c, "indices '%s' %s exceed data '%s' %s on axis %d", idx->name,
                              ops_shape_text(is).s, data->name, ops_shape_text(ds).s, k);
      }
    }
  }
  if (scatter) return ops_shape_set(c, 0, data->dtype, ds);
  return ops_shape_set(c, 0, data->dtype, is);
}

static enum ops_status infer_gather_nd(struct ops_infer *c) {
  const struct ops_tensor *data = ops_shape_in(c, 0), *idx = ops_shape_in(c, 1);
  int64_t batch_dims;
  enum ops_status st = ops_node_attr_int(c->node, "batch_dims", 0, &batch_dims, c->d);
  if (st != OPS_OK) return st;
  const struct ops_shape *ds = &data->shape, *is = &idx->shape;
  if (ds->rank == 0 || is->rank == 0) {
    return ops_shape_fail(c, "input %d '%s' is a scalar, expected rank >= 1", ds->rank == 0 ? 0 : 1,
                          ds->rank == 0 ? data->name : idx->name);
  }
  if (ds->rank < 0 || is->rank < 0) return ops_shape_set_unknown(c, 0, data->dtype);
  int r = ds->rank, q = is->rank;
  if (batch_dims < 0 || batch_dims >= (q < r ? q : r)) {
    return ops_shape_fail(c, "batch_dims %lld is out of range for data rank %d and indices rank %d",
                          (long long)batch_dims, r, q);
  }
  int b = (int)batch_dims;
  for (int k = 0; k < b; k++) {
    if (known_differ(ds->dims[k], is->dims[k])) {
      return ops_shape_fail(c, "batch dim %d differs: data '%s' %s, indices '%s' %s", k, data->name,
                            ops_shape_text(ds).s, idx->name, ops_shape_text(is).s);
    }
  }
  int64_t depth = is->dims[q - 1];
  if (depth < 0) return ops_shape_set_unknown(c, 0, data->dtype);
  if (depth < 1 || depth > r - b) {
    return ops_shape_fail(c,
                          "the last dim of indices '%s' %s is %lld, expected 1 to %d (data rank %d "
                          "less batch_dims %d)",
                          idx->name, ops_shape_text(is).s, (long long)depth, r - b, r, b);
  }
  if ((st = ops_shape_check_rank(c, (int64_t)q - 1 + r - b - depth)) != OPS_OK) return st;
  struct ops_shape out = ops_shape_make(0, NULL);
  for (int k = 0; k < q - 1; k++)
    out.dims[out.rank++] = is->dims[k];
  for (int k = b + (int)depth; k < r; k++)
    out.dims[out.rank++] = ds->dims[k];
  return ops_shape_set(c, 0, data->dtype, &out);
}

/* ScatterND: updates are indices' dims but the last, then data's dims after the indexed ones. */
static enum ops_status infer_scatter_nd(struct ops_infer *c) {
  const struct ops_tensor *data = ops_shape_in(c, 0), *idx = ops_shape_in(c, 1);
  const struct ops_tensor *upd = ops_shape_in(c, 2);
  const struct ops_shape *ds = &data->shape, *is = &idx->shape, *us = &upd->shape;
  if (ds->rank == 0 || is->rank == 0) {
    return ops_shape_fail(c, "input %d '%s' is a scalar, expected rank >= 1", ds->rank == 0 ? 0 : 1,
                          ds->rank == 0 ? data->name : idx->name);
  }
  if (ds->rank > 0 && is->rank > 0 && is->dims[is->rank - 1] >= 0) {
    int64_t depth = is->dims[is->rank - 1];
    if (depth > ds->rank) {
      return ops_shape_fail(c, "the last dim of indices '%s' %s is %lld, more than data rank %d",
                            idx->name, ops_shape_text(is).s, (long long)depth, ds->rank);
    }
    int want_rank = is->rank - 1 + ds->rank - (int)depth;
    bool ok = us->rank < 0 || us->rank == want_rank;
    for (int k = 0; ok && us->rank >= 0 && k < want_rank; k++) {
      int64_t want = k < is->rank - 1 ? is->dims[k] : ds->dims[depth + k - (is->rank - 1)];
      ok = !known_differ(us->dims[k], want);
    }
    if (!ok) {
      return ops_shape_fail(c,
                            "updates '%s' %s do not match indices '%s' %s and data '%s' %s "
                            "(expected indices' dims but the last, then data's from dim %lld)",
                            upd->name, ops_shape_text(us).s, idx->name, ops_shape_text(is).s,
                            data->name, ops_shape_text(ds).s, (long long)depth);
    }
  }
  return ops_shape_set(c, 0, data->dtype, ds);
}

enum ops_status ops_shape_infer_index(struct ops_infer *c) {
  bool scatter = c->node->op == OPS_OP_SCATTER || c->node->op == OPS_OP_SCATTER_ELEMENTS ||
                 c->node->op == OPS_OP_SCATTER_ND;
  int n_in = scatter ? 3 : 2;
  enum ops_status st = ops_shape_check_arity(c, n_in, n_in, 1);
  if (st != OPS_OK || !ops_shape_inputs_typed(c, n_in)) return st;
  st = ops_shape_check_class(c, 1, OPS_CLASS_INDEX);
  if (st == OPS_OK && scatter) st = ops_shape_check_same_dtype(c, 0, 2);
  if (st != OPS_OK) return st;
  switch (c->node->op) {
    case OPS_OP_GATHER_ND:
      return infer_gather_nd(c);
    case OPS_OP_SCATTER_ND:
      return infer_scatter_nd(c);
    default:
      return infer_elements(c);
  }
}
