/*
 * Binding Einsum to the scalar unit (kernels/scalar/einsum.c): the equation is parsed by the
 * parser shape inference uses (src/shape-infer-einsum.h), each label's extent comes from the
 * operands, and each operand gets a stride per label, so the kernel is one loop nest over the
 * labels whatever the equation.
 */
#include "compiler/bind-scalar-einsum.h"

#include <assert.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>

#include "kernels/kernel.h"
#include "kernels/params-einsum.h"
#include "compiler/compiler-impl.h"
#include "src/shape-infer-einsum.h"
#include "src/size.h"

static_assert(OPS_EINSUM_EQ_MAX_INPUTS == OPS_EINSUM_MAX_INPUTS, "einsum operand limits differ");
static_assert(OPS_EINSUM_EQ_MAX_LABELS == OPS_EINSUM_MAX_LABELS, "einsum label limits differ");

/* Most label combinations one run may visit: the kernel's work, refused above this rather than
 * left to run for hours (2^40 multiply-adds). */
#define EINSUM_WORK_LIMIT (INT64_C(1) << 40)

enum ops_status ops_bind_scalar_einsum(const struct ops_graph *g, const struct ops_node *node,
                                       struct ops_diag *d, void **params) {
  struct bind_ctx ctx = {.g = g, .node = node, .d = d};
  const struct bind_ctx *c = &ctx;
  const struct ops_tensor *x0 = in_t(c, 0), *y = out_t(c, 0);
  enum ops_status st;
  int n = node->n_inputs;
  if (n < 1 || n > OPS_EINSUM_MAX_INPUTS) {
    return node_fail(c, OPS_ERR_UNSUPPORTED, "has %d inputs; the scalar Einsum takes 1 to %d", n,
                     OPS_EINSUM_MAX_INPUTS);
  }
  const struct ops_shape *shapes[OPS_EINSUM_MAX_INPUTS];
  int ranks[OPS_EINSUM_MAX_INPUTS];
  for (int i = 0; i < n; i++) {
    const struct ops_tensor *t;
    if ((st = need_in(c, i, "operand", &t)) != OPS_OK) return st;
    if ((st = need_dtype(c, t, x0->dtype)) != OPS_OK) return st;
    shapes[i] = &t->shape;
    ranks[i] = t->shape.rank;
  }
  if ((st = need_dtype(c, y, x0->dtype)) != OPS_OK) return st;
  if (ops_node_attr(node, "equation") == NULL) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "attribute 'equation' is required");
  }
  const char *equation;
  if ((st = ops_node_attr_string(node, "equation", "", &equation, d)) != OPS_OK) return st;
  struct ops_einsum_eq eq;
  char why[200];
  if (!ops_einsum_parse(equation, n, ranks, &eq, why, sizeof why)) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "%s", why);
  }
  int64_t extent[OPS_EINSUM_MAX_LABELS];
  if (!ops_einsum_extents(&eq, shapes, extent, why, sizeof why)) {
    return node_fail(c, OPS_ERR_BAD_INPUT, "equation '%s': %s", equation, why);
  }
  int64_t want[OPS_MAX_RANK];
  for (int j = 0; j < eq.n_out; j++)
    want[j] = extent[j];
  if ((st = expect_dims(c, y, eq.n_out, want)) != OPS_OK) return st;
  int64_t work = 1;
  for (int l = 0; l < eq.n_labels; l++) {
    if (!ops_mul_i64(work, extent[l], &work) || work > EINSUM_WORK_LIMIT) {
      return node_fail(c, OPS_ERR_UNSUPPORTED,
                       "equation '%s' needs more than 2^40 multiply-adds, beyond the scalar unit",
                       equation);
    }
  }

  struct ops_einsum_params *p = new_params(c, sizeof *p, &st);
  if (p == NULL) return st;
  p->n_inputs = n;
  p->n_labels = eq.n_labels;
  p->n_out = eq.n_out;
  for (int l = 0; l < eq.n_labels; l++)
    p->extent[l] = extent[l];
  for (int i = 0; i < n; i++) {
    /* Row-major strides of operand i, summed per label; a broadcast (size-1) dim adds 0. The
     * sums stay below the operand's element count, which check_tensors bounded. */
    int64_t stride = 1;
    for (int dim = ranks[i] - 1; dim >= 0; dim--) {
      int l = eq.in_label[i][dim];
      if (shapes[i]->dims[dim] != 1 || extent[l] == 1) p->stride[i][l] += stride;
      stride *= shapes[i]->dims[dim];
    }
  }
  *params = p;
  return OPS_OK;
}
