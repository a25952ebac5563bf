/*
 * Graph edits shared by the passes (compiler/pass-impl.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/pass-impl.h"
#include "src/size.h"

int *ops_pass_count_uses(const struct ops_graph *g) {
  int *uses = ops_calloc_array(g->n_tensors, sizeof *uses);
  if (uses == NULL) return NULL;
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    for (int k = 0; k < n->n_inputs; k++)
      if (n->inputs[k] >= 0) uses[n->inputs[k]]++;
  }
  return uses;
}

int ops_pass_sole_reader(const struct ops_graph *g, int tensor) {
  int reader = -1;
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    for (int k = 0; k < n->n_inputs; k++) {
      if (n->inputs[k] != tensor) continue;
      if (reader >= 0 && reader != (int)i) return -1;
      reader = (int)i;
    }
  }
  return reader;
}

void ops_pass_replace_reads(struct ops_graph *g, int from, int to) {
  for (size_t i = 0; i < g->n_nodes; i++) {
    struct ops_node *n = &g->nodes[i];
    for (int k = 0; k < n->n_inputs; k++)
      if (n->inputs[k] == from) n->inputs[k] = to;
  }
}

bool ops_pass_is_const(const struct ops_tensor *t) {
  return t->data != NULL && t->role != OPS_TENSOR_INPUT;
}

bool ops_pass_scalar_value(const struct ops_tensor *t, float *out) {
  int64_t numel;
  if (!ops_pass_is_const(t) || t->dtype != OPS_DTYPE_F32 || !ops_shape_numel(&t->shape, &numel) ||
      numel != 1 || t->nbytes != sizeof(float)) {
    return false;
  }
  memcpy(out, t->data, sizeof *out);
  return true;
}

enum ops_status ops_pass_new_initializer(struct ops_graph *g, const char *base,
                                         enum ops_dtype dtype, const struct ops_shape *shape,
                                         void *data, size_t nbytes, int *out, struct ops_diag *d) {
  char name[512];
  /* Exporters' names are unique already; the suffix only has to avoid them and earlier passes'. */
  for (unsigned k = 0;; k++) {
    int len = k == 0 ? snprintf(name, sizeof name, "%s", base)
                     : snprintf(name, sizeof name, "%s_%u", base, k);
    if (len < 0 || (size_t)len >= sizeof name) {
      free(data);
      return ops_fail(d, OPS_ERR_UNSUPPORTED, "tensor name '%.64s...' is too long for a pass",
                      base);
    }
    if (ops_graph_find_tensor(g, name) < 0) break;
  }
  int idx;
  enum ops_status st = ops_graph_add_tensor(g, name, &idx, d);
  if (st != OPS_OK) {
    free(data);
    return st;
  }
  struct ops_tensor *t = &g->tensors[idx];
  t->dtype = dtype;
  t->shape = *shape;
  t->role = OPS_TENSOR_INITIALIZER;
  t->data = data;
  t->nbytes = nbytes;
  t->owns_data = true;
  *out = idx;
  return OPS_OK;
}

enum ops_status ops_pass_absorb(struct ops_node *n, const char *op_type, struct ops_diag *d) {
  const char *before = n->fused.absorbed != NULL ? n->fused.absorbed : n->op_type;
  size_t len = strlen(before) + 1 + strlen(op_type) + 1;
  char *s = malloc(len);
  if (s == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  snprintf(s, len, "%s+%s", before, op_type);
  free(n->fused.absorbed);
  n->fused.absorbed = s;
  return OPS_OK;
}

enum ops_status ops_pass_commit(struct ops_graph *g, const bool *drop, struct ops_diag *d) {
  if (drop != NULL) {
    size_t kept = 0;
    for (size_t i = 0; i < g->n_nodes; i++) {
      if (drop[i]) {
        ops_node_done(&g->nodes[i]);
      } else {
        if (kept != i) g->nodes[kept] = g->nodes[i];
        kept++;
      }
    }
    g->n_nodes = kept;
  }
  enum ops_status st = ops_graph_prune_tensors(g, d);
  if (st != OPS_OK) return st;
  st = ops_graph_validate(g, d);
  if (st != OPS_OK) {
    /* The passes keep every reference resolvable; a failure here is a bug in one of them. */
    return ops_fail(d, OPS_ERR_INTERNAL, "a graph pass left an invalid graph");
  }
  return OPS_OK;
}

enum ops_status ops_pass_finish(struct ops_graph *g, bool *drop, size_t changed, enum ops_status st,
                                struct ops_diag *d) {
  if (changed > 0) {
    enum ops_status cst = ops_pass_commit(g, drop, d);
    if (st == OPS_OK) st = cst;
  }
  free(drop);
  return st;
}

bool ops_pass_any_dropped(const bool *drop, const int *nodes, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (drop[nodes[k]]) return true;
  }
  return false;
}
