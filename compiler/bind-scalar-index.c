/*
 * Binding the index ops to the scalar unit: checks what their kernels
 * (kernels/scalar/gather-index.c, scatter-index.c) rely on and fills their params
 * (kernels/params-index.h).
 *
 * The kernels check only index values; this file stops everything else: index dtypes, ranks,
 * the extents that keep every read and write inside data, batch dims, the output (and
 * updates) dims recomputed from the inputs, and the reductions the kernels have. Constant
 * indices are range-checked here too, for a message that quotes the value.
 */
#include "compiler/bind-scalar-index.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kernels/kernel.h"
#include "kernels/params-index.h"
#include "compiler/compiler-impl.h"
#include "src/size.h"

static enum ops_status need_index_dtype(const struct bind_ctx *c, const struct ops_tensor *t) {
  if (t->dtype == OPS_DTYPE_I32 || t->dtype == OPS_DTYPE_I64) return OPS_OK;
  return node_fail(c, OPS_ERR_BAD_INPUT, "indices '%s' are %s, expected i32 or i64", t->name,
                   ops_dtype_name(t->dtype));
}

/* Range-checks constant indices: entry j indexes data dim dims[j % depth] (depth 1: one axis).
 * Indices known only at run time are checked by the kernel. */
static enum ops_status check_const_indices(const struct bind_ctx *c, const struct ops_tensor *idx,
                                           const int64_t *dims, int depth) {
  int64_t n;
  if (idx->data == NULL || depth < 1 || !ops_tensor_numel(idx, &n)) return OPS_OK;
  for (int64_t j = 0; j < n; j++) {
    int64_t v, len = dims[j % depth];
    if (!ops_tensor_get_int(idx, j, &v)) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "indices '%s' hold fewer bytes than their shape",
                       idx->name);
    }
    if (v < -len || v >= len) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "index %" PRId64 " in '%s' is out of range for a dim of size %" PRId64, v,
                       idx->name, len);
    }
  }
  return OPS_OK;
}

/* The `reduction` attribute of ScatterElements and ScatterND, and whether the kernels can
 * combine `dtype` that way (every dtype can be overwritten; the arithmetic reductions exist for
 * the float and integer dtypes with a C type). */
static enum ops_status read_reduction(const struct bind_ctx *c, enum ops_dtype dtype,
                                      enum ops_scatter_reduction *out) {
  static const char *const names[OPS_SCATTER_REDUCTION_COUNT] = {"none", "add", "mul", "max",
                                                                 "min"};
  const char *s;
  enum ops_status st = ops_node_attr_string(c->node, "reduction", "none", &s, c->d);
  if (st != OPS_OK) return st;
  int r = 0;
  while (r < OPS_SCATTER_REDUCTION_COUNT && strcmp(s, names[r]) != 0)
    r++;
  if (r == OPS_SCATTER_REDUCTION_COUNT) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "reduction '%s' is not one of none, add, mul, max, min",
                     s);
  }
  *out = (enum ops_scatter_reduction)r;
  if (r == OPS_SCATTER_REDUCTION_NONE) return OPS_OK;
  switch (dtype) {
    case OPS_DTYPE_F32:
    case OPS_DTYPE_F64:
    case OPS_DTYPE_I8:
    case OPS_DTYPE_U8:
    case OPS_DTYPE_I16:
    case OPS_DTYPE_U16:
    case OPS_DTYPE_I32:
    case OPS_DTYPE_U32:
    case OPS_DTYPE_I64:
    case OPS_DTYPE_U64:
      return OPS_OK;
    default:
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "reduction '%s' on %s data: the scalar kernel combines only f32, f64 and "
                       "integer elements",
                       s, ops_dtype_name(dtype));
  }
}

/* GatherElements, ScatterElements and Scatter. */
static enum ops_status bind_elements(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *idx, *upd = NULL, *y = out_t(c, 0);
  bool scatter = c->node->op != OPS_OP_GATHER_ELEMENTS;
  enum ops_status st;
  if ((st = need_in(c, 1, "indices", &idx)) != OPS_OK) return st;
  if ((st = need_index_dtype(c, idx)) != OPS_OK) return st;
  if (scatter) {
    if ((st = need_in(c, 2, "updates", &upd)) != OPS_OK) return st;
    if ((st = need_dtype(c, upd, x->dtype)) != OPS_OK) return st;
  }
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int rank = x->shape.rank;
  if (rank < 1) return node_fail(c, OPS_ERR_BAD_INPUT, "data '%s' is a scalar", x->name);
  if ((st = need_rank(c, idx, rank, "the rank of data")) != OPS_OK) return st;
  int64_t axis;
  if ((st = ops_node_attr_int(c->node, "axis", 0, &axis, c->d)) != OPS_OK) return st;
  int a = 0;
  if ((st = norm_axis(c, axis, rank, "axis", &a)) != OPS_OK) return st;
  /* Off the axis, a position of indices is also a position of data, so it must lie inside. */
  for (int k = 0; k < rank; k++) {
    if (k != a && idx->shape.dims[k] > x->shape.dims[k]) {
      char si[160], sx[160];
      return node_fail(c, OPS_ERR_BAD_INPUT, "indices '%s' %s exceed data '%s' %s on axis %d",
                       idx->name, ops_shape_format(&idx->shape, si, sizeof si), x->name,
                       ops_shape_format(&x->shape, sx, sizeof sx), k);
    }
  }
  if (upd != NULL && !ops_shape_equal(&upd->shape, &idx->shape)) {
    char su[160], si[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "updates '%s' %s and indices '%s' %s differ in shape",
                     upd->name, ops_shape_format(&upd->shape, su, sizeof su), idx->name,
                     ops_shape_format(&idx->shape, si, sizeof si));
  }
  if ((st = expect_same_dims(c, y, scatter ? x : idx)) != OPS_OK) return st;
  enum ops_scatter_reduction red = OPS_SCATTER_REDUCTION_NONE;
  if (c->node->op == OPS_OP_SCATTER_ELEMENTS &&
      (st = read_reduction(c, x->dtype, &red)) != OPS_OK) {
    return st;
  }
  if ((st = check_const_indices(c, idx, &x->shape.dims[a], 1)) != OPS_OK) return st;
  struct ops_elements_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = a;
  p->reduction = red;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_gather_nd(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *idx, *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_in(c, 1, "indices", &idx)) != OPS_OK) return st;
  if ((st = need_index_dtype(c, idx)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int r = x->shape.rank, q = idx->shape.rank;
  if (r < 1 || q < 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' is a scalar", r < 1 ? "data" : "indices",
                     r < 1 ? x->name : idx->name);
  }
  int64_t batch_dims;
  if ((st = ops_node_attr_int(c->node, "batch_dims", 0, &batch_dims, c->d)) != OPS_OK) return st;
  if (batch_dims < 0 || batch_dims >= (q < r ? q : r)) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "batch_dims %" PRId64 " is out of range for data rank %d and indices rank %d",
                     batch_dims, r, q);
  }
  int b = (int)batch_dims;
  for (int k = 0; k < b; k++) {
    if (x->shape.dims[k] != idx->shape.dims[k]) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "batch dim %d is %" PRId64 " in data '%s' but %" PRId64 " in indices '%s'",
                       k, x->shape.dims[k], x->name, idx->shape.dims[k], idx->name);
    }
  }
  int64_t depth = idx->shape.dims[q - 1];
  if (depth < 1 || depth > r - b) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "the last dim of indices '%s' is %" PRId64
                     ", expected 1 to %d (data rank %d less batch_dims %d)",
                     idx->name, depth, r - b, r, b);
  }
  int64_t want[OPS_MAX_RANK];
  int out_rank = 0;
  if (q - 1 + r - b - depth > OPS_KMAX_RANK) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "the output would have rank %" PRId64,
                     q - 1 + r - b - depth);
  }
  for (int k = 0; k < q - 1; k++)
    want[out_rank++] = idx->shape.dims[k];
  for (int k = b + (int)depth; k < r; k++)
    want[out_rank++] = x->shape.dims[k];
  if ((st = expect_dims(c, y, out_rank, want)) != OPS_OK) return st;
  if ((st = check_const_indices(c, idx, &x->shape.dims[b], (int)depth)) != OPS_OK) return st;
  struct ops_nd_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->batch_dims = b;
  p->index_depth = (int)depth;
  p->reduction = OPS_SCATTER_REDUCTION_NONE;
  *params = p;
  return OPS_OK;
}

static enum ops_status bind_scatter_nd(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *idx, *upd, *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_in(c, 1, "indices", &idx)) != OPS_OK) return st;
  if ((st = need_index_dtype(c, idx)) != OPS_OK) return st;
  if ((st = need_in(c, 2, "updates", &upd)) != OPS_OK) return st;
  if ((st = need_dtype(c, upd, x->dtype)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  int r = x->shape.rank, q = idx->shape.rank;
  if (r < 1 || q < 1) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s '%s' is a scalar", r < 1 ? "data" : "indices",
                     r < 1 ? x->name : idx->name);
  }
  /* A depth of 0 is allowed by the spec: each update then replaces the whole of data. */
  int64_t depth = idx->shape.dims[q - 1];
  if (depth > r) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "the last dim of indices '%s' is %" PRId64 ", more than data rank %d",
                     idx->name, depth, r);
  }
  int64_t want[OPS_MAX_RANK];
  int64_t want_rank = q - 1 + r - depth;
  if (want_rank > OPS_KMAX_RANK) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "updates would need rank %" PRId64, want_rank);
  }
  int n = 0;
  for (int k = 0; k < q - 1; k++)
    want[n++] = idx->shape.dims[k];
  for (int k = (int)depth; k < r; k++)
    want[n++] = x->shape.dims[k];
  struct ops_shape want_s = ops_shape_make(n, want);
  if (!ops_shape_equal(&upd->shape, &want_s)) {
    char su[160], sw[160];
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "updates '%s' have shape %s, expected %s (indices' dims but the last, then "
                     "data's from dim %" PRId64 ")",
                     upd->name, ops_shape_format(&upd->shape, su, sizeof su),
                     ops_shape_format(&want_s, sw, sizeof sw), depth);
  }
  if ((st = expect_same_dims(c, y, x)) != OPS_OK) return st;
  enum ops_scatter_reduction red;
  if ((st = read_reduction(c, x->dtype, &red)) != OPS_OK) return st;
  if ((st = check_const_indices(c, idx, x->shape.dims, (int)depth)) != OPS_OK) return st;
  struct ops_nd_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->batch_dims = 0;
  p->index_depth = (int)depth;
  p->reduction = red;
  *params = p;
  return OPS_OK;
}

enum ops_status ops_bind_scalar_index(const struct ops_graph *g, const struct ops_node *node,
                                      struct ops_diag *d, void **params) {
  struct bind_ctx c = {.g = g, .node = node, .d = d};
  switch (node->op) {
    case OPS_OP_GATHER_ELEMENTS:
    case OPS_OP_SCATTER_ELEMENTS:
    case OPS_OP_SCATTER:
      return bind_elements(&c, params);
    case OPS_OP_GATHER_ND:
      return bind_gather_nd(&c, params);
    case OPS_OP_SCATTER_ND:
      return bind_scatter_nd(&c, params);
    default:
      return node_fail(&c, OPS_ERR_UNSUPPORTED, "not an index op");
  }
}
