/*
 * Concat in place (see compiler/concat-in-place.h).
 */
#include "compiler/concat-in-place.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "src/size.h"

/* Readers of each tensor across the graph, counting a node once per input slot. */
static int *count_readers(const struct ops_graph *g) {
  int *readers = ops_calloc_array(g->n_tensors, sizeof *readers);
  if (readers == NULL) return NULL;
  for (size_t n = 0; n < g->n_nodes; n++)
    for (int i = 0; i < g->nodes[n].n_inputs; i++)
      if (g->nodes[n].inputs[i] >= 0) readers[g->nodes[n].inputs[i]]++;
  return readers;
}

/* Whether input t of a Concat can be written inside the Concat's output. */
static bool input_qualifies(const struct ops_graph *g, const int *step_of_node,
                            const int *request_of, const int *readers,
                            const struct ops_alias *alias, int t, enum ops_dtype dtype) {
  if (t < 0 || request_of[t] < 0 || readers[t] != 1 || alias[t].target >= 0) return false;
  const struct ops_tensor *x = &g->tensors[t];
  return x->role != OPS_TENSOR_INPUT && !x->is_output && x->producer >= 0 &&
         step_of_node[x->producer] >= 0 && x->dtype == dtype &&
         g->nodes[x->producer].op != OPS_OP_CONCAT;
}

/* The Concat's axis, normalized, when every dim of its output before the axis is 1, so that
 * each input is one contiguous block of the output; -1 otherwise. */
static int contiguous_axis(const struct ops_node *node, const struct ops_tensor *y) {
  int64_t axis;
  struct ops_diag d; /* the binder already checked the attribute; a bad one just opts out */
  ops_diag_init(&d, NULL);
  if (ops_node_attr_int(node, "axis", 0, &axis, &d) != OPS_OK) return -1;
  int rank = y->shape.rank;
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) return -1;
  for (int i = 0; i < axis; i++)
    if (y->shape.dims[i] != 1) return -1;
  return (int)axis;
}

size_t ops_concat_in_place(const struct ops_graph *g, const int *step_of_node,
                           const int *request_of, struct ops_mem_request *reqs,
                           struct ops_alias *alias) {
  for (size_t t = 0; t < g->n_tensors; t++)
    alias[t] = (struct ops_alias){-1, 0};
  int *readers = count_readers(g);
  if (readers == NULL) return 0; /* the plan stays correct without aliases */
  size_t done = 0;
  for (size_t n = 0; n < g->n_nodes; n++) {
    const struct ops_node *node = &g->nodes[n];
    if (node->op != OPS_OP_CONCAT || step_of_node[n] < 0 || node->n_outputs != 1) continue;
    int yt = node->outputs[0];
    if (yt < 0 || request_of[yt] < 0 || alias[yt].target >= 0) continue;
    const struct ops_tensor *y = &g->tensors[yt];
    if (contiguous_axis(node, y) < 0) continue;
    /* Each input must start on an arena alignment, as every buffer of the arena does. */
    bool ok = node->n_inputs > 0;
    size_t total = 0;
    for (int i = 0; i < node->n_inputs && ok; i++) {
      size_t bytes;
      int t = node->inputs[i];
      ok = total % OPS_MEM_ALIGN == 0 &&
           input_qualifies(g, step_of_node, request_of, readers, alias, t, y->dtype) &&
           ops_tensor_byte_size(&g->tensors[t], &bytes) && ops_add_size(total, bytes, &total);
    }
    if (!ok || total != reqs[request_of[yt]].bytes) continue;
    /* Every input is read once, by this Concat, so no input repeats. */
    size_t at = 0;
    struct ops_mem_request *yr = &reqs[request_of[yt]];
    for (int i = 0; i < node->n_inputs; i++) {
      int t = node->inputs[i];
      struct ops_mem_request *r = &reqs[request_of[t]];
      alias[t] = (struct ops_alias){yt, at};
      at += r->bytes;
      if (r->first < yr->first) yr->first = r->first;
      r->bytes = 0;
    }
    done++;
  }
  free(readers);
  return done;
}
