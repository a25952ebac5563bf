/*
 * Bias, activation and pool fusion, so one kernel writes each output once instead of two or
 * three ops streaming it through memory:
 *
 *   MatMul(A[M, K], constant B[K, N]) -> Add(constant bias [N] or [1, N])  becomes Gemm(A, B, bias)
 *   Conv or Gemm -> Relu | Clip(constant bounds) | Sigmoid | HardSwish | Gelu  becomes one node
 *   Conv or Gemm -> Sigmoid -> Mul(with the Conv's output)  (SiLU)          becomes one node
 *   2-D Conv (with or without one of those) -> MaxPool                     becomes one node
 *
 * The fused node writes the last op's output tensor, so graph output names are kept, and records
 * what it absorbed ("Conv+Relu"); its kernel applies the activation as each element is final
 * (kernels/act.h). Only f32, and only when the intermediate tensors are read by the fused ops
 * alone and are not graph outputs. GELU patterns arrive here as Gelu ops (compiler/pass-gelu.c).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/pass-impl.h"
#include "src/fused-pool.h"
#include "src/size.h"

/* Up to `cap` distinct nodes reading `tensor`, not counting dropped ones; returns the count
 * (which may exceed cap). */
static size_t readers_of(const struct ops_graph *g, const bool *drop, int tensor, size_t *out,
                         size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < g->n_nodes; i++) {
    if (drop[i]) continue;
    const struct ops_node *nd = &g->nodes[i];
    for (int k = 0; k < nd->n_inputs; k++) {
      if (nd->inputs[k] != tensor) continue;
      if (n < cap) out[n] = i;
      n++;
      break;
    }
  }
  return n;
}

/* True when `n` has one output, present, of the same dtype and shape as `like`. */
static bool elementwise_out(const struct ops_graph *g, const struct ops_node *n,
                            const struct ops_tensor *like) {
  if (n->n_outputs != 1 || n->outputs[0] < 0) return false;
  const struct ops_tensor *y = &g->tensors[n->outputs[0]];
  return y->dtype == like->dtype && ops_shape_equal(&y->shape, &like->shape);
}

/* Clip's bounds when they are constant: attributes (opset 6) or inputs 1 and 2 (opset 11+). */
static bool clip_bounds(const struct ops_graph *g, const struct ops_node *n, float *lo, float *hi) {
  if (ops_node_attr_float(n, "min", -INFINITY, lo, NULL) != OPS_OK ||
      ops_node_attr_float(n, "max", INFINITY, hi, NULL) != OPS_OK) {
    return false;
  }
  if (n->n_inputs > 1 && n->inputs[1] >= 0 && !ops_pass_scalar_value(&g->tensors[n->inputs[1]], lo))
    return false;
  if (n->n_inputs > 2 && n->inputs[2] >= 0 && !ops_pass_scalar_value(&g->tensors[n->inputs[2]], hi))
    return false;
  return !isnan(*lo) && !isnan(*hi);
}

/* MatMul + Add(bias) -> Gemm with C; true when node `i` was rewritten. */
static enum ops_status fuse_bias(struct ops_graph *g, bool *drop, size_t i, bool *done,
                                 struct ops_diag *d) {
  *done = false;
  struct ops_node *mm = &g->nodes[i];
  if (mm->op != OPS_OP_MATMUL || mm->n_inputs != 2 || mm->n_outputs != 1 || mm->inputs[0] < 0 ||
      mm->inputs[1] < 0 || mm->outputs[0] < 0) {
    return OPS_OK;
  }
  const struct ops_tensor *a = &g->tensors[mm->inputs[0]], *b = &g->tensors[mm->inputs[1]];
  const struct ops_tensor *y = &g->tensors[mm->outputs[0]];
  if (a->dtype != OPS_DTYPE_F32 || a->shape.rank != 2 || !ops_pass_is_const(b) ||
      b->dtype != OPS_DTYPE_F32 || b->shape.rank != 2 || y->is_output || y->shape.rank != 2) {
    return OPS_OK;
  }
  size_t r = 0;
  if (readers_of(g, drop, mm->outputs[0], &r, 1) != 1) return OPS_OK;
  const struct ops_node *add = &g->nodes[r];
  if (add->op != OPS_OP_ADD || add->n_inputs != 2 || !elementwise_out(g, add, y)) return OPS_OK;
  int other = add->inputs[0] == mm->outputs[0] ? add->inputs[1] : add->inputs[0];
  if (other < 0 || other == mm->outputs[0]) return OPS_OK;
  const struct ops_tensor *bias = &g->tensors[other];
  int64_t n = y->shape.dims[1];
  bool row = (bias->shape.rank == 1 && bias->shape.dims[0] == n) ||
             (bias->shape.rank == 2 && bias->shape.dims[0] == 1 && bias->shape.dims[1] == n);
  if (!ops_pass_is_const(bias) || bias->dtype != OPS_DTYPE_F32 || !row) return OPS_OK;

  char *gemm = ops_strdup("Gemm");
  int *ins = realloc(mm->inputs, 3 * sizeof *ins);
  if (ins != NULL) mm->inputs = ins;
  enum ops_status st =
      gemm != NULL && ins != NULL ? ops_pass_absorb(mm, "Add", d) : OPS_ERR_NO_MEMORY;
  if (st != OPS_OK) {
    free(gemm);
    return ops_fail(d, st, "out of memory fusing '%s'", mm->name);
  }
  /* Gemm with alpha = beta = 1 and no transposes is A x B + C, C broadcast over the rows. */
  free(mm->op_type);
  mm->op_type = gemm;
  mm->op = OPS_OP_GEMM;
  mm->inputs = ins;
  mm->inputs[2] = other;
  mm->n_inputs = 3;
  mm->outputs[0] = add->outputs[0];
  drop[r] = true;
  *done = true;
  return OPS_OK;
}

/* Conv/Gemm + activation; true when node `i` absorbed one. */
static enum ops_status fuse_act(struct ops_graph *g, bool *drop, size_t i, size_t *count,
                                struct ops_diag *d) {
  struct ops_node *n = &g->nodes[i];
  /* Not after a fused pool: the kernel applies the activation before pooling, which only a
   * monotonic one would allow. */
  if ((n->op != OPS_OP_CONV && n->op != OPS_OP_GEMM) || ops_node_fused(&n->fused) ||
      n->n_outputs != 1 || n->outputs[0] < 0) {
    return OPS_OK;
  }
  int yi = n->outputs[0];
  const struct ops_tensor *y = &g->tensors[yi];
  if (y->dtype != OPS_DTYPE_F32 || y->is_output) return OPS_OK;
  size_t rd[2] = {0, 0};
  size_t nr = readers_of(g, drop, yi, rd, 2);
  struct ops_node_fusion f = {.act = OPS_FUSED_ACT_NONE};
  size_t last = 0, mid = 0;
  bool two = false;
  if (nr == 1) {
    const struct ops_node *r = &g->nodes[rd[0]];
    if (!elementwise_out(g, r, y) || r->inputs[0] != yi) return OPS_OK;
    switch (r->op) {
      case OPS_OP_RELU:
        f.act = OPS_FUSED_ACT_RELU;
        break;
      case OPS_OP_SIGMOID:
        f.act = OPS_FUSED_ACT_SIGMOID;
        break;
      case OPS_OP_HARD_SWISH:
        f.act = OPS_FUSED_ACT_HARDSWISH;
        break;
      case OPS_OP_GELU: {
        const char *approx;
        if (ops_node_attr_string(r, "approximate", "none", &approx, NULL) != OPS_OK ||
            strcmp(approx, "none") != 0) {
          return OPS_OK;
        }
        f.act = OPS_FUSED_ACT_GELU;
        break;
      }
      case OPS_OP_CLIP:
        if (!clip_bounds(g, r, &f.params[0], &f.params[1])) return OPS_OK;
        f.act = OPS_FUSED_ACT_CLIP;
        break;
      default:
        return OPS_OK;
    }
    last = rd[0];
  } else if (nr == 2) {
    /* SiLU: Sigmoid(y) read only by a Mul of y and it. */
    size_t si = g->nodes[rd[0]].op == OPS_OP_SIGMOID ? rd[0] : rd[1];
    size_t mi = si == rd[0] ? rd[1] : rd[0];
    const struct ops_node *s = &g->nodes[si], *m = &g->nodes[mi];
    if (s->op != OPS_OP_SIGMOID || m->op != OPS_OP_MUL || m->n_inputs != 2 ||
        !elementwise_out(g, s, y) || !elementwise_out(g, m, y)) {
      return OPS_OK;
    }
    int so = s->outputs[0];
    bool pair =
        (m->inputs[0] == yi && m->inputs[1] == so) || (m->inputs[1] == yi && m->inputs[0] == so);
    size_t only = 0;
    if (!pair || g->tensors[so].is_output || readers_of(g, drop, so, &only, 1) != 1) return OPS_OK;
    f.act = OPS_FUSED_ACT_SILU;
    mid = si;
    last = mi;
    two = true;
  } else {
    return OPS_OK;
  }
  enum ops_status st = two ? ops_pass_absorb(n, "Sigmoid", d) : OPS_OK;
  if (st == OPS_OK) st = ops_pass_absorb(n, g->nodes[last].op_type, d);
  if (st != OPS_OK) return st;
  n->fused.act = f.act;
  n->fused.params[0] = f.params[0];
  n->fused.params[1] = f.params[1];
  n->outputs[0] = g->nodes[last].outputs[0];
  drop[last] = true;
  if (two) drop[mid] = true;
  *count += two ? 2 : 1;
  return OPS_OK;
}

/* 2-D Conv (its activation fused already, if any) -> MaxPool: the pool becomes the Conv's
 * epilogue (struct ops_fused_pool), so the Conv's output, often the largest tensor of a CNN's
 * first layers, is pooled band by band while in cache instead of stored whole and read back
 * (squeezenet1_1's first conv wrote 3.15 MB that its pool read at a third of the warm speed).
 * Only ungrouped convs: the SIMD kernel's band path is the GEMM one. */
static enum ops_status fuse_pool(struct ops_graph *g, bool *drop, size_t i, size_t *count,
                                 struct ops_diag *d) {
  struct ops_node *n = &g->nodes[i];
  int64_t group = 0, conv_dims[4];
  if (n->op != OPS_OP_CONV || n->fused.pool.on || n->n_outputs != 1 || n->outputs[0] < 0 ||
      ops_node_attr_int(n, "group", 1, &group, NULL) != OPS_OK || group != 1 ||
      !ops_fused_conv_dims(g, n, conv_dims)) {
    return OPS_OK;
  }
  int yi = n->outputs[0];
  const struct ops_tensor *y = &g->tensors[yi];
  if (y->dtype != OPS_DTYPE_F32 || y->is_output || y->shape.rank != 4) return OPS_OK;
  size_t r = 0;
  if (readers_of(g, drop, yi, &r, 1) != 1) return OPS_OK;
  const struct ops_node *mp = &g->nodes[r];
  struct ops_fused_pool pool;
  int64_t want[2];
  if (mp->inputs[0] != yi || !ops_fused_pool_from_node(mp, &pool) ||
      !ops_fused_pool_out(&pool, &conv_dims[2], want)) {
    return OPS_OK;
  }
  /* The pool's output as inferred, so the node's output keeps its shape. */
  const struct ops_tensor *py = &g->tensors[mp->outputs[0]];
  if (py->dtype != OPS_DTYPE_F32 || py->shape.rank != 4 || py->shape.dims[2] != want[0] ||
      py->shape.dims[3] != want[1]) {
    return OPS_OK;
  }
  enum ops_status st = ops_pass_absorb(n, mp->op_type, d);
  if (st != OPS_OK) return st;
  n->fused.pool = pool;
  n->outputs[0] = mp->outputs[0];
  drop[r] = true;
  (*count)++;
  return OPS_OK;
}

enum ops_status ops_pass_fuse(struct ops_graph *g, size_t *rewrites, struct ops_diag *d) {
  bool *drop = ops_calloc_array(g->n_nodes, sizeof *drop);
  if (drop == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory fusing ops");
  size_t fused = 0;
  enum ops_status st = OPS_OK;
  for (size_t i = 0; i < g->n_nodes && st == OPS_OK; i++) {
    if (drop[i]) continue;
    bool done = false;
    st = fuse_bias(g, drop, i, &done, d);
    if (done) fused++;
    if (st == OPS_OK) st = fuse_act(g, drop, i, &fused, d);
    if (st == OPS_OK) st = fuse_pool(g, drop, i, &fused, d);
  }
  *rewrites += fused;
  return ops_pass_finish(g, drop, fused, st, d);
}
