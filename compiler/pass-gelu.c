/*
 * GELU patterns: exact GELU, x * Phi(x) = x * (1 + erf(x / sqrt(2))) / 2, as exporters write it
 * with five element-wise ops, becomes one Gelu op, which the simd unit runs as one vectorized
 * pass and the fuse pass can then fold into the Gemm or Conv before it.
 *
 *   t1 = Div(x, sqrt(2))  or  Mul(x, 1 / sqrt(2))
 *   t2 = Erf(t1)
 *   t3 = Add(t2, 1)
 *   y  = Mul(Mul(x, t3), 0.5)  or  Mul(Mul(x, 0.5), t3)  or  Mul(x, Mul(t3, 0.5))
 *
 * Operands of Add and Mul in either order. Only f32, and only when every intermediate tensor is
 * read by the pattern alone and is not a graph output; x may have other readers. The Gelu node
 * replaces the last op and keeps its output tensor and name.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/pass-impl.h"
#include "src/size.h"

/* The constant of a node with two inputs that is not `x`, or false. */
static bool other_scalar(const struct ops_graph *g, const struct ops_node *n, int x, float *v) {
  if (n->n_inputs != 2 || n->n_outputs != 1 || n->outputs[0] < 0) return false;
  int other;
  if (n->inputs[0] == x) {
    other = n->inputs[1];
  } else if (n->inputs[1] == x) {
    other = n->inputs[0];
  } else {
    return false;
  }
  return other >= 0 && other != x && ops_pass_scalar_value(&g->tensors[other], v);
}

static bool near(float v, double want) {
  return fabs((double)v - want) <= 1e-4 * want;
}

/* The only reader of node n's output, when that output is an intermediate: f32, not a graph
 * output, read once. -1 otherwise. */
static int sole_next(const struct ops_graph *g, const struct ops_node *n) {
  if (n->n_outputs != 1 || n->outputs[0] < 0) return -1;
  const struct ops_tensor *t = &g->tensors[n->outputs[0]];
  if (t->is_output || t->dtype != OPS_DTYPE_F32) return -1;
  return ops_pass_sole_reader(g, n->outputs[0]);
}

/* The other input of a two-input node than `t`, or -1. */
static int other_input(const struct ops_node *n, int t) {
  if (n->n_inputs != 2) return -1;
  if (n->inputs[0] == t) return n->inputs[1];
  return n->inputs[1] == t ? n->inputs[0] : -1;
}

/* Matches the pattern around Erf node `e`: fills the nodes to drop (up to 5) and returns the
 * last node and x, or -1. */
static int match(const struct ops_graph *g, size_t e, int *x_out, int drop[5], int *n_drop) {
  const struct ops_node *erf = &g->nodes[e];
  if (erf->op != OPS_OP_ERF || erf->n_inputs != 1 || erf->inputs[0] < 0) return -1;
  int t1 = erf->inputs[0];
  int p = g->tensors[t1].producer;
  if (p < 0 || ops_pass_sole_reader(g, t1) != (int)e || g->tensors[t1].is_output) return -1;
  const struct ops_node *scale = &g->nodes[p];
  int x = scale->inputs[0];
  float c;
  bool div = scale->op == OPS_OP_DIV && scale->n_inputs == 2 &&
             ops_pass_scalar_value(&g->tensors[scale->inputs[1]], &c) && near(c, sqrt(2.0));
  bool mul = false;
  if (!div && scale->op == OPS_OP_MUL) {
    for (int k = 0; k < 2 && !mul; k++) {
      x = scale->inputs[k];
      mul = other_scalar(g, scale, x, &c) && near(c, sqrt(0.5));
    }
  }
  if ((!div && !mul) || x < 0 || g->tensors[x].dtype != OPS_DTYPE_F32) return -1;
  int a = sole_next(g, erf);
  if (a < 0 || g->nodes[a].op != OPS_OP_ADD ||
      !other_scalar(g, &g->nodes[a], erf->outputs[0], &c) || c != 1.0f) {
    return -1;
  }
  int t3 = g->nodes[a].outputs[0];
  int m1 = sole_next(g, &g->nodes[a]);
  if (m1 < 0 || g->nodes[m1].op != OPS_OP_MUL) return -1;
  int u = other_input(&g->nodes[m1], t3);
  if (u < 0) return -1;
  *n_drop = 0;
  drop[(*n_drop)++] = p;
  drop[(*n_drop)++] = (int)e;
  drop[(*n_drop)++] = a;
  int last;
  if (u == x) {
    /* Mul(x, t3), then Mul(., 0.5). */
    last = sole_next(g, &g->nodes[m1]);
    if (last < 0 || g->nodes[last].op != OPS_OP_MUL ||
        !other_scalar(g, &g->nodes[last], g->nodes[m1].outputs[0], &c) || c != 0.5f) {
      return -1;
    }
    drop[(*n_drop)++] = m1;
  } else if (other_scalar(g, &g->nodes[m1], t3, &c) && c == 0.5f) {
    /* Mul(t3, 0.5), then Mul(x, .). */
    last = sole_next(g, &g->nodes[m1]);
    if (last < 0 || g->nodes[last].op != OPS_OP_MUL ||
        other_input(&g->nodes[last], g->nodes[m1].outputs[0]) != x) {
      return -1;
    }
    drop[(*n_drop)++] = m1;
  } else {
    /* Mul(Mul(x, 0.5), t3): u is the half. */
    int h = g->tensors[u].producer;
    if (h < 0 || g->nodes[h].op != OPS_OP_MUL || ops_pass_sole_reader(g, u) != m1 ||
        g->tensors[u].is_output || !other_scalar(g, &g->nodes[h], x, &c) || c != 0.5f) {
      return -1;
    }
    last = m1;
    drop[(*n_drop)++] = h;
  }
  const struct ops_tensor *y = &g->tensors[g->nodes[last].outputs[0]];
  if (y->dtype != OPS_DTYPE_F32 || !ops_shape_equal(&y->shape, &g->tensors[x].shape)) return -1;
  *x_out = x;
  return last;
}

enum ops_status ops_pass_gelu(struct ops_graph *g, size_t *rewrites, struct ops_diag *d) {
  bool *drop = ops_calloc_array(g->n_nodes, sizeof *drop);
  if (drop == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory matching GELU");
  size_t found = 0;
  enum ops_status st = OPS_OK;
  for (size_t e = 0; e < g->n_nodes && st == OPS_OK; e++) {
    int x, nodes[5], n = 0;
    int last = match(g, e, &x, nodes, &n);
    if (last < 0) continue;
    if (drop[last] || ops_pass_any_dropped(drop, nodes, (size_t)n)) continue;
    struct ops_node *gn = &g->nodes[last];
    char *name = ops_strdup("Gelu");
    if (name == NULL) {
      st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory matching GELU");
      break;
    }
    free(gn->op_type);
    gn->op_type = name;
    gn->op = OPS_OP_GELU;
    gn->inputs[0] = x;
    gn->n_inputs = 1;
    for (int k = 0; k < n; k++)
      drop[nodes[k]] = true;
    found++;
  }
  *rewrites += found * 5;
  return ops_pass_finish(g, drop, found, st, d);
}
