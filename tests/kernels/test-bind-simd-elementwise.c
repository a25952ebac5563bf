/*
 * The simd binder of the element-wise, Softmax and reduction kernels
 * (compiler/bind-simd-elementwise.c) together with its driver, on hand-built graphs: every
 * broadcast pattern (equal shapes, a scalar on either side, per-row and per-channel operands,
 * both operands broadcasting, dims of 1 in between) must give exactly the scalar kernel's
 * bits; Softmax and the reductions must agree within rounding; and what the caps refuse
 * (planner/simd-caps-elementwise.c) the binder refuses with the same text.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "compiler/bind.h"
#include "graph-builder.h"
#include "kernel-tester.h"
#include "planner/simd-caps.h"
#include "src/graph.h"

/* Binds the graph's last node to `unit` (which must succeed) and runs it on in[] into y. */
static void bind_run(const struct ops_graph *g, int unit, const float *const *in, float *y) {
  const struct ops_node *n = &g->nodes[g->n_nodes - 1];
  struct ops_binding b;
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  enum ops_status st = unit == OPSCOPE_UNIT_SCALAR ? ops_bind_scalar(g, n, &b, &d)
                                                   : ops_bind_simd(g, n, unit, &b, &d);
  if (st != OPS_OK) fail_msg("bind failed: %s", d.msg);
  struct kt k;
  kt_init(&k);
  for (int i = 0; i < n->n_inputs; i++) {
    const struct ops_tensor *t = ops_node_input(g, n, i);
    kt_in(&k, in[i] != NULL ? (const void *)in[i] : t->data, (int)t->dtype,
          kt_dims_of(t->shape.rank, t->shape.dims));
  }
  const struct ops_tensor *yt = &g->tensors[n->outputs[0]];
  kt_out(&k, y, (int)yt->dtype, kt_dims_of(yt->shape.rank, yt->shape.dims));
  assert_int_equal(kt_run(&k, b.kernel->fn, b.params), OPS_KRESULT_OK);
  ops_binding_done(&b);
}

static int64_t numel(int rank, const int64_t *d) {
  int64_t n = 1;
  for (int i = 0; i < rank; i++)
    n *= d[i];
  return n;
}

static float *random_floats(int64_t n, uint32_t seed) {
  float *p = malloc((size_t)(n > 0 ? n : 1) * sizeof *p);
  assert_non_null(p);
  kt_fill(p, n, seed);
  return p;
}

/* Compares simd with scalar on the graph's last node: bit for bit when tol is 0. */
static void compare_units(const struct ops_graph *g, const float *const *in, int64_t ny,
                          double tol) {
  float *want = random_floats(ny, 1), *got = random_floats(ny, 2);
  bind_run(g, OPSCOPE_UNIT_SCALAR, in, want);
  bind_run(g, OPSCOPE_UNIT_SIMD, in, got);
  for (int64_t i = 0; i < ny; i++) {
    bool ok = tol == 0.0 ? memcmp(&got[i], &want[i], sizeof got[i]) == 0 ||
                               (got[i] != got[i] && want[i] != want[i])
                         : (got[i] != got[i] && want[i] != want[i]) || got[i] == want[i] ||
                               fabs((double)got[i] - want[i]) <= tol * (1.0 + fabs(want[i]));
    if (!ok) {
      fail_msg("%s at %lld: simd %a, scalar %a", g->nodes[g->n_nodes - 1].op_type, (long long)i,
               got[i], want[i]);
    }
  }
  free(want);
  free(got);
}

static void check_binary(const char *op, int ra, const int64_t *da, int rb, const int64_t *db,
                         int ry, const int64_t *dy) {
  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  g->opset = 13;
  int a = tensor(g, "a", OPS_DTYPE_F32, ra, da, NULL, 0);
  int b = tensor(g, "b", OPS_DTYPE_F32, rb, db, NULL, 0);
  int y = tensor(g, "y", OPS_DTYPE_F32, ry, dy, NULL, 0);
  node(g, "n", op, IO(a, b), IO(y));
  float *pa = random_floats(numel(ra, da), 3), *pb = random_floats(numel(rb, db), 4);
  /* Zeros and NaN among the operands, for Div and Max/Min. */
  if (numel(rb, db) > 2) {
    pb[1] = 0.0f;
    pb[2] = NAN;
  }
  const float *in[2] = {pa, pb};
  compare_units(g, in, numel(ry, dy), 0.0);
  free(pa);
  free(pb);
  ops_graph_free(g);
}

static void test_binary_broadcasts(void **state) {
  (void)state;
  static const char *ops[] = {"Add", "Sub", "Mul", "Div", "Max", "Min"};
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
    const char *op = ops[i];
    check_binary(op, DIMS(2, 3, 37), DIMS(2, 3, 37), DIMS(2, 3, 37));    /* equal */
    check_binary(op, DIMS(2, 3, 37), 0, NULL, DIMS(2, 3, 37));           /* b scalar */
    check_binary(op, DIMS(1), DIMS(5, 41), DIMS(5, 41));                 /* a [1] */
    check_binary(op, DIMS(1, 16, 33), DIMS(33), DIMS(1, 16, 33));        /* per row */
    check_binary(op, DIMS(2, 7, 5, 5), DIMS(7, 1, 1), DIMS(2, 7, 5, 5)); /* per channel */
    check_binary(op, DIMS(16, 1), DIMS(1, 19), DIMS(16, 19));            /* outer product */
    check_binary(op, DIMS(3, 1, 4, 1, 6), DIMS(5, 1, 1, 6), DIMS(3, 5, 4, 1, 6));
    check_binary(op, DIMS(1, 128, 1), DIMS(1, 128, 128), DIMS(1, 128, 128)); /* x - mean */
    check_binary(op, DIMS(0, 4), DIMS(4), DIMS(0, 4));                       /* empty */
  }
}

static struct ops_graph *unary_graph(const char *op, int rank, const int64_t *d) {
  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  g->opset = 13;
  int x = tensor(g, "x", OPS_DTYPE_F32, rank, d, NULL, 0);
  int y = tensor(g, "y", OPS_DTYPE_F32, rank, d, NULL, 0);
  node(g, "n", op, IO(x), IO(y));
  return g;
}

static void test_unary_ops(void **state) {
  (void)state;
  static const char *exact[] = {"Relu", "LeakyRelu",   "Neg",       "Abs",
                                "Sqrt", "HardSigmoid", "HardSwish", "Clip"};
  static const char *approx[] = {"Exp", "Sigmoid", "Tanh", "Erf", "Gelu"};
  float *x = random_floats(3 * 1001, 5);
  x[3] = NAN;
  x[4] = -0.0f;
  x[5] = INFINITY;
  const float *in[1] = {x};
  for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
    struct ops_graph *g = unary_graph(exact[i], DIMS(3, 1001));
    compare_units(g, in, 3 * 1001, 0.0);
    ops_graph_free(g);
  }
  for (size_t i = 0; i < sizeof approx / sizeof approx[0]; i++) {
    struct ops_graph *g = unary_graph(approx[i], DIMS(3, 1001));
    compare_units(g, in, 3 * 1001, 1e-6);
    ops_graph_free(g);
  }
  struct ops_graph *g = unary_graph("Gelu", DIMS(3, 1001));
  g->opset = 20;
  attr_string(&g->nodes[0], "approximate", "tanh");
  compare_units(g, in, 3 * 1001, 1e-6);
  ops_graph_free(g);
  free(x);
}

/* Clip with constant bounds as inputs (opset 11+), and Pow with exponents 2 and 0.5. */
static void test_clip_pow(void **state) {
  (void)state;
  float *x = random_floats(500, 6);
  x[0] = -0.0f;
  x[1] = -INFINITY;
  x[2] = NAN;
  const float *in[3] = {x, NULL, NULL};
  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  g->opset = 13;
  float lo = -0.25f, hi = 0.75f;
  int t = tensor(g, "x", OPS_DTYPE_F32, DIMS(500), NULL, 0);
  int tl = tensor(g, "lo", OPS_DTYPE_F32, 0, NULL, &lo, sizeof lo);
  int th = tensor(g, "hi", OPS_DTYPE_F32, 0, NULL, &hi, sizeof hi);
  int ty = tensor(g, "y", OPS_DTYPE_F32, DIMS(500), NULL, 0);
  node(g, "n", "Clip", IO(t, tl, th), IO(ty));
  compare_units(g, in, 500, 0.0);
  ops_graph_free(g);
  static const float exps[] = {2.0f, 0.5f};
  for (size_t i = 0; i < 2; i++) {
    g = ops_graph_new();
    assert_non_null(g);
    g->opset = 13;
    t = tensor(g, "x", OPS_DTYPE_F32, DIMS(500), NULL, 0);
    int te = tensor(g, "e", OPS_DTYPE_F32, 0, NULL, &exps[i], sizeof exps[i]);
    ty = tensor(g, "y", OPS_DTYPE_F32, DIMS(500), NULL, 0);
    node(g, "n", "Pow", IO(t, te), IO(ty));
    compare_units(g, in, 500, 0.0);
    ops_graph_free(g);
  }
  free(x);
}

static void test_softmax_reduce(void **state) {
  (void)state;
  float *x = random_floats(4 * 6 * 129, 7);
  const float *in[2] = {x, NULL};
  static const char *sm[] = {"Softmax", "LogSoftmax"};
  for (size_t i = 0; i < 2; i++) {
    for (int64_t opset = 11; opset <= 13; opset += 2) {
      struct ops_graph *g = unary_graph(sm[i], DIMS(4, 6, 129));
      g->opset = opset;
      /* Opset 11's default axis 1 normalizes rows of 6 * 129; 13's -1 rows of 129. */
      compare_units(g, in, 4 * 6 * 129, 1e-6);
      ops_graph_free(g);
    }
  }
  static const char *red[] = {"ReduceSum", "ReduceMean"};
  for (size_t i = 0; i < 2; i++) {
    for (int keep = 0; keep <= 1; keep++) {
      struct ops_graph *g = ops_graph_new();
      assert_non_null(g);
      g->opset = 13;
      int tx = tensor(g, "x", OPS_DTYPE_F32, DIMS(4, 6, 129), NULL, 0);
      int ty = keep ? tensor(g, "y", OPS_DTYPE_F32, DIMS(4, 1, 1), NULL, 0)
                    : tensor(g, "y", OPS_DTYPE_F32, DIMS(4), NULL, 0);
      struct ops_node *n;
      if (i == 0) {
        int64_t axes[2] = {-1, 1};
        int ta = tensor(g, "axes", OPS_DTYPE_I64, DIMS(2), axes, sizeof axes);
        n = node(g, "n", red[i], IO(tx, ta), IO(ty));
      } else {
        n = node(g, "n", red[i], IO(tx), IO(ty));
        attr_ints(n, "axes", 2, (const int64_t[]){1, 2});
      }
      attr_int(n, "keepdims", keep);
      compare_units(g, in, 4, 1e-5);
      ops_graph_free(g);
    }
  }
  free(x);
}

/* LayerNormalization over the last axis and over the last two, with and without B, and with
 * its Mean and InvStdDev outputs. */
static void test_layer_norm(void **state) {
  (void)state;
  float *x = random_floats(4 * 6 * 129, 8), *sc = random_floats(6 * 129, 9),
        *bi = random_floats(6 * 129, 10);
  for (int axis = 1; axis <= 2; axis++) {
    for (int with_b = 0; with_b <= 1; with_b++) {
      struct ops_graph *g = ops_graph_new();
      assert_non_null(g);
      g->opset = 17;
      int64_t len = axis == 2 ? 129 : 6 * 129;
      int tx = tensor(g, "x", OPS_DTYPE_F32, DIMS(4, 6, 129), NULL, 0);
      int ts = axis == 2 ? tensor(g, "s", OPS_DTYPE_F32, DIMS(129), sc, 129 * sizeof(float))
                         : tensor(g, "s", OPS_DTYPE_F32, DIMS(6, 129), sc, (size_t)len * 4);
      int tb = axis == 2 ? tensor(g, "b", OPS_DTYPE_F32, DIMS(129), bi, 129 * sizeof(float))
                         : tensor(g, "b", OPS_DTYPE_F32, DIMS(6, 129), bi, (size_t)len * 4);
      int ty = tensor(g, "y", OPS_DTYPE_F32, DIMS(4, 6, 129), NULL, 0);
      struct ops_node *n = with_b ? node(g, "n", "LayerNormalization", IO(tx, ts, tb), IO(ty))
                                  : node(g, "n", "LayerNormalization", IO(tx, ts), IO(ty));
      attr_int(n, "axis", axis);
      const float *in[3] = {x, NULL, NULL};
      compare_units(g, in, 4 * 6 * 129, 1e-5);
      ops_graph_free(g);
    }
  }
  free(x);
  free(sc);
  free(bi);
}

/* What caps refuse, the binder refuses with the same text. */
static void test_refusals(void **state) {
  (void)state;
  struct ops_graph *g = unary_graph("Softmax", DIMS(4, 6, 129));
  struct ops_node *n = &g->nodes[0];
  attr_int(n, "axis", 1);
  char text[256];
  assert_false(ops_simd_caps_accept(g, n, text, sizeof text));
  OPS_ASSERT_CONTAINS(text, "not the last");
  struct ops_binding b;
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  assert_int_equal(ops_bind_simd(g, n, OPSCOPE_UNIT_SIMD, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, text);
  ops_graph_free(g);

  g = ops_graph_new();
  assert_non_null(g);
  g->opset = 13;
  float three = 3.0f;
  int t = tensor(g, "x", OPS_DTYPE_F32, DIMS(8), NULL, 0);
  int te = tensor(g, "e", OPS_DTYPE_F32, 0, NULL, &three, sizeof three);
  int ty = tensor(g, "y", OPS_DTYPE_F32, DIMS(8), NULL, 0);
  n = node(g, "n", "Pow", IO(t, te), IO(ty));
  assert_false(ops_simd_caps_accept(g, n, text, sizeof text));
  OPS_ASSERT_CONTAINS(text, "exponent 3");
  ops_diag_init(&d, "m.onnx");
  assert_int_equal(ops_bind_simd(g, n, OPSCOPE_UNIT_SIMD, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "exponent 3");
  ops_graph_free(g);

  g = ops_graph_new();
  assert_non_null(g);
  g->opset = 13;
  t = tensor(g, "x", OPS_DTYPE_F32, DIMS(4, 6), NULL, 0);
  ty = tensor(g, "y", OPS_DTYPE_F32, DIMS(6), NULL, 0);
  n = node(g, "n", "ReduceMean", IO(t), IO(ty));
  attr_ints(n, "axes", 1, (const int64_t[]){0});
  attr_int(n, "keepdims", 0);
  assert_false(ops_simd_caps_accept(g, n, text, sizeof text));
  OPS_ASSERT_CONTAINS(text, "trailing");
  ops_diag_init(&d, "m.onnx");
  assert_int_equal(ops_bind_simd(g, n, OPSCOPE_UNIT_SIMD, &b, &d), OPS_ERR_UNSUPPORTED);
  ops_graph_free(g);

  g = ops_graph_new();
  assert_non_null(g);
  g->opset = 17;
  float one = 1.0f;
  t = tensor(g, "x", OPS_DTYPE_F32, DIMS(4, 6), NULL, 0);
  int ts = tensor(g, "s", OPS_DTYPE_F32, DIMS(1), &one, sizeof one);
  ty = tensor(g, "y", OPS_DTYPE_F32, DIMS(4, 6), NULL, 0);
  n = node(g, "n", "LayerNormalization", IO(t, ts), IO(ty));
  assert_false(ops_simd_caps_accept(g, n, text, sizeof text));
  OPS_ASSERT_CONTAINS(text, "Scale that broadcasts");
  ops_diag_init(&d, "m.onnx");
  assert_int_equal(ops_bind_simd(g, n, OPSCOPE_UNIT_SIMD, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "Scale that broadcasts");
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_binary_broadcasts), cmocka_unit_test(test_unary_ops),
      cmocka_unit_test(test_clip_pow),          cmocka_unit_test(test_softmax_reduce),
      cmocka_unit_test(test_layer_norm),        cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
