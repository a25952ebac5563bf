/*
 * LayerNorm patterns: layer normalization over the last axis as exporters of opset < 17 write
 * it with nine ops becomes one LayerNormalization, which the simd unit runs as one pass per row
 * instead of nine passes over the tensor:
 *
 *   mean = ReduceMean(x, axes=[-1])         d = Sub(x, mean)
 *   var  = ReduceMean(Pow(d, 2), axes=[-1]) s = Sqrt(Add(var, epsilon))
 *   y    = Add(Mul(Div(d, s), gamma), beta)   (Mul and Add operands in either order)
 *
 * becomes LayerNormalization(x, gamma, beta, axis=-1, epsilon). Only f32, with constant gamma
 * and beta of the last dim's length and a constant scalar epsilon, keepdims 1, and only when
 * every intermediate is read by the pattern alone (d by its Pow and Div) and is not a graph
 * output. The LayerNormalization node replaces the last Add and keeps its output and name.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/pass-impl.h"
#include "src/size.h"

/* The node reading tensor `t` (only one may, and t must be an f32 intermediate), or -1. */
static int next_of(const struct ops_graph *g, int t) {
  if (t < 0 || g->tensors[t].is_output || g->tensors[t].dtype != OPS_DTYPE_F32) return -1;
  return ops_pass_sole_reader(g, t);
}

/* A ReduceMean over the last axis only, keeping dims, of input `x`. */
static bool mean_last(const struct ops_graph *g, const struct ops_node *n, int x) {
  if (n->op != OPS_OP_REDUCE_MEAN || n->n_inputs < 1 || n->inputs[0] != x || n->n_outputs != 1) {
    return false;
  }
  int64_t keep = 1;
  const int64_t *axes = NULL;
  size_t count = 0;
  if (ops_node_attr_int(n, "keepdims", 1, &keep, NULL) != OPS_OK || keep != 1) return false;
  if (ops_node_attr_ints(n, "axes", &axes, &count, NULL) != OPS_OK) return false;
  if (n->n_inputs > 1 && n->inputs[1] >= 0) {
    /* opset 18: axes as a constant input */
    const struct ops_tensor *a = &g->tensors[n->inputs[1]];
    if (!ops_pass_is_const(a) || a->dtype != OPS_DTYPE_I64 || a->nbytes != sizeof(int64_t)) {
      return false;
    }
    axes = a->data;
    count = 1;
  }
  int rank = g->tensors[x].shape.rank;
  return axes != NULL && count == 1 && rank >= 1 && (axes[0] == -1 || axes[0] == rank - 1);
}

/* The input of two-input node `n` other than `t`, or -1. */
static int other(const struct ops_node *n, int t) {
  if (n->n_inputs != 2 || n->n_outputs != 1) return -1;
  if (n->inputs[0] == t) return n->inputs[1];
  return n->inputs[1] == t ? n->inputs[0] : -1;
}

/* A constant f32 vector of `len` entries ([len], or [1, ..., len]). */
static bool const_row(const struct ops_graph *g, int t, int64_t len) {
  if (t < 0) return false;
  const struct ops_tensor *v = &g->tensors[t];
  if (!ops_pass_is_const(v) || v->dtype != OPS_DTYPE_F32 || v->shape.rank != 1) return false;
  return v->shape.dims[0] == len;
}

struct ln_match {
  int x, gamma, beta, last;
  float eps;
  int drop[8];
};

static bool match(const struct ops_graph *g, size_t r1, struct ln_match *m) {
  const struct ops_node *mean = &g->nodes[r1];
  if (mean->op != OPS_OP_REDUCE_MEAN || mean->n_inputs < 1 || mean->inputs[0] < 0) return false;
  int x = mean->inputs[0];
  const struct ops_tensor *xt = &g->tensors[x];
  if (xt->dtype != OPS_DTYPE_F32 || xt->shape.rank < 1 || !mean_last(g, mean, x)) return false;
  int64_t h = xt->shape.dims[xt->shape.rank - 1];
  int sub = next_of(g, mean->outputs[0]);
  if (sub < 0 || g->nodes[sub].op != OPS_OP_SUB || g->nodes[sub].n_inputs != 2 ||
      g->nodes[sub].inputs[0] != x || g->nodes[sub].inputs[1] != mean->outputs[0]) {
    return false;
  }
  int d = g->nodes[sub].outputs[0];
  if (d < 0 || g->tensors[d].is_output) return false;
  /* d feeds exactly a Pow(d, 2) and a Div(d, s). */
  int pw = -1, dv = -1, readers = 0;
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    bool reads = false;
    for (int k = 0; k < n->n_inputs; k++)
      reads = reads || n->inputs[k] == d;
    if (!reads) continue;
    readers++;
    float two;
    if (n->op == OPS_OP_POW && n->n_inputs == 2 && n->inputs[0] == d &&
        ops_pass_scalar_value(&g->tensors[n->inputs[1]], &two) && two == 2.0f) {
      pw = (int)i;
    } else if (n->op == OPS_OP_DIV && n->n_inputs == 2 && n->inputs[0] == d) {
      dv = (int)i;
    }
  }
  if (readers != 2 || pw < 0 || dv < 0) return false;
  int r2 = next_of(g, g->nodes[pw].outputs[0]);
  if (r2 < 0 || !mean_last(g, &g->nodes[r2], g->nodes[pw].outputs[0])) return false;
  int add = next_of(g, g->nodes[r2].outputs[0]);
  if (add < 0 || g->nodes[add].op != OPS_OP_ADD) return false;
  int eps_t = other(&g->nodes[add], g->nodes[r2].outputs[0]);
  if (eps_t < 0 || !ops_pass_scalar_value(&g->tensors[eps_t], &m->eps) || !(m->eps >= 0.0f)) {
    return false;
  }
  int sq = next_of(g, g->nodes[add].outputs[0]);
  if (sq < 0 || g->nodes[sq].op != OPS_OP_SQRT) return false;
  if (next_of(g, g->nodes[sq].outputs[0]) != dv ||
      g->nodes[dv].inputs[1] != g->nodes[sq].outputs[0]) {
    return false;
  }
  int mul = next_of(g, g->nodes[dv].outputs[0]);
  if (mul < 0 || g->nodes[mul].op != OPS_OP_MUL) return false;
  m->gamma = other(&g->nodes[mul], g->nodes[dv].outputs[0]);
  int badd = next_of(g, g->nodes[mul].outputs[0]);
  if (!const_row(g, m->gamma, h) || badd < 0 || g->nodes[badd].op != OPS_OP_ADD) return false;
  m->beta = other(&g->nodes[badd], g->nodes[mul].outputs[0]);
  const struct ops_node *last = &g->nodes[badd];
  if (!const_row(g, m->beta, h) || last->n_attrs != 0 || last->outputs[0] < 0) return false;
  const struct ops_tensor *y = &g->tensors[last->outputs[0]];
  if (y->dtype != OPS_DTYPE_F32 || !ops_shape_equal(&y->shape, &xt->shape)) return false;
  int drop[8] = {(int)r1, sub, pw, r2, add, sq, dv, mul};
  memcpy(m->drop, drop, sizeof drop);
  m->x = x;
  m->last = badd;
  return true;
}

/* Turns node `n` (the last Add, three input slots reallocated) into the LayerNormalization. */
static enum ops_status rewrite(struct ops_graph *g, const struct ln_match *m, struct ops_diag *d) {
  struct ops_node *n = &g->nodes[m->last];
  char *op = ops_strdup("LayerNormalization");
  char *axis_name = ops_strdup("axis"), *eps_name = ops_strdup("epsilon");
  int *ins = realloc(n->inputs, 3 * sizeof *ins);
  if (ins != NULL) n->inputs = ins;
  struct ops_attr *attrs = ops_calloc_array(2, sizeof *attrs);
  if (op == NULL || axis_name == NULL || eps_name == NULL || ins == NULL || attrs == NULL) {
    free(op);
    free(axis_name);
    free(eps_name);
    free(attrs);
    return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory fusing LayerNorm '%s'", n->name);
  }
  attrs[0] = (struct ops_attr){.name = axis_name, .type = OPS_ATTR_INT, .i = -1};
  attrs[1] = (struct ops_attr){.name = eps_name, .type = OPS_ATTR_FLOAT, .f = m->eps};
  free(n->attrs);
  n->attrs = attrs;
  n->n_attrs = 2;
  free(n->op_type);
  n->op_type = op;
  n->op = OPS_OP_LAYER_NORMALIZATION;
  n->inputs[0] = m->x;
  n->inputs[1] = m->gamma;
  n->inputs[2] = m->beta;
  n->n_inputs = 3;
  return OPS_OK;
}

enum ops_status ops_pass_layernorm(struct ops_graph *g, size_t *rewrites, struct ops_diag *d) {
  bool *drop = ops_calloc_array(g->n_nodes, sizeof *drop);
  if (drop == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory matching LayerNorm");
  size_t found = 0;
  enum ops_status st = OPS_OK;
  for (size_t i = 0; i < g->n_nodes && st == OPS_OK; i++) {
    struct ln_match m;
    if (drop[i] || !match(g, i, &m)) continue;
    if (drop[m.last] || ops_pass_any_dropped(drop, m.drop, 8)) continue;
    st = rewrite(g, &m, d);
    if (st != OPS_OK) break;
    for (int k = 0; k < 8; k++)
      drop[m.drop[k]] = true;
    found++;
  }
  *rewrites += found * 9;
  return ops_pass_finish(g, drop, found, st, d);
}
