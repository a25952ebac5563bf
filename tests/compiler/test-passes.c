/*
 * compiler/pass-*.c: each pass's rewrite on a small hand-built graph, and the rewritten graph's
 * outputs against the same graph run without passes (O0), on the scalar unit (the oracle: the
 * fused kernels must give the unfused ops' bits) and on simd (within tolerance).
 *
 * Each test builds its graph with a function so it can build it twice: once to run as is, once
 * to run through the passes.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compile-tester.h"
#include "kernels/graph-builder.h"
#include "test-util.h"

#include "compiler/exec.h"
#include "compiler/pass-impl.h"
#include "compiler/passes.h"
#include "planner/plan.h"
#include "src/load.h"
#include "src/shape-infer.h"

/* Builds the graph twice, runs passes up to `level` on one, checks that both give the same
 * output 0 on scalar (exactly when `exact`) and simd, and returns the rewritten graph. */
static struct ops_graph *check_same(build_fn fn, int level, bool exact) {
  struct ops_graph *ref = build(fn), *opt = build(fn);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_pass_report report;
  if (ops_passes_run(opt, level, NULL, &report, &d) != OPS_OK) fail_msg("passes: %s", d.msg);
  assert_int_equal(report.level, level);
  assert_string_equal(ref->tensors[ref->outputs[0]].name, opt->tensors[opt->outputs[0]].name);
  for (int unit = OPSCOPE_UNIT_SCALAR; unit <= OPSCOPE_UNIT_SIMD; unit++) {
    size_t n_ref, n_opt;
    float *a = run(ref, OPSCOPE_UNIT_SCALAR, &n_ref);
    float *b = run(opt, unit, &n_opt);
    assert_int_equal(n_ref, n_opt);
    for (size_t i = 0; i < n_ref; i++) {
      if (exact && unit == OPSCOPE_UNIT_SCALAR) {
        if (memcmp(&a[i], &b[i], sizeof a[i]) != 0) fail_msg("[%zu]: %g != %g", i, a[i], b[i]);
      } else {
        OPS_ASSERT_NEAR(b[i], a[i], 1e-4 + 1e-4 * fabs(a[i]));
      }
    }
    free(a);
    free(b);
  }
  ops_graph_free(ref);
  return opt;
}

static const struct ops_node *only_node(const struct ops_graph *g, const char *op_type) {
  assert_int_equal(g->n_nodes, 1);
  assert_string_equal(g->nodes[0].op_type, op_type);
  return &g->nodes[0];
}

/* ---- graphs ---- */

static int conv(struct ops_graph *g, int x, const char *y_name, bool bias) {
  int w = weight(g, "W", DIMS(4, 3, 3, 3), 1);
  int b = bias ? weight(g, "B", DIMS(4), 2) : -1;
  int y = act(g, y_name);
  struct ops_node *n =
      bias ? node(g, "conv", "Conv", IO(x, w, b), IO(y)) : node(g, "conv", "Conv", IO(x, w), IO(y));
  attr_ints(n, "pads", INTS(1, 1, 1, 1));
  return y;
}

static void g_conv_relu(struct ops_graph *g) {
  int x = input(g, "X", DIMS(1, 3, 6, 5));
  int c = conv(g, x, "c", true);
  int y = act(g, "Y");
  node(g, "relu", "Relu", IO(c), IO(y));
  output(g, y);
}

static void g_conv_clip(struct ops_graph *g) {
  int x = input(g, "X", DIMS(1, 3, 6, 5));
  int c = conv(g, x, "c", true);
  /* Bounds from Constant nodes, as mobilenet exports have them: folding must come first. */
  int lo = act(g, "lo"), hi = act(g, "hi"), y = act(g, "Y");
  float vlo = 0.0f, vhi = 0.5f;
  struct ops_node *k = node(g, "k_lo", "Constant", NONE, IO(lo));
  add_attr(k, "value", OPS_ATTR_TENSOR)->tensor = calloc(1, sizeof(struct ops_tensor));
  struct ops_tensor *t = k->attrs[0].tensor;
  t->name = ops_strdup("lo_value");
  t->dtype = OPS_DTYPE_F32;
  t->shape = ops_shape_make(0, NULL);
  t->role = OPS_TENSOR_INITIALIZER;
  assert_true(ops_tensor_set_data_copy(t, &vlo, sizeof vlo));
  k = node(g, "k_hi", "Constant", NONE, IO(hi));
  add_attr(k, "value", OPS_ATTR_TENSOR)->tensor = calloc(1, sizeof(struct ops_tensor));
  t = k->attrs[0].tensor;
  t->name = ops_strdup("hi_value");
  t->dtype = OPS_DTYPE_F32;
  t->shape = ops_shape_make(0, NULL);
  t->role = OPS_TENSOR_INITIALIZER;
  assert_true(ops_tensor_set_data_copy(t, &vhi, sizeof vhi));
  node(g, "clip", "Clip", IO(c, lo, hi), IO(y));
  output(g, y);
}

static void g_conv_silu(struct ops_graph *g) {
  int x = input(g, "X", DIMS(1, 3, 6, 5));
  int c = conv(g, x, "c", false);
  int s = act(g, "s"), y = act(g, "Y");
  node(g, "sig", "Sigmoid", IO(c), IO(s));
  node(g, "mul", "Mul", IO(s, c), IO(y));
  output(g, y);
}

static void g_conv_hardswish(struct ops_graph *g) {
  int x = input(g, "X", DIMS(1, 3, 6, 5));
  int c = conv(g, x, "c", true);
  int y = act(g, "Y");
  node(g, "hs", "HardSwish", IO(c), IO(y));
  output(g, y);
}

/* Conv -> [activation] -> MaxPool 3x3/2 with ceil_mode (squeezenet1_1's), whose last window
 * hangs past the conv's 11 columns; `indices` adds MaxPool's second output, `dilated` a
 * dilation the fused kernel refuses, `shared` a second reader of the conv's output, and
 * `relu_after` a Relu after the pool instead of before it. */
struct pool_graph {
  const char *act; /* NULL, "Relu" or "HardSwish" */
  bool indices, dilated, shared, relu_after;
};
static struct pool_graph pool_shape;

static void g_conv_pool(struct ops_graph *g) {
  const struct pool_graph *s = &pool_shape;
  int x = input(g, "X", DIMS(1, 3, 13, 11));
  int c = conv(g, x, "c", true);
  if (s->act != NULL) {
    int a = act(g, "a");
    node(g, "act", s->act, IO(c), IO(a));
    c = a;
  }
  int y = act(g, s->relu_after ? "p" : "Y"), idx = act(g, "I");
  struct ops_node *mp = s->indices ? node(g, "pool", "MaxPool", IO(c), IO(y, idx))
                                   : node(g, "pool", "MaxPool", IO(c), IO(y));
  attr_ints(mp, "kernel_shape", INTS(3, 3));
  attr_ints(mp, "strides", INTS(2, 2));
  attr_int(mp, "ceil_mode", 1);
  if (s->dilated) attr_ints(mp, "dilations", INTS(2, 1));
  if (s->relu_after) {
    int r = act(g, "Y");
    node(g, "relu", "Relu", IO(y), IO(r));
    y = r;
  }
  if (s->shared) {
    int z = act(g, "Z");
    node(g, "neg", "Neg", IO(c), IO(z));
    output(g, z);
  }
  output(g, y);
  if (s->indices) output(g, idx);
}

static void g_conv_bn_relu(struct ops_graph *g) {
  int x = input(g, "X", DIMS(1, 3, 6, 5));
  int c = conv(g, x, "c", false);
  int scale = weight(g, "scale", DIMS(4), 3), beta = weight(g, "beta", DIMS(4), 4);
  int mean = weight(g, "mean", DIMS(4), 5);
  float var_v[4] = {0.5f, 1.0f, 2.0f, 0.25f};
  int var = tensor(g, "var", OPS_DTYPE_F32, DIMS(4), var_v, sizeof var_v);
  int b = act(g, "b"), y = act(g, "Y");
  node(g, "bn", "BatchNormalization", IO(c, scale, beta, mean, var), IO(b));
  node(g, "relu", "Relu", IO(b), IO(y));
  output(g, y);
}

static void g_matmul_add_relu(struct ops_graph *g) {
  int a = input(g, "A", DIMS(4, 3));
  int b = weight(g, "Bw", DIMS(3, 5), 1);
  int bias = weight(g, "bias", DIMS(5), 2);
  int m = act(g, "m"), s = act(g, "s"), y = act(g, "Y");
  node(g, "mm", "MatMul", IO(a, b), IO(m));
  node(g, "add", "Add", IO(bias, m), IO(s));
  node(g, "relu", "Relu", IO(s), IO(y));
  output(g, y);
}

static void g_noops(struct ops_graph *g) {
  int x = input(g, "X", DIMS(2, 3));
  int i = act(g, "i"), r = act(g, "r"), y = act(g, "Y");
  node(g, "id", "Identity", IO(x), IO(i));
  node(g, "relu", "Relu", IO(i), IO(r));
  struct ops_node *t = node(g, "tr", "Transpose", IO(r), IO(y));
  attr_ints(t, "perm", INTS(0, 1));
  output(g, y);
}

static void g_dead(struct ops_graph *g) {
  int x = input(g, "X", DIMS(2, 3));
  int y = act(g, "Y"), z = act(g, "Z"), z2 = act(g, "Z2");
  node(g, "relu", "Relu", IO(x), IO(y));
  node(g, "sig", "Sigmoid", IO(x), IO(z));
  node(g, "neg", "Neg", IO(z), IO(z2));
  output(g, y);
}

static void g_common(struct ops_graph *g) {
  int x = input(g, "X", DIMS(2, 3));
  int a = act(g, "a"), b = act(g, "b"), y = act(g, "Y");
  node(g, "relu_a", "Relu", IO(x), IO(a));
  node(g, "relu_b", "Relu", IO(x), IO(b));
  node(g, "add", "Add", IO(a, b), IO(y));
  output(g, y);
}

static void g_fold_transpose(struct ops_graph *g) {
  int x = input(g, "X", DIMS(2, 3));
  float wv[6] = {1, 2, 3, 4, 5, 6};
  int w = tensor(g, "Wt", OPS_DTYPE_F32, DIMS(2, 3), wv, sizeof wv);
  int t = act(g, "T"), y = act(g, "Y");
  struct ops_node *tr = node(g, "tr", "Transpose", IO(w), IO(t));
  attr_ints(tr, "perm", INTS(1, 0));
  node(g, "mm", "MatMul", IO(x, t), IO(y));
  output(g, y);
}

/* A scalar f32 constant. */
static int scalar(struct ops_graph *g, const char *name, float v) {
  return tensor(g, name, OPS_DTYPE_F32, 0, NULL, &v, sizeof v);
}

/* Exact GELU of `x` in one of the exporters' three forms; returns the output. */
static int gelu_pattern(struct ops_graph *g, int x, int form, const char *y_name) {
  int t1 = act(g, "t1"), t2 = act(g, "t2"), t3 = act(g, "t3"), t4 = act(g, "t4");
  int y = act(g, y_name);
  if (form == 0) {
    node(g, "div", "Div", IO(x, scalar(g, "sqrt2", 1.41421356f)), IO(t1));
  } else {
    node(g, "scale", "Mul", IO(scalar(g, "rsqrt2", 0.70710678f), x), IO(t1));
  }
  node(g, "erf", "Erf", IO(t1), IO(t2));
  node(g, "add1", "Add", IO(scalar(g, "one", 1.0f), t2), IO(t3));
  if (form == 0) { /* Mul(Mul(x, t3), 0.5) */
    node(g, "mulx", "Mul", IO(x, t3), IO(t4));
    node(g, "half", "Mul", IO(t4, scalar(g, "h", 0.5f)), IO(y));
  } else if (form == 1) { /* Mul(Mul(x, 0.5), t3) */
    node(g, "half", "Mul", IO(x, scalar(g, "h", 0.5f)), IO(t4));
    node(g, "mulx", "Mul", IO(t3, t4), IO(y));
  } else { /* Mul(x, Mul(t3, 0.5)) */
    node(g, "half", "Mul", IO(t3, scalar(g, "h", 0.5f)), IO(t4));
    node(g, "mulx", "Mul", IO(x, t4), IO(y));
  }
  return y;
}

static void gelu_form(struct ops_graph *g, int form) {
  int x = input(g, "X", DIMS(3, 7));
  output(g, gelu_pattern(g, x, form, "Y"));
}

static void g_gelu0(struct ops_graph *g) {
  gelu_form(g, 0);
}
static void g_gelu1(struct ops_graph *g) {
  gelu_form(g, 1);
}
static void g_gelu2(struct ops_graph *g) {
  gelu_form(g, 2);
}

/* MatMul + Add + GELU: Gemm with the Gelu fused. */
static void g_matmul_gelu(struct ops_graph *g) {
  int a = input(g, "A", DIMS(4, 3));
  int b = weight(g, "Bw", DIMS(3, 5), 1);
  int bias = weight(g, "bias", DIMS(5), 2);
  int m = act(g, "m"), s = act(g, "s");
  node(g, "mm", "MatMul", IO(a, b), IO(m));
  node(g, "add", "Add", IO(m, bias), IO(s));
  output(g, gelu_pattern(g, s, 0, "Y"));
}

/* A GELU whose intermediate is also a graph output stays as it is. */
static void g_gelu_shared(struct ops_graph *g) {
  int x = input(g, "X", DIMS(3, 7));
  int y = gelu_pattern(g, x, 0, "Y");
  output(g, y);
  output(g, g->nodes[1].outputs[0]); /* the Erf's */
}

/* LayerNorm over the last axis as opset-13 exporters write it; `expose` also makes the
 * centered tensor a graph output, which must keep the pattern as it is. */
static void layernorm_graph(struct ops_graph *g, bool expose) {
  int x = input(g, "X", DIMS(2, 3, 8));
  int mean = act(g, "mean"), dd = act(g, "d"), p = act(g, "p"), var = act(g, "var");
  int ve = act(g, "ve"), sd = act(g, "sd"), nrm = act(g, "nrm"), sc = act(g, "sc"), y = act(g, "Y");
  attr_ints(node(g, "mean", "ReduceMean", IO(x), IO(mean)), "axes", INTS(-1));
  node(g, "sub", "Sub", IO(x, mean), IO(dd));
  node(g, "pow", "Pow", IO(dd, scalar(g, "two", 2.0f)), IO(p));
  attr_ints(node(g, "var", "ReduceMean", IO(p), IO(var)), "axes", INTS(2));
  node(g, "eps", "Add", IO(var, scalar(g, "epsilon", 1e-5f)), IO(ve));
  node(g, "sqrt", "Sqrt", IO(ve), IO(sd));
  node(g, "div", "Div", IO(dd, sd), IO(nrm));
  node(g, "scale", "Mul", IO(weight(g, "gamma", DIMS(8), 3), nrm), IO(sc));
  node(g, "shift", "Add", IO(sc, weight(g, "beta", DIMS(8), 4)), IO(y));
  output(g, y);
  if (expose) output(g, dd);
}

static void g_layernorm(struct ops_graph *g) {
  layernorm_graph(g, false);
}

static void g_layernorm_exposed(struct ops_graph *g) {
  layernorm_graph(g, true);
}

/* ---- tests ---- */

static void test_layernorm_pattern(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_layernorm, 3, false);
  const struct ops_node *n = only_node(g, "LayerNormalization");
  assert_int_equal(n->n_inputs, 3);
  assert_string_equal(g->tensors[n->inputs[0]].name, "X");
  assert_string_equal(g->tensors[n->inputs[1]].name, "gamma");
  assert_string_equal(g->tensors[n->inputs[2]].name, "beta");
  float eps = 0.0f;
  assert_int_equal(ops_node_attr_float(n, "epsilon", 0.0f, &eps, NULL), OPS_OK);
  OPS_ASSERT_NEAR(eps, 1e-5, 1e-12);
  ops_graph_free(g);
  g = check_same(g_layernorm_exposed, 3, true);
  assert_int_equal(g->n_nodes, 9);
  ops_graph_free(g);
}

static void test_gelu_patterns(void **state) {
  (void)state;
  build_fn forms[] = {g_gelu0, g_gelu1, g_gelu2};
  for (size_t f = 0; f < 3; f++) {
    struct ops_graph *g = check_same(forms[f], 3, false);
    const struct ops_node *n = only_node(g, "Gelu");
    assert_int_equal(n->n_inputs, 1);
    assert_string_equal(g->tensors[n->inputs[0]].name, "X");
    ops_graph_free(g);
  }
  /* O2 leaves the pattern alone. */
  struct ops_graph *g = check_same(g_gelu0, 2, true);
  assert_int_equal(g->n_nodes, 5);
  ops_graph_free(g);
  g = check_same(g_gelu_shared, 3, true);
  assert_int_equal(g->n_nodes, 5);
  ops_graph_free(g);
}

static void test_fuse_gelu_into_gemm(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_matmul_gelu, 3, false);
  const struct ops_node *n = only_node(g, "Gemm");
  assert_int_equal(n->fused.act, OPS_FUSED_ACT_GELU);
  assert_string_equal(n->fused.absorbed, "MatMul+Add+Gelu");
  assert_string_equal(ops_fused_act_name(n->fused.act), "gelu");
  ops_graph_free(g);
}

static void test_fuse_relu(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_conv_relu, 3, true);
  const struct ops_node *n = only_node(g, "Conv");
  assert_int_equal(n->fused.act, OPS_FUSED_ACT_RELU);
  assert_string_equal(n->fused.absorbed, "Conv+Relu");
  assert_string_equal(g->tensors[n->outputs[0]].name, "Y");
  ops_graph_free(g);
}

static void test_fuse_clip_after_fold(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_conv_clip, 3, true);
  const struct ops_node *n = only_node(g, "Conv");
  assert_int_equal(n->fused.act, OPS_FUSED_ACT_CLIP);
  OPS_ASSERT_NEAR(n->fused.params[0], 0.0, 0.0);
  OPS_ASSERT_NEAR(n->fused.params[1], 0.5, 0.0);
  ops_graph_free(g);
  /* O2 folds the Constants but does not fuse. */
  g = check_same(g_conv_clip, 2, true);
  assert_int_equal(g->n_nodes, 2);
  ops_graph_free(g);
}

static void test_fuse_silu(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_conv_silu, 3, true);
  const struct ops_node *n = only_node(g, "Conv");
  assert_int_equal(n->fused.act, OPS_FUSED_ACT_SILU);
  assert_string_equal(n->fused.absorbed, "Conv+Sigmoid+Mul");
  ops_graph_free(g);
}

static void test_fuse_hardswish(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_conv_hardswish, 3, true);
  assert_int_equal(only_node(g, "Conv")->fused.act, OPS_FUSED_ACT_HARDSWISH);
  ops_graph_free(g);
}

static void test_fuse_max_pool(void **state) {
  (void)state;
  pool_shape = (struct pool_graph){.act = "Relu"};
  struct ops_graph *g = check_same(g_conv_pool, 3, true);
  const struct ops_node *n = only_node(g, "Conv");
  assert_string_equal(n->fused.absorbed, "Conv+Relu+MaxPool");
  assert_int_equal(n->fused.act, OPS_FUSED_ACT_RELU);
  assert_true(n->fused.pool.on && n->fused.pool.ceil_mode);
  assert_int_equal(n->fused.pool.kernel[0], 3);
  assert_int_equal(n->fused.pool.strides[1], 2);
  const struct ops_tensor *y = &g->tensors[n->outputs[0]];
  assert_string_equal(y->name, "Y");
  assert_int_equal(y->shape.dims[2], 6); /* 13 rows: floor((13 - 3) / 2) + 1 */
  assert_int_equal(y->shape.dims[3], 5); /* 11 columns */
  ops_graph_free(g);
  /* Without an activation, and after one the kernel applies before pooling. */
  pool_shape = (struct pool_graph){0};
  g = check_same(g_conv_pool, 3, true);
  assert_string_equal(only_node(g, "Conv")->fused.absorbed, "Conv+MaxPool");
  ops_graph_free(g);
  pool_shape = (struct pool_graph){.act = "HardSwish"};
  g = check_same(g_conv_pool, 3, true);
  assert_string_equal(only_node(g, "Conv")->fused.absorbed, "Conv+HardSwish+MaxPool");
  ops_graph_free(g);
}

/* What the fused kernel cannot run, and a Relu after the pool, stay separate ops. */
static void test_max_pool_not_fused(void **state) {
  (void)state;
  const struct pool_graph kept[] = {{.indices = true}, {.dilated = true}, {.shared = true}};
  for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++) {
    pool_shape = kept[i];
    struct ops_graph *g = check_same(g_conv_pool, 3, true);
    for (size_t k = 0; k < g->n_nodes; k++)
      assert_false(g->nodes[k].fused.pool.on);
    ops_graph_free(g);
  }
  /* The pool fuses; the Relu after it does not, since the kernel's activation runs first and
   * only a monotonic one could move past the max. */
  pool_shape = (struct pool_graph){.relu_after = true};
  struct ops_graph *g = check_same(g_conv_pool, 3, true);
  assert_int_equal(g->n_nodes, 2);
  assert_string_equal(g->nodes[0].fused.absorbed, "Conv+MaxPool");
  assert_string_equal(g->nodes[1].op_type, "Relu");
  ops_graph_free(g);
}

static void test_bn_fold(void **state) {
  (void)state;
  /* Folded weights round differently from BN applied after, so only near. */
  struct ops_graph *g = check_same(g_conv_bn_relu, 2, false);
  assert_int_equal(g->n_nodes, 2);
  assert_string_equal(g->nodes[0].fused.absorbed, "Conv+BatchNormalization");
  assert_int_equal(g->nodes[0].n_inputs, 3); /* a bias was added */
  ops_graph_free(g);
  g = check_same(g_conv_bn_relu, 3, false);
  const struct ops_node *n = only_node(g, "Conv");
  assert_string_equal(n->fused.absorbed, "Conv+BatchNormalization+Relu");
  /* The old weight is gone with its last reader. */
  assert_int_equal(ops_graph_find_tensor(g, "W"), -1);
  ops_graph_free(g);
}

static void test_matmul_add_as_gemm(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_matmul_add_relu, 3, false);
  const struct ops_node *n = only_node(g, "Gemm");
  assert_int_equal(n->op, OPS_OP_GEMM);
  assert_int_equal(n->n_inputs, 3);
  assert_string_equal(g->tensors[n->inputs[2]].name, "bias");
  assert_string_equal(n->fused.absorbed, "MatMul+Add+Relu");
  ops_graph_free(g);
}

static void test_noops_removed(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_noops, 1, true);
  const struct ops_node *n = only_node(g, "Relu");
  /* The Transpose wrote the graph output: the Relu writes it now, under the same name. */
  assert_string_equal(g->tensors[n->outputs[0]].name, "Y");
  assert_string_equal(g->tensors[n->inputs[0]].name, "X");
  ops_graph_free(g);
}

static void test_dce(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_dead, 1, true);
  only_node(g, "Relu");
  assert_int_equal(ops_graph_find_tensor(g, "Z"), -1);
  ops_graph_free(g);
}

static void test_cse(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_common, 2, true);
  assert_int_equal(g->n_nodes, 2);
  const struct ops_node *add = &g->nodes[1];
  assert_int_equal(add->inputs[0], add->inputs[1]);
  ops_graph_free(g);
  /* O1 leaves both. */
  g = check_same(g_common, 1, true);
  assert_int_equal(g->n_nodes, 3);
  ops_graph_free(g);
}

static void test_fold_with_kernel(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_fold_transpose, 1, true);
  only_node(g, "MatMul");
  int t = ops_graph_find_tensor(g, "T");
  assert_true(t >= 0);
  assert_int_equal(g->tensors[t].role, OPS_TENSOR_INITIALIZER);
  const float *v = g->tensors[t].data;
  const float want[6] = {1, 4, 2, 5, 3, 6};
  for (int i = 0; i < 6; i++)
    OPS_ASSERT_NEAR(v[i], want[i], 0.0);
  ops_graph_free(g);
}

static void test_levels(void **state) {
  (void)state;
  struct ops_graph *g = check_same(g_conv_bn_relu, 0, true);
  assert_int_equal(g->n_nodes, 3);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_passes_run(g, 4, NULL, NULL, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "outside O0..O3");
  ops_graph_free(g);
  assert_int_equal(ops_opt_level_parse("O2"), 2);
  assert_int_equal(ops_opt_level_parse("3"), 3);
  assert_int_equal(ops_opt_level_parse("O4"), -1);
  assert_int_equal(ops_opt_level_parse("fast"), -1);
  size_t n;
  const struct ops_pass_info *t = ops_passes_table(&n);
  for (size_t i = 0; i < n; i++)
    assert_true(t[i].level >= 1 && t[i].level <= OPS_OPT_LEVEL_MAX);
}

/* Deletes the dumps NAME.json and NAME.bin in dir for each of the NULL-terminated names. */
static void remove_dumps(const char *dir, const char *const *names) {
  char path[256];
  for (size_t i = 0; names[i] != NULL; i++) {
    snprintf(path, sizeof path, "%s/%s.json", dir, names[i]);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s.bin", dir, names[i]);
    unlink(path);
  }
}

/* The dumps are JSON IR that reloads with the fusion recorded. */
static void test_dump_reloads(void **state) {
  (void)state;
  char dir[] = "/tmp/opscope-test-passes-XXXXXX";
  assert_non_null(mkdtemp(dir));
  struct ops_graph *g = build(g_conv_bn_relu);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (ops_passes_run(g, 3, dir, NULL, &d) != OPS_OK) fail_msg("%s", d.msg);
  ops_graph_free(g);
  char path[256];
  snprintf(path, sizeof path, "%s/00-input.json", dir);
  assert_int_equal(access(path, R_OK), 0);
  snprintf(path, sizeof path, "%s/02-fuse.json", dir); /* after 01-bn */
  struct ops_graph *re = NULL;
  if (ops_load_model(path, &re, &d) != OPS_OK) fail_msg("reload: %s", d.msg);
  const struct ops_node *n = only_node(re, "Conv");
  assert_int_equal(n->fused.act, OPS_FUSED_ACT_RELU);
  assert_string_equal(n->fused.absorbed, "Conv+BatchNormalization+Relu");
  size_t count;
  float *y = run(re, OPSCOPE_UNIT_SCALAR, &count);
  free(y);
  ops_graph_free(re);
  /* A dump directory that is a file is an I/O error naming it. */
  g = build(g_conv_relu);
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_passes_run(g, 3, path, NULL, &d), OPS_ERR_IO);
  OPS_ASSERT_CONTAINS(d.msg, "not a directory");
  ops_graph_free(g);
  remove_dumps(dir, (const char *[]){"00-input", "01-bn", "02-fuse", NULL});
  /* A fused MaxPool reloads with its window, and runs as the unfused graph does. */
  pool_shape = (struct pool_graph){.act = "Relu"};
  g = build(g_conv_pool);
  ops_diag_init(&d, NULL);
  if (ops_passes_run(g, 3, dir, NULL, &d) != OPS_OK) fail_msg("%s", d.msg);
  ops_graph_free(g);
  snprintf(path, sizeof path, "%s/01-fuse.json", dir);
  if (ops_load_model(path, &re, &d) != OPS_OK) fail_msg("reload: %s", d.msg);
  n = only_node(re, "Conv");
  assert_string_equal(n->fused.absorbed, "Conv+Relu+MaxPool");
  assert_true(n->fused.pool.on && n->fused.pool.ceil_mode);
  assert_int_equal(n->fused.pool.kernel[1], 3);
  struct ops_graph *ref = build(g_conv_pool);
  size_t n_ref;
  float *want = run(ref, OPSCOPE_UNIT_SCALAR, &n_ref);
  y = run(re, OPSCOPE_UNIT_SCALAR, &count);
  assert_int_equal(count, n_ref);
  assert_memory_equal(y, want, count * sizeof *y);
  free(y);
  free(want);
  ops_graph_free(ref);
  ops_graph_free(re);
  remove_dumps(dir, (const char *[]){"00-input", "01-fuse", NULL});
  assert_int_equal(rmdir(dir), 0);
}

/* A JSON IR file may claim a fused activation on any node: the binder refuses what no kernel
 * applies, naming the node. */
static void test_fused_on_wrong_op_refused(void **state) {
  (void)state;
  struct ops_graph *g = build(g_common);
  g->nodes[2].fused.act = OPS_FUSED_ACT_RELU;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_plan *plan = NULL;
  struct ops_exec *exec = NULL;
  assert_int_equal(ops_plan_new(g, OPSCOPE_UNIT_SCALAR, &plan, &d), OPS_OK);
  assert_int_equal(ops_exec_new(plan, &exec, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "'add'");
  OPS_ASSERT_CONTAINS(d.msg, "fused relu");
  ops_plan_free(plan);
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fuse_relu),
      cmocka_unit_test(test_fuse_clip_after_fold),
      cmocka_unit_test(test_fuse_silu),
      cmocka_unit_test(test_fuse_hardswish),
      cmocka_unit_test(test_fuse_max_pool),
      cmocka_unit_test(test_max_pool_not_fused),
      cmocka_unit_test(test_gelu_patterns),
      cmocka_unit_test(test_layernorm_pattern),
      cmocka_unit_test(test_fuse_gelu_into_gemm),
      cmocka_unit_test(test_bn_fold),
      cmocka_unit_test(test_matmul_add_as_gemm),
      cmocka_unit_test(test_noops_removed),
      cmocka_unit_test(test_dce),
      cmocka_unit_test(test_cse),
      cmocka_unit_test(test_fold_with_kernel),
      cmocka_unit_test(test_levels),
      cmocka_unit_test(test_dump_reloads),
      cmocka_unit_test(test_fused_on_wrong_op_refused),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
