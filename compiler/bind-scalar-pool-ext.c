/*
 * Binding GlobalMaxPool and MaxUnpool to the scalar unit (kernels/scalar/pool-ext.c).
 * GlobalMaxPool takes no params. MaxUnpool's indices count in the dims the pooling window
 * arithmetic gives, which its params carry; Y is those dims or the larger output_shape.
 */
#include "compiler/bind-scalar-pool-ext.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernels/kernel.h"
#include "kernels/params-pool-ext.h"
#include "compiler/compiler-impl.h"
#include "src/size.h"

/* Window attributes above this are refused, which keeps the output size far from overflow. */
#define ATTR_LIMIT (INT64_C(1) << 31)

static enum ops_status bind_global_max_pool(const struct bind_ctx *c) {
  const struct ops_tensor *x = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_dtype(c, x, OPS_DTYPE_F32)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, OPS_DTYPE_F32)) != OPS_OK) return st;
  if (x->shape.rank < 3) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "input '%s' has rank %d, expected at least 3 (N, C, spatial dims)", x->name,
                     x->shape.rank);
  }
  int64_t want[OPS_MAX_RANK];
  bool empty_plane = false;
  for (int i = 0; i < x->shape.rank; i++) {
    want[i] = i < 2 ? x->shape.dims[i] : 1;
    if (i >= 2 && x->shape.dims[i] == 0) empty_plane = true;
  }
  /* The max of nothing is undefined; refusing beats inventing a value. */
  if (empty_plane && x->shape.dims[0] != 0 && x->shape.dims[1] != 0) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' has an empty spatial dim: no maximum",
                     x->name);
  }
  return expect_dims(c, y, x->shape.rank, want);
}

static enum ops_status bind_max_unpool(const struct bind_ctx *c, void **params) {
  const struct ops_tensor *x = in_t(c, 0), *idx, *os = in_t(c, 2), *y = out_t(c, 0);
  enum ops_status st;
  if ((st = need_in(c, 1, "I", &idx)) != OPS_OK) return st;
  if ((st = need_dtype(c, idx, OPS_DTYPE_I64)) != OPS_OK) return st;
  if ((st = need_dtype(c, y, x->dtype)) != OPS_OK) return st;
  if (!ops_shape_equal(&idx->shape, &x->shape)) {
    char si[160], sx[160];
    return node_fail(c, OPS_ERR_BAD_INPUT, "indices '%s' %s do not have the shape of X %s",
                     idx->name, ops_shape_format(&idx->shape, si, sizeof si),
                     ops_shape_format(&x->shape, sx, sizeof sx));
  }
  int rank = x->shape.rank;
  if (rank < 3) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "input '%s' has rank %d, expected at least 3 (N, C, spatial dims)", x->name,
                     rank);
  }
  size_t ns = (size_t)rank - 2;
  if (ops_node_attr(c->node, "kernel_shape") == NULL) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'kernel_shape' is required");
  }
  int64_t kernel[OPS_MAX_RANK], strides[OPS_MAX_RANK], pads[2 * OPS_MAX_RANK];
  st = ints_attr(c, "kernel_shape", ns, 1, 1, ATTR_LIMIT, kernel);
  if (st == OPS_OK) st = ints_attr(c, "strides", ns, 1, 1, ATTR_LIMIT, strides);
  if (st == OPS_OK) st = ints_attr(c, "pads", 2 * ns, 0, 0, ATTR_LIMIT, pads);
  if (st != OPS_OK) return st;

  int64_t inferred[OPS_MAX_RANK], want[OPS_MAX_RANK];
  inferred[0] = x->shape.dims[0];
  inferred[1] = x->shape.dims[1];
  for (size_t s = 0; s < ns; s++) {
    int64_t in = x->shape.dims[2 + s], reach;
    if (in == 0 || !ops_mul_i64(in - 1, strides[s], &reach) ||
        reach + kernel[s] - pads[s] - pads[ns + s] < 1) {
      return node_fail(c, OPS_ERR_BAD_INPUT,
                       "spatial dim %zu of size %" PRId64 " gives no valid output size", s, in);
    }
    inferred[2 + s] = reach + kernel[s] - pads[s] - pads[ns + s];
  }
  for (int i = 0; i < rank; i++)
    want[i] = inferred[i];
  if (os != NULL) {
    /* --verify binds a graph input here to its value (src/value-inputs.c). */
    int64_t count;
    if ((st = need_dtype(c, os, OPS_DTYPE_I64)) != OPS_OK) return st;
    if (os->shape.rank != 1 || !ops_tensor_numel(os, &count) || count != rank) {
      char s[160];
      return node_fail(c, OPS_ERR_BAD_INPUT, "output_shape '%s' has shape %s, expected [%d]",
                       os->name, ops_shape_format(&os->shape, s, sizeof s), rank);
    }
    if (os->data == NULL) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "output_shape '%s' is not a constant; the scalar unit needs it when binding",
                       os->name);
    }
    for (int i = 0; i < rank; i++) {
      /* A smaller output would cut off positions the indices may name. */
      if (!ops_tensor_get_int(os, i, &want[i]) || want[i] < inferred[i]) {
        return node_fail(c, OPS_ERR_BAD_INPUT,
                         "output_shape '%s' entry %d is smaller than the unpooled size %" PRId64,
                         os->name, i, inferred[i]);
      }
    }
  }
  /* The kernel checks each index against the inferred element count at run time. */
  if ((st = expect_dims(c, y, rank, want)) != OPS_OK) return st;
  struct ops_max_unpool_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  for (int i = 0; i < rank; i++)
    p->inferred[i] = inferred[i];
  *params = p;
  return OPS_OK;
}

enum ops_status ops_bind_scalar_pool_ext(const struct ops_graph *g, const struct ops_node *node,
                                         struct ops_diag *d, void **params) {
  struct bind_ctx c = {.g = g, .node = node, .d = d};
  *params = NULL;
  switch (node->op) {
    case OPS_OP_GLOBAL_MAX_POOL:
      return bind_global_max_pool(&c);
    case OPS_OP_MAX_UNPOOL:
      return bind_max_unpool(&c, params);
    default:
      return node_fail(&c, OPS_ERR_UNSUPPORTED, "not GlobalMaxPool or MaxUnpool");
  }
}
