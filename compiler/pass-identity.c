/*
 * No-op removal: nodes whose output equals their input, element for element (Identity,
 * Dropout at inference, a Reshape / Flatten / Squeeze / Unsqueeze to the same shape, a
 * Transpose with the identity permutation, a Cast to the input's own type). Readers of the
 * output read the input instead.
 *
 * A graph output keeps its name: when the no-op writes one, the node that produced the input
 * writes the output directly instead (if nothing else reads that input); otherwise the node
 * stays.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler/pass-impl.h"
#include "src/size.h"

static bool same_layout(const struct ops_tensor *x, const struct ops_tensor *y) {
  return x->dtype == y->dtype && ops_shape_equal(&x->shape, &y->shape);
}

static bool is_noop(const struct ops_graph *g, const struct ops_node *n) {
  if (n->n_inputs < 1 || n->inputs[0] < 0 || n->n_outputs < 1 || n->outputs[0] < 0) return false;
  if (ops_node_fused(&n->fused)) return false;
  const struct ops_tensor *x = &g->tensors[n->inputs[0]], *y = &g->tensors[n->outputs[0]];
  if (!same_layout(x, y)) return false;
  /* Only the first output may be written (Dropout's mask must be unused). */
  for (int k = 1; k < n->n_outputs; k++) {
    int t = n->outputs[k];
    if (t >= 0 && g->tensors[t].is_output) return false;
    if (t >= 0) {
      for (size_t i = 0; i < g->n_nodes; i++)
        for (int j = 0; j < g->nodes[i].n_inputs; j++)
          if (g->nodes[i].inputs[j] == t) return false;
    }
  }
  switch (n->op) {
    case OPS_OP_IDENTITY:
    case OPS_OP_RESHAPE:
    case OPS_OP_FLATTEN:
    case OPS_OP_SQUEEZE:
    case OPS_OP_UNSQUEEZE:
    case OPS_OP_CAST:
      return true;
    case OPS_OP_DROPOUT: {
      /* training_mode (input 2, opset 12+) must be absent or a constant false. */
      if (n->n_inputs < 3 || n->inputs[2] < 0) return true;
      const struct ops_tensor *tm = &g->tensors[n->inputs[2]];
      int64_t v;
      return ops_pass_is_const(tm) && ops_tensor_get_int(tm, 0, &v) && v == 0;
    }
    case OPS_OP_TRANSPOSE: {
      const struct ops_attr *perm = ops_node_attr(n, "perm");
      if (perm == NULL) return x->shape.rank <= 1; /* the default reverses the dims */
      if (perm->type != OPS_ATTR_INTS || perm->count != (size_t)x->shape.rank) return false;
      for (size_t i = 0; i < perm->count; i++)
        if (perm->ints[i] != (int64_t)i) return false;
      return true;
    }
    default:
      return false;
  }
}

enum ops_status ops_pass_identity(struct ops_graph *g, size_t *rewrites, struct ops_diag *d) {
  bool *drop = ops_calloc_array(g->n_nodes, sizeof *drop);
  if (drop == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory removing no-ops");
  size_t dropped = 0;
  for (size_t i = 0; i < g->n_nodes; i++) {
    struct ops_node *n = &g->nodes[i];
    if (!is_noop(g, n)) continue;
    int x = n->inputs[0], y = n->outputs[0];
    if (!g->tensors[y].is_output) {
      ops_pass_replace_reads(g, y, x);
    } else {
      /* Keep the output's name: let X's producer write Y, when X is its own and read here only. */
      const struct ops_tensor *xt = &g->tensors[x];
      int p = xt->producer;
      if (p < 0 || xt->is_output || ops_pass_sole_reader(g, x) != (int)i) continue;
      struct ops_node *pn = &g->nodes[p];
      for (int k = 0; k < pn->n_outputs; k++)
        if (pn->outputs[k] == x) pn->outputs[k] = y;
    }
    drop[i] = true;
    dropped++;
  }
  *rewrites += dropped;
  enum ops_status st = dropped > 0 ? ops_pass_commit(g, drop, d) : OPS_OK;
  free(drop);
  return st;
}
