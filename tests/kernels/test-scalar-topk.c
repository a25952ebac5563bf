/*
 * Tests of TopK (compiler/bind-scalar-topk.c, kernels/scalar/topk.c) on hand-built graphs:
 * ties keep the lower index first, smallest, a middle axis given as a negative number, NaN
 * ordering, k = 0 and k = n, the opset-1 attribute form, i64 values; refusals that name the
 * node: k larger than the axis, a K that is not a constant, an axis out of range.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "test-util.h"

#include "bind-run.h"
#include "graph-builder.h"
#include "src/graph.h"

/* TopK of an f32 X of dims xd, k, axis, largest -> Values/Indices of dims yd. */
static struct ops_graph *topk_graph(enum ops_dtype dtype, int rx, const int64_t *xd, int64_t k,
                                    int64_t axis, int64_t largest, int ry, const int64_t *yd) {
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", dtype, rx, xd, NULL, 0);
  int kt = tensor(g, "K", OPS_DTYPE_I64, DIMS(1), &k, sizeof k);
  int v = tensor(g, "V", dtype, ry, yd, NULL, 0);
  int i = tensor(g, "I", OPS_DTYPE_I64, ry, yd, NULL, 0);
  struct ops_node *n = node(g, "tk", "TopK", IO(x, kt), IO(v, i));
  attr_int(n, "axis", axis);
  attr_int(n, "largest", largest);
  return g;
}

static void test_ties_and_order(void **state) {
  (void)state;
  float x[6] = {1, 3, 3, 2, 3, 0};
  float v[4];
  int64_t idx[4];
  struct ops_graph *g = topk_graph(OPS_DTYPE_F32, DIMS(6), 4, 0, 1, DIMS(4));
  assert_int_equal(br_run(g, (const void *[]){x, NULL}, (void *[]){v, idx}), OPS_KRESULT_OK);
  const int64_t want_i[4] = {1, 2, 4, 3};
  for (int r = 0; r < 4; r++) {
    assert_int_equal(idx[r], want_i[r]);
    OPS_ASSERT_NEAR(v[r], x[want_i[r]], 0);
  }
  ops_graph_free(g);

  /* Smallest: 0 then 1, then the first 2. */
  g = topk_graph(OPS_DTYPE_F32, DIMS(6), 3, -1, 0, DIMS(3));
  assert_int_equal(br_run(g, (const void *[]){x, NULL}, (void *[]){v, idx}), OPS_KRESULT_OK);
  assert_int_equal(idx[0], 5);
  assert_int_equal(idx[1], 0);
  assert_int_equal(idx[2], 3);
  ops_graph_free(g);
}

/* Axis 1 of [2, 3, 2] (given as -2): each (a, c) column is ranked on its own. */
static void test_middle_axis(void **state) {
  (void)state;
  float x[12];
  for (int i = 0; i < 12; i++)
    x[i] = (float)((i * 5) % 7);
  float v[8];
  int64_t idx[8];
  struct ops_graph *g = topk_graph(OPS_DTYPE_F32, DIMS(2, 3, 2), 2, -2, 1, DIMS(2, 2, 2));
  assert_int_equal(br_run(g, (const void *[]){x, NULL}, (void *[]){v, idx}), OPS_KRESULT_OK);
  for (int a = 0; a < 2; a++)
    for (int c = 0; c < 2; c++) {
      /* Reference: pick the best twice, lowest index on ties. */
      bool used[3] = {false, false, false};
      for (int r = 0; r < 2; r++) {
        int best = -1;
        for (int j = 0; j < 3; j++) {
          if (used[j]) continue;
          if (best < 0 || x[(a * 3 + j) * 2 + c] > x[(a * 3 + best) * 2 + c]) best = j;
        }
        used[best] = true;
        assert_int_equal(idx[(a * 2 + r) * 2 + c], best);
        OPS_ASSERT_NEAR(v[(a * 2 + r) * 2 + c], x[(a * 3 + best) * 2 + c], 0);
      }
    }
  ops_graph_free(g);
}

/* NaN ranks above every number: first for largest, last for smallest. k = n and k = 0. */
static void test_nan_and_k_edges(void **state) {
  (void)state;
  float x[3] = {1, NAN, 2};
  float v[3];
  int64_t idx[3];
  struct ops_graph *g = topk_graph(OPS_DTYPE_F32, DIMS(3), 3, 0, 1, DIMS(3));
  assert_int_equal(br_run(g, (const void *[]){x, NULL}, (void *[]){v, idx}), OPS_KRESULT_OK);
  assert_int_equal(idx[0], 1);
  assert_true(isnan(v[0]));
  assert_int_equal(idx[1], 2);
  assert_int_equal(idx[2], 0);
  ops_graph_free(g);
  g = topk_graph(OPS_DTYPE_F32, DIMS(3), 3, 0, 0, DIMS(3));
  assert_int_equal(br_run(g, (const void *[]){x, NULL}, (void *[]){v, idx}), OPS_KRESULT_OK);
  assert_int_equal(idx[0], 0);
  assert_int_equal(idx[2], 1);
  ops_graph_free(g);
  g = topk_graph(OPS_DTYPE_F32, DIMS(3), 0, 0, 1, DIMS(0));
  assert_int_equal(br_run(g, (const void *[]){x, NULL}, (void *[]){v, idx}), OPS_KRESULT_OK);
  ops_graph_free(g);
}

/* i64 values beyond double's 53 bits compare exactly. */
static void test_int64(void **state) {
  (void)state;
  int64_t x[3] = {INT64_MAX - 1, INT64_MAX, INT64_MAX - 2};
  int64_t v[2], idx[2];
  struct ops_graph *g = topk_graph(OPS_DTYPE_I64, DIMS(3), 2, 0, 1, DIMS(2));
  assert_int_equal(br_run(g, (const void *[]){x, NULL}, (void *[]){v, idx}), OPS_KRESULT_OK);
  assert_int_equal(idx[0], 1);
  assert_int_equal(idx[1], 0);
  assert_true(v[0] == INT64_MAX);
  ops_graph_free(g);
}

/* Opset 1: k is an attribute and there is no K input. */
static void test_opset1_attribute(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 1;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(4), NULL, 0);
  int v = tensor(g, "V", OPS_DTYPE_F32, DIMS(2), NULL, 0);
  int i = tensor(g, "I", OPS_DTYPE_I64, DIMS(2), NULL, 0);
  attr_int(node(g, "tk", "TopK", IO(x), IO(v, i)), "k", 2);
  float xs[4] = {0, 4, 1, 5}, vs[2];
  int64_t is[2];
  assert_int_equal(br_run(g, (const void *[]){xs}, (void *[]){vs, is}), OPS_KRESULT_OK);
  assert_int_equal(is[0], 3);
  assert_int_equal(is[1], 1);
  ops_graph_free(g);
}

static void expect_refusal(struct ops_graph *g, enum ops_status want, const char *msg) {
  struct ops_binding b;
  struct ops_diag d;
  assert_int_equal(br_bind(g, &b, &d), want);
  OPS_ASSERT_CONTAINS(d.msg, msg);
  ops_graph_free(g);
}

static void test_refusals(void **state) {
  (void)state;
  expect_refusal(topk_graph(OPS_DTYPE_F32, DIMS(3), 4, 0, 1, DIMS(4)), OPS_ERR_BAD_INPUT,
                 "node 'tk' (TopK): k 4 is outside [0, 3], the size of axis 0");
  expect_refusal(topk_graph(OPS_DTYPE_F32, DIMS(3), 1, 1, 1, DIMS(1)), OPS_ERR_BAD_INPUT,
                 "node 'tk' (TopK): axis 1 is out of range for rank 1");
  struct ops_graph *g = topk_graph(OPS_DTYPE_F32, DIMS(3), 1, 0, 1, DIMS(1));
  ops_tensor_clear_data(&g->tensors[1]);
  expect_refusal(g, OPS_ERR_UNSUPPORTED, "K 'K' is not a constant");
  /* Values of the wrong size. */
  expect_refusal(topk_graph(OPS_DTYPE_F32, DIMS(3), 2, 0, 1, DIMS(3)), OPS_ERR_BAD_INPUT,
                 "output 'V' has shape [3], expected [2]");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ties_and_order),   cmocka_unit_test(test_middle_axis),
      cmocka_unit_test(test_nan_and_k_edges),  cmocka_unit_test(test_int64),
      cmocka_unit_test(test_opset1_attribute), cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
