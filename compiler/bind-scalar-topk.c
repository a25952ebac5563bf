/*
 * Binding TopK to the scalar unit (kernels/scalar/topk.c): k from the attribute (opset 1) or
 * the constant input 1 (opset 10 on; --verify binds a graph input there to its value), axis,
 * largest; both outputs must be present with X's dims, k along the axis.
 */
#include "compiler/bind-scalar-topk.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernels/kernel.h"
#include "kernels/params-topk.h"
#include "compiler/compiler-impl.h"

enum ops_status ops_bind_scalar_top_k(const struct ops_graph *g, const struct ops_node *node,
                                      struct ops_diag *d, void **params) {
  struct bind_ctx ctx = {.g = g, .node = node, .d = d};
  const struct bind_ctx *c = &ctx;
  const struct ops_tensor *x = in_t(c, 0), *values = out_t(c, 0), *indices = out_t(c, 1);
  enum ops_status st;
  if (node->n_outputs > 2) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "has %d outputs, expected 2", node->n_outputs);
  }
  if (indices == NULL) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "output 1 (Indices) is omitted; the kernel writes it");
  }
  if ((st = need_dtype(c, values, x->dtype)) != OPS_OK) return st;
  if ((st = need_dtype(c, indices, OPS_DTYPE_I64)) != OPS_OK) return st;
  int rank = x->shape.rank;
  int64_t axis_attr, largest, k;
  if ((st = ops_node_attr_int(node, "axis", -1, &axis_attr, d)) != OPS_OK) return st;
  if ((st = ops_node_attr_int(node, "largest", 1, &largest, d)) != OPS_OK) return st;
  int axis = 0;
  if (rank == 0) return node_fail(c, OPS_ERR_BAD_INPUT, "input '%s' is a scalar", x->name);
  if ((st = norm_axis(c, axis_attr, rank, "axis", &axis)) != OPS_OK) return st;
  if (node->n_inputs >= 2) {
    const struct ops_tensor *kt;
    int64_t count;
    if ((st = need_in(c, 1, "K", &kt)) != OPS_OK) return st;
    if ((st = need_dtype(c, kt, OPS_DTYPE_I64)) != OPS_OK) return st;
    if (kt->shape.rank > 1 || !ops_tensor_numel(kt, &count) || count != 1) {
      char s[160];
      return node_fail(c, OPS_ERR_BAD_INPUT, "K '%s' has shape %s, expected one element", kt->name,
                       ops_shape_format(&kt->shape, s, sizeof s));
    }
    if (kt->data == NULL || !ops_tensor_get_int(kt, 0, &k)) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "K '%s' is not a constant; the scalar unit needs it when binding", kt->name);
    }
  } else {
    if (ops_node_attr(node, "k") == NULL) {
      return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'k' is required before opset 10");
    }
    if ((st = ops_node_attr_int(node, "k", 0, &k, d)) != OPS_OK) return st;
  }
  if (k < 0 || k > x->shape.dims[axis]) {
    return node_fail(c, OPS_ERR_BAD_INPUT,
                     "k %" PRId64 " is outside [0, %" PRId64 "], the size of axis %d", k,
                     x->shape.dims[axis], axis);
  }
  int64_t want[OPS_MAX_RANK];
  for (int i = 0; i < rank; i++)
    want[i] = i == axis ? k : x->shape.dims[i];
  if ((st = expect_dims(c, values, rank, want)) != OPS_OK) return st;
  if ((st = expect_dims(c, indices, rank, want)) != OPS_OK) return st;

  struct ops_topk_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->axis = axis;
  p->largest = largest != 0;
  *params = p;
  return OPS_OK;
}
