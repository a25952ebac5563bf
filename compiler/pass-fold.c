/*
 * Constant folding. A node whose every input is a constant computes the same value on every
 * run, so it is computed once here and its outputs become initializers:
 *
 * - outputs whose value shape inference already propagated (Constant, the Shape -> Gather ->
 *   Concat arithmetic of transformer exports) are taken as they are;
 * - other nodes with constant inputs run once on the scalar unit, the oracle, when their
 *   outputs total at most OPS_FOLD_MAX_BYTES (folding must not turn a small model file into a
 *   large in-memory one) and the scalar binder accepts them.
 *
 * A node that writes a graph output stays, so the output keeps a producer; a node whose
 * kernel fails on its data (an out-of-range index) also stays, so the run reports it.
 */
#include <stdlib.h>
#include <string.h>

#include "compiler/bind.h"
#include "compiler/pass-impl.h"
#include "kernels/kernel.h"
#include "src/size.h"

#define OPS_FOLD_MAX_BYTES ((size_t)16 << 20)
#define FOLD_ALIGN 64

static struct ops_kdims kdims_of(const struct ops_tensor *t) {
  struct ops_kdims k;
  memset(&k, 0, sizeof k);
  k.rank = t->shape.rank;
  for (int i = 0; i < t->shape.rank; i++)
    k.d[i] = t->shape.dims[i];
  return k;
}

/* True when every output of `n` already has a value. */
static bool outputs_known(const struct ops_graph *g, const struct ops_node *n) {
  bool any = false;
  for (int k = 0; k < n->n_outputs; k++) {
    int t = n->outputs[k];
    if (t < 0) continue;
    if (g->tensors[t].data == NULL) return false;
    any = true;
  }
  return any;
}

static bool inputs_constant(const struct ops_graph *g, const struct ops_node *n) {
  bool any = false;
  for (int k = 0; k < n->n_inputs; k++) {
    int t = n->inputs[k];
    if (t < 0) continue;
    if (!ops_pass_is_const(&g->tensors[t])) return false;
    any = true;
  }
  return any;
}

/* Runs `n` on the scalar unit; on success its outputs hold their values and *done is set.
 * Anything the binder or kernel refuses leaves the node as it was. */
static enum ops_status evaluate(struct ops_graph *g, const struct ops_node *n, bool *done) {
  *done = false;
  enum ops_status status = OPS_OK;
  size_t ni = (size_t)n->n_inputs, no = (size_t)n->n_outputs, total = 0;
  for (size_t k = 0; k < no; k++) {
    size_t bytes;
    if (n->outputs[k] < 0) continue;
    const struct ops_tensor *t = &g->tensors[n->outputs[k]];
    if (!ops_shape_is_known(&t->shape) || !ops_tensor_byte_size(t, &bytes) ||
        !ops_add_size(total, bytes, &total) || total > OPS_FOLD_MAX_BYTES) {
      return OPS_OK;
    }
  }
  struct ops_diag quiet;
  ops_diag_init(&quiet, NULL);
  struct ops_binding b;
  if (ops_bind_scalar(g, n, &b, &quiet) != OPS_OK) return OPS_OK;
  const void **in = ops_calloc_array(ni + 1, sizeof *in);
  struct ops_kdims *in_dims = ops_calloc_array(ni + 1, sizeof *in_dims);
  int *in_dtype = ops_calloc_array(ni + 1, sizeof *in_dtype);
  void **out = ops_calloc_array(no, sizeof *out);
  struct ops_kdims *out_dims = ops_calloc_array(no, sizeof *out_dims);
  int *out_dtype = ops_calloc_array(no, sizeof *out_dtype);
  size_t *out_bytes = ops_calloc_array(no, sizeof *out_bytes);
  void *scratch = NULL;
  if (in == NULL || in_dims == NULL || in_dtype == NULL || out == NULL || out_dims == NULL ||
      out_dtype == NULL || out_bytes == NULL) {
    status = OPS_ERR_NO_MEMORY;
    goto fail;
  }
  if (b.scratch_bytes > 0) {
    size_t sb;
    if (!ops_add_size(b.scratch_bytes, FOLD_ALIGN - 1, &sb)) goto fail;
    scratch = aligned_alloc(FOLD_ALIGN, sb / FOLD_ALIGN * FOLD_ALIGN);
    if (scratch == NULL) {
      status = OPS_ERR_NO_MEMORY;
      goto fail;
    }
  }
  for (size_t k = 0; k < ni; k++) {
    if (n->inputs[k] < 0) continue;
    const struct ops_tensor *t = &g->tensors[n->inputs[k]];
    in[k] = t->data;
    in_dims[k] = kdims_of(t);
    in_dtype[k] = (int)t->dtype;
  }
  for (size_t k = 0; k < no; k++) {
    if (n->outputs[k] < 0) continue;
    const struct ops_tensor *t = &g->tensors[n->outputs[k]];
    ops_tensor_byte_size(t, &out_bytes[k]);
    out[k] = calloc(1, out_bytes[k] ? out_bytes[k] : 1);
    if (out[k] == NULL) {
      status = OPS_ERR_NO_MEMORY;
      goto fail;
    }
    out_dims[k] = kdims_of(t);
    out_dtype[k] = (int)t->dtype;
  }
  struct ops_kcall call = {.n_in = n->n_inputs,
                           .n_out = n->n_outputs,
                           .in = in,
                           .in_dims = in_dims,
                           .in_dtype = in_dtype,
                           .out = out,
                           .out_dims = out_dims,
                           .out_dtype = out_dtype,
                           .params = b.params,
                           .scratch = scratch,
                           .scratch_bytes = b.scratch_bytes};
  if (b.kernel->fn(&call) != OPS_KRESULT_OK) goto fail;
  for (size_t k = 0; k < no; k++) {
    if (n->outputs[k] < 0) continue;
    struct ops_tensor *t = &g->tensors[n->outputs[k]];
    ops_tensor_clear_data(t);
    t->data = out[k];
    t->nbytes = out_bytes[k];
    t->owns_data = true;
    out[k] = NULL;
  }
  *done = true;
fail:
  if (out != NULL)
    for (size_t k = 0; k < no; k++)
      free(out[k]);
  ops_binding_done(&b);
  free(scratch);
  free(in);
  free(in_dims);
  free(in_dtype);
  free(out);
  free(out_dims);
  free(out_dtype);
  free(out_bytes);
  return status;
}

enum ops_status ops_pass_fold(struct ops_graph *g, size_t *rewrites, struct ops_diag *d) {
  bool *drop = ops_calloc_array(g->n_nodes, sizeof *drop);
  if (drop == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory folding constants");
  size_t folded = 0;
  enum ops_status st = OPS_OK;
  /* In topological order, so a folded node's outputs count as constants for its readers. */
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    bool writes_output = false;
    for (int k = 0; k < n->n_outputs; k++)
      writes_output = writes_output || (n->outputs[k] >= 0 && g->tensors[n->outputs[k]].is_output);
    if (writes_output || ops_node_fused(&n->fused)) continue;
    bool known = outputs_known(g, n);
    if (!known && n->op != OPS_OP_UNKNOWN && inputs_constant(g, n)) {
      st = evaluate(g, n, &known);
      if (st != OPS_OK) {
        ops_fail(d, st, "out of memory folding node '%s' (%s)", n->name, n->op_type);
        break;
      }
    }
    if (!known) continue;
    for (int k = 0; k < n->n_outputs; k++)
      if (n->outputs[k] >= 0) g->tensors[n->outputs[k]].role = OPS_TENSOR_INITIALIZER;
    drop[i] = true;
    folded++;
  }
  *rewrites += folded;
  if (folded > 0) {
    enum ops_status cst = ops_pass_commit(g, drop, d);
    if (st == OPS_OK) st = cst;
  }
  free(drop);
  return st;
}
