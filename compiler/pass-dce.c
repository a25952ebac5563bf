/*
 * Dead-code elimination: a node none of whose outputs is read by another node or is a graph
 * output does nothing for the result (ONNX ops have no side effects), so it goes. Walking the
 * sorted nodes backwards removes whole dead chains in one sweep.
 */
#include <stdlib.h>

#include "compiler/pass-impl.h"
#include "src/size.h"

enum ops_status ops_pass_dce(struct ops_graph *g, size_t *rewrites, struct ops_diag *d) {
  int *uses = ops_pass_count_uses(g);
  bool *drop = ops_calloc_array(g->n_nodes, sizeof *drop);
  enum ops_status st = OPS_ERR_NO_MEMORY;
  if (uses == NULL || drop == NULL) {
    ops_fail(d, st, "out of memory in dead-code elimination");
    goto fail;
  }
  size_t dropped = 0;
  for (size_t i = g->n_nodes; i-- > 0;) {
    const struct ops_node *n = &g->nodes[i];
    bool live = false;
    for (int k = 0; k < n->n_outputs && !live; k++) {
      int t = n->outputs[k];
      live = t >= 0 && (uses[t] > 0 || g->tensors[t].is_output);
    }
    if (live) continue;
    drop[i] = true;
    dropped++;
    for (int k = 0; k < n->n_inputs; k++)
      if (n->inputs[k] >= 0) uses[n->inputs[k]]--;
  }
  *rewrites += dropped;
  st = dropped > 0 ? ops_pass_commit(g, drop, d) : OPS_OK;
fail:
  free(uses);
  free(drop);
  return st;
}
