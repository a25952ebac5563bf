/*
 * The GEMM variant a Gemm, MatMul or Conv node binds on the simd and threads units
 * (compiler/bind-simd.c, ops_kconfig_f32_gemm_for_rows) is the one the plan names as its
 * microkernel (planner/place.c), for shapes whose rows pick a sibling of the process's variant
 * (16 output channels: 8x32 under AVX-512) and shapes that keep it, in both Conv orientations.
 */
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "compiler/bind.h"
#include "graph-builder.h"
#include "kernels/kconfig.h"
#include "kernels/params-simd.h"
#include "planner/cost-model.h"
#include "planner/plan.h"
#include "src/graph.h"

static float *zeros(size_t n) {
  float *p = calloc(n, sizeof *p);
  assert_non_null(p);
  return p;
}

/* Places and binds the graph's last node on `unit`; checks that the plan's microkernel is the
 * bound variant's, and returns that variant. */
static const struct ops_kconfig_gemm *bound_variant(const struct ops_graph *g, int unit) {
  const struct ops_node *n = &g->nodes[g->n_nodes - 1];
  struct ops_cost_model model;
  ops_cost_model_current(&model, "test", "test");
  struct ops_plan_node pn;
  memset(&pn, 0, sizeof pn);
  ops_place_node(g, n, unit, &model, &pn);
  assert_int_equal(pn.assigned, unit);
  struct ops_binding b;
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  if (ops_bind_simd(g, n, unit, &b, &d) != OPS_OK) fail_msg("bind failed: %s", d.msg);
  const struct ops_kconfig_gemm *cfg = n->op == OPS_OP_CONV
                                           ? ((const struct ops_simd_conv_params *)b.params)->cfg
                                           : ((const struct ops_simd_gemm_params *)b.params)->cfg;
  ops_binding_done(&b);
  assert_non_null(pn.ukernel);
  print_message("%s: %s\n", n->name, cfg->name);
  assert_string_equal(pn.ukernel, cfg->name);
  return cfg;
}

/* Conv of constant weights [cout, cin, 3, 3], pads 1, on an hw x hw image. */
static struct ops_graph *conv_graph(int64_t cout, int64_t cin, int64_t hw) {
  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  size_t wn = (size_t)(cout * cin * 9);
  float *w = zeros(wn);
  int x = tensor(g, "x", OPS_DTYPE_F32, DIMS(1, cin, hw, hw), NULL, 0);
  int wt = tensor(g, "w", OPS_DTYPE_F32, DIMS(cout, cin, 3, 3), w, wn * sizeof *w);
  int y = tensor(g, "y", OPS_DTYPE_F32, DIMS(1, cout, hw, hw), NULL, 0);
  struct ops_node *n = node(g, "conv", "Conv", IO(x, wt), IO(y));
  attr_ints(n, "kernel_shape", INTS(3, 3));
  attr_ints(n, "pads", INTS(1, 1, 1, 1));
  free(w);
  return g;
}

/* Gemm of A [m, k] and constant B [k, n]. */
static struct ops_graph *gemm_graph(int64_t m, int64_t k, int64_t nn) {
  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  float *b = zeros((size_t)(k * nn));
  int a = tensor(g, "a", OPS_DTYPE_F32, DIMS(m, k), NULL, 0);
  int bt = tensor(g, "b", OPS_DTYPE_F32, DIMS(k, nn), b, (size_t)(k * nn) * sizeof *b);
  int y = tensor(g, "y", OPS_DTYPE_F32, DIMS(m, nn), NULL, 0);
  node(g, "gemm", "Gemm", IO(a, bt), IO(y));
  free(b);
  return g;
}

/* MatMul of A [2, m, k] and B [k, n], both activations. */
static struct ops_graph *matmul_graph(int64_t m, int64_t k, int64_t nn) {
  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  int a = tensor(g, "a", OPS_DTYPE_F32, DIMS(2, m, k), NULL, 0);
  int b = tensor(g, "b", OPS_DTYPE_F32, DIMS(k, nn), NULL, 0);
  int y = tensor(g, "y", OPS_DTYPE_F32, DIMS(2, m, nn), NULL, 0);
  node(g, "matmul", "MatMul", IO(a, b), IO(y));
  return g;
}

static void check_graph(struct ops_graph *g, size_t rows) {
  for (int unit = OPSCOPE_UNIT_SIMD; unit <= OPSCOPE_UNIT_THREADS; unit++) {
    const struct ops_kconfig_gemm *cfg = bound_variant(g, unit);
    assert_ptr_equal(cfg, ops_kconfig_f32_gemm_for_rows(rows));
  }
  ops_graph_free(g);
}

static void test_conv_plain(void **state) {
  (void)state;
  /* 16 output channels over 56x56 pixels: the tiles run down the channels. */
  check_graph(conv_graph(16, 64, 56), 16);
  check_graph(conv_graph(112, 64, 56), 112);
}

static void test_conv_transposed(void **state) {
  (void)state;
  /* 64 channels over 9x9 pixels runs transposed (ops_f32_gemm_prefer_transposed): the tiles
   * run down the 81 pixels. */
  check_graph(conv_graph(64, 32, 9), 81);
}

static void test_gemm_and_matmul(void **state) {
  (void)state;
  check_graph(gemm_graph(16, 256, 300), 16);
  check_graph(gemm_graph(21, 256, 300), 21);
  check_graph(matmul_graph(16, 128, 200), 16);
  check_graph(matmul_graph(1, 1024, 2048), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conv_plain),
      cmocka_unit_test(test_conv_transposed),
      cmocka_unit_test(test_gemm_and_matmul),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
