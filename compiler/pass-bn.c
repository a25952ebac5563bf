/*
 * Conv + BatchNormalization folding. At inference BatchNormalization is a per-channel affine
 * map, y = (x - mean) * s + B with s = scale / sqrt(var + epsilon), so after a Conv it folds into
 * the Conv's weights and bias:
 *
 *   W'[m, ...] = W[m, ...] * s[m]      b'[m] = (b[m] - mean[m]) * s[m] + B[m]   (b = 0 if absent)
 *
 * computed in double and rounded once. The Conv then writes the BatchNormalization's output
 * tensor, and the new W' and b' are initializers of their own (the old ones go when nothing
 * else reads them). Only when the Conv's output feeds the BatchNormalization alone, every
 * parameter is a constant f32 vector of the Conv's M channels, and BatchNormalization runs in
 * inference mode (one output).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/pass-impl.h"
#include "src/size.h"

/* The f32 constant vector of `m` elements at input `i` of `n`, or NULL. */
static const float *param_vec(const struct ops_graph *g, const struct ops_node *n, int i,
                              int64_t m) {
  if (i >= n->n_inputs || n->inputs[i] < 0) return NULL;
  const struct ops_tensor *t = &g->tensors[n->inputs[i]];
  if (!ops_pass_is_const(t) || t->dtype != OPS_DTYPE_F32 || t->shape.rank != 1 ||
      t->shape.dims[0] != m || t->nbytes != (size_t)m * sizeof(float)) {
    return NULL;
  }
  return t->data;
}

/* Folds BatchNormalization node `bi` into Conv node `ci` when the shapes allow; *done says if. */
static enum ops_status fold_one(struct ops_graph *g, size_t ci, size_t bi, bool *done,
                                struct ops_diag *d) {
  *done = false;
  struct ops_node *conv = &g->nodes[ci];
  const struct ops_node *bn = &g->nodes[bi];
  const struct ops_tensor *w = &g->tensors[conv->inputs[1]];
  if (!ops_pass_is_const(w) || w->dtype != OPS_DTYPE_F32 || w->shape.rank < 3) return OPS_OK;
  int64_t m = w->shape.dims[0], numel;
  if (m <= 0 || !ops_shape_numel(&w->shape, &numel) || w->nbytes != (size_t)numel * sizeof(float))
    return OPS_OK;
  const float *bias = conv->n_inputs > 2 && conv->inputs[2] >= 0 ? param_vec(g, conv, 2, m) : NULL;
  if (conv->n_inputs > 2 && conv->inputs[2] >= 0 && bias == NULL) return OPS_OK;
  const float *scale = param_vec(g, bn, 1, m), *beta = param_vec(g, bn, 2, m);
  const float *mean = param_vec(g, bn, 3, m), *var = param_vec(g, bn, 4, m);
  if (scale == NULL || beta == NULL || mean == NULL || var == NULL) return OPS_OK;
  float eps;
  if (ops_node_attr_float(bn, "epsilon", 1e-5f, &eps, NULL) != OPS_OK) return OPS_OK;

  size_t w_bytes = w->nbytes, per = (size_t)(numel / m);
  float *nw = ops_calloc_array((size_t)numel, sizeof *nw);
  float *nb = ops_calloc_array((size_t)m, sizeof *nb);
  if (nw == NULL || nb == NULL) {
    free(nw);
    free(nb);
    return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory folding '%s' into '%s'", bn->name,
                    conv->name);
  }
  const float *wv = w->data;
  for (int64_t c = 0; c < m; c++) {
    double s = (double)scale[c] / sqrt((double)var[c] + (double)eps);
    for (size_t k = 0; k < per; k++)
      nw[(size_t)c * per + k] = (float)((double)wv[(size_t)c * per + k] * s);
    double b0 = bias != NULL ? (double)bias[c] : 0.0;
    nb[c] = (float)((b0 - (double)mean[c]) * s + (double)beta[c]);
  }
  char base[300];
  snprintf(base, sizeof base, "%.250s.folded_W", conv->name);
  int w_idx, b_idx;
  struct ops_shape w_shape = w->shape, b_shape = ops_shape_make(1, &m);
  enum ops_status st =
      ops_pass_new_initializer(g, base, OPS_DTYPE_F32, &w_shape, nw, w_bytes, &w_idx, d);
  if (st != OPS_OK) {
    free(nb);
    return st;
  }
  snprintf(base, sizeof base, "%.250s.folded_B", conv->name);
  st = ops_pass_new_initializer(g, base, OPS_DTYPE_F32, &b_shape, nb, (size_t)m * sizeof(float),
                                &b_idx, d);
  if (st != OPS_OK) return st;
  /* Adding tensors may have moved g->tensors but not g->nodes; `conv` and `bn` still hold.
   * Nothing below may fail once the Conv is rewired, or two nodes would write one tensor. */
  st = ops_pass_absorb(conv, "BatchNormalization", d);
  if (st != OPS_OK) return st;
  if (conv->n_inputs < 3) {
    int *ins = realloc(conv->inputs, 3 * sizeof *ins);
    if (ins == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    conv->inputs = ins;
    conv->n_inputs = 3;
  }
  conv->inputs[1] = w_idx;
  conv->inputs[2] = b_idx;
  conv->outputs[0] = bn->outputs[0];
  *done = true;
  return OPS_OK;
}

enum ops_status ops_pass_bn(struct ops_graph *g, size_t *rewrites, struct ops_diag *d) {
  bool *drop = ops_calloc_array(g->n_nodes, sizeof *drop);
  if (drop == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory folding BatchNorm");
  size_t folded = 0;
  enum ops_status st = OPS_OK;
  for (size_t i = 0; i < g->n_nodes && st == OPS_OK; i++) {
    const struct ops_node *bn = &g->nodes[i];
    if (bn->op != OPS_OP_BATCH_NORMALIZATION || bn->n_inputs != 5 || bn->inputs[0] < 0) continue;
    bool one_output = true;
    for (int k = 1; k < bn->n_outputs; k++)
      one_output = one_output && bn->outputs[k] < 0;
    if (!one_output || bn->outputs[0] < 0) continue;
    int y = bn->inputs[0];
    const struct ops_tensor *yt = &g->tensors[y];
    int p = yt->producer;
    if (p < 0 || yt->is_output || ops_pass_sole_reader(g, y) != (int)i) continue;
    const struct ops_node *conv = &g->nodes[p];
    if (conv->op != OPS_OP_CONV || ops_node_fused(&conv->fused) || conv->n_inputs < 2 ||
        conv->inputs[1] < 0 || conv->n_outputs != 1) {
      continue;
    }
    bool done;
    st = fold_one(g, (size_t)p, i, &done, d);
    if (st == OPS_OK && done) {
      drop[i] = true;
      folded++;
    }
  }
  *rewrites += folded;
  return ops_pass_finish(g, drop, folded, st, d);
}
