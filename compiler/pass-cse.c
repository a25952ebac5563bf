/*
 * Common-subexpression elimination: two nodes with the same op, domain, attributes and inputs
 * compute the same outputs (ONNX ops are deterministic functions of those; ops opscope does
 * not know are left alone), so the later one's readers read the earlier one's outputs. Nodes
 * are compared in topological order, so merging one pair can make later pairs identical and
 * they are merged in the same sweep.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/pass-impl.h"
#include "src/size.h"

/* A hash of what must be equal, so most pairs are told apart without a deep compare. */
static uint64_t node_key(const struct ops_node *n) {
  uint64_t h = 1469598103934665603ULL;
  for (const char *s = n->op_type; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  for (int k = 0; k < n->n_inputs; k++)
    h = (h ^ (uint64_t)(uint32_t)n->inputs[k]) * 1099511628211ULL;
  return h ^ (uint64_t)n->n_outputs;
}

static bool same_tensor_value(const struct ops_tensor *a, const struct ops_tensor *b) {
  if (a == NULL || b == NULL) return a == b;
  return a->dtype == b->dtype && ops_shape_equal(&a->shape, &b->shape) && a->nbytes == b->nbytes &&
         (a->nbytes == 0 ||
          (a->data != NULL && b->data != NULL && memcmp(a->data, b->data, a->nbytes) == 0));
}

static bool same_attr(const struct ops_attr *a, const struct ops_attr *b) {
  if (strcmp(a->name, b->name) != 0 || a->type != b->type) return false;
  switch (a->type) {
    case OPS_ATTR_INT:
      return a->i == b->i;
    case OPS_ATTR_FLOAT:
      return memcmp(&a->f, &b->f, sizeof a->f) == 0; /* bitwise: NaN equals itself */
    case OPS_ATTR_STRING:
      return a->s_len == b->s_len && (a->s_len == 0 || memcmp(a->s, b->s, a->s_len) == 0);
    case OPS_ATTR_INTS:
      return a->count == b->count &&
             (a->count == 0 || memcmp(a->ints, b->ints, a->count * sizeof *a->ints) == 0);
    case OPS_ATTR_FLOATS:
      return a->count == b->count &&
             (a->count == 0 || memcmp(a->floats, b->floats, a->count * sizeof *a->floats) == 0);
    case OPS_ATTR_STRINGS:
      if (a->count != b->count) return false;
      for (size_t i = 0; i < a->count; i++)
        if (strcmp(a->strings[i], b->strings[i]) != 0) return false;
      return true;
    case OPS_ATTR_TENSOR:
      return same_tensor_value(a->tensor, b->tensor);
    default:
      return false; /* graphs and the like are recorded by type only: never assume equal */
  }
}

static bool same_node(const struct ops_node *a, const struct ops_node *b) {
  if (a->op == OPS_OP_UNKNOWN || a->op != b->op || strcmp(a->op_type, b->op_type) != 0 ||
      strcmp(a->domain, b->domain) != 0) {
    return false;
  }
  if (a->n_inputs != b->n_inputs || a->n_outputs != b->n_outputs || a->n_attrs != b->n_attrs)
    return false;
  if (a->fused.act != b->fused.act ||
      memcmp(a->fused.params, b->fused.params, sizeof a->fused.params) != 0) {
    return false;
  }
  if (a->fused.pool.on || b->fused.pool.on) {
    const struct ops_fused_pool *pa = &a->fused.pool, *pb = &b->fused.pool;
    if (pa->on != pb->on || pa->ceil_mode != pb->ceil_mode) return false;
    for (int j = 0; j < 2; j++) {
      if (pa->kernel[j] != pb->kernel[j] || pa->strides[j] != pb->strides[j] ||
          pa->pads_begin[j] != pb->pads_begin[j] || pa->pads_end[j] != pb->pads_end[j]) {
        return false;
      }
    }
  }
  for (int k = 0; k < a->n_inputs; k++)
    if (a->inputs[k] != b->inputs[k]) return false;
  /* Outputs omitted in one and present in the other would leave a reader without a value. */
  for (int k = 0; k < a->n_outputs; k++)
    if ((a->outputs[k] < 0) != (b->outputs[k] < 0)) return false;
  for (int k = 0; k < a->n_attrs; k++) {
    const struct ops_attr *match = ops_node_attr(b, a->attrs[k].name);
    if (match == NULL || !same_attr(&a->attrs[k], match)) return false;
  }
  return true;
}

enum ops_status ops_pass_cse(struct ops_graph *g, size_t *rewrites, struct ops_diag *d) {
  bool *drop = ops_calloc_array(g->n_nodes, sizeof *drop);
  uint64_t *keys = ops_calloc_array(g->n_nodes, sizeof *keys);
  enum ops_status st = OPS_OK;
  if (drop == NULL || keys == NULL) {
    st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory in common-subexpression elimination");
    goto fail;
  }
  size_t merged = 0;
  for (size_t j = 0; j < g->n_nodes; j++) {
    struct ops_node *b = &g->nodes[j];
    keys[j] = node_key(b); /* after earlier merges rewired b's inputs */
    bool writes_output = false;
    for (int k = 0; k < b->n_outputs; k++)
      writes_output = writes_output || (b->outputs[k] >= 0 && g->tensors[b->outputs[k]].is_output);
    if (writes_output) continue;
    for (size_t i = 0; i < j; i++) {
      if (drop[i] || keys[i] != keys[j] || !same_node(&g->nodes[i], b)) continue;
      for (int k = 0; k < b->n_outputs; k++)
        if (b->outputs[k] >= 0) ops_pass_replace_reads(g, b->outputs[k], g->nodes[i].outputs[k]);
      drop[j] = true;
      merged++;
      break;
    }
  }
  *rewrites += merged;
  if (merged > 0) st = ops_pass_commit(g, drop, d);
fail:
  free(drop);
  free(keys);
  return st;
}
