/*
 * Tests of Einsum (src/shape-infer-einsum.c's parser, compiler/bind-scalar-einsum.c,
 * kernels/scalar/einsum.c) on hand-built graphs, against plain loops: batch matmul with spaces,
 * implicit outputs (inner product, matmul, transpose order), a trace, a diagonal, broadcast
 * ellipses, an ellipsis summed away, an empty summed dim, integers; and refusals that name the
 * node: an unknown character, too few terms, clashing sizes, an output letter no input has.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "bind-run.h"
#include "graph-builder.h"
#include "src/graph.h"

/* One- and two-operand f64 graphs: operands A [ra dims], B [rb dims] -> Y [ry dims]. */
static struct ops_graph *eq_graph(const char *eq, int ra, const int64_t *da, int rb,
                                  const int64_t *db, int ry, const int64_t *dy) {
  struct ops_graph *g = ops_graph_new();
  int a = tensor(g, "A", OPS_DTYPE_F64, ra, da, NULL, 0);
  int b = rb >= 0 ? tensor(g, "B", OPS_DTYPE_F64, rb, db, NULL, 0) : -1;
  int y = tensor(g, "Y", OPS_DTYPE_F64, ry, dy, NULL, 0);
  struct ops_node *n =
      rb >= 0 ? node(g, "es", "Einsum", IO(a, b), IO(y)) : node(g, "es", "Einsum", IO(a), IO(y));
  attr_string(n, "equation", eq);
  return g;
}

static struct ops_graph *unary_graph(const char *eq, int ra, const int64_t *da, int ry,
                                     const int64_t *dy) {
  struct ops_graph *g = ops_graph_new();
  int a = tensor(g, "A", OPS_DTYPE_F64, ra, da, NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F64, ry, dy, NULL, 0);
  attr_string(node(g, "es", "Einsum", IO(a), IO(y)), "equation", eq);
  return g;
}

static void fill(double *p, int n, int seed) {
  for (int i = 0; i < n; i++)
    p[i] = (double)((i * 7 + seed * 3) % 11) - 5.0;
}

static void test_batch_matmul(void **state) {
  (void)state;
  struct ops_graph *g = eq_graph(" bij , bjk -> bik", DIMS(2, 3, 4), DIMS(2, 4, 5), DIMS(2, 3, 5));
  double a[24], b[40], y[30];
  fill(a, 24, 1);
  fill(b, 40, 2);
  assert_int_equal(br_run(g, (const void *[]){a, b}, (void *[]){y}), OPS_KRESULT_OK);
  for (int bb = 0; bb < 2; bb++)
    for (int i = 0; i < 3; i++)
      for (int k = 0; k < 5; k++) {
        double want = 0;
        for (int j = 0; j < 4; j++)
          want += a[(bb * 3 + i) * 4 + j] * b[(bb * 4 + j) * 5 + k];
        OPS_ASSERT_NEAR(y[(bb * 3 + i) * 5 + k], want, 1e-12);
      }
  ops_graph_free(g);
}

/* Implicit outputs: "ij,jk" is a matmul to [i, k]; "ji" is transposed to alphabetical [i, j];
 * "i,i" is a scalar. */
static void test_implicit(void **state) {
  (void)state;
  double a[6], b[12], y[8];
  fill(a, 6, 3);
  fill(b, 12, 4);
  struct ops_graph *g = eq_graph("ij,jk", DIMS(2, 3), DIMS(3, 4), DIMS(2, 4));
  assert_int_equal(br_run(g, (const void *[]){a, b}, (void *[]){y}), OPS_KRESULT_OK);
  for (int i = 0; i < 2; i++)
    for (int k = 0; k < 4; k++) {
      double want = 0;
      for (int j = 0; j < 3; j++)
        want += a[i * 3 + j] * b[j * 4 + k];
      OPS_ASSERT_NEAR(y[i * 4 + k], want, 1e-12);
    }
  ops_graph_free(g);

  g = unary_graph("ji", DIMS(2, 3), DIMS(3, 2));
  assert_int_equal(br_run(g, (const void *[]){a}, (void *[]){y}), OPS_KRESULT_OK);
  for (int j = 0; j < 2; j++)
    for (int i = 0; i < 3; i++)
      OPS_ASSERT_NEAR(y[i * 2 + j], a[j * 3 + i], 0);
  ops_graph_free(g);

  g = eq_graph("i,i", DIMS(3), DIMS(3), 0, NULL);
  assert_int_equal(br_run(g, (const void *[]){a, a + 3}, (void *[]){y}), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], a[0] * a[3] + a[1] * a[4] + a[2] * a[5], 1e-12);
  ops_graph_free(g);
}

/* A repeated letter reads the diagonal: "ii" is the trace, "...ii->...i" a batch diagonal. */
static void test_diagonal(void **state) {
  (void)state;
  double a[2 * 3 * 3], y[6];
  fill(a, 18, 5);
  struct ops_graph *g = unary_graph("ii", DIMS(3, 3), 0, NULL);
  assert_int_equal(br_run(g, (const void *[]){a}, (void *[]){y}), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(y[0], a[0] + a[4] + a[8], 1e-12);
  ops_graph_free(g);

  g = unary_graph("...ii ->...i", DIMS(2, 3, 3), DIMS(2, 3));
  assert_int_equal(br_run(g, (const void *[]){a}, (void *[]){y}), OPS_KRESULT_OK);
  for (int b = 0; b < 2; b++)
    for (int i = 0; i < 3; i++)
      OPS_ASSERT_NEAR(y[b * 3 + i], a[b * 9 + i * 4], 0);
  ops_graph_free(g);
}

/* Ellipses broadcast (a size-1 dim against 4) and, missing from an explicit output, are
 * summed. */
static void test_ellipsis(void **state) {
  (void)state;
  double a[1 * 2 * 3], b[4 * 3], y[8];
  fill(a, 6, 6);
  fill(b, 12, 7);
  /* A [1, 2, 3] "...ij", B [4, 3] "...j": the ellipses are [1] and [4], broadcast to [4]. */
  struct ops_graph *g = eq_graph("...ij,...j->...i", DIMS(1, 2, 3), DIMS(4, 3), DIMS(4, 2));
  assert_int_equal(br_run(g, (const void *[]){a, b}, (void *[]){y}), OPS_KRESULT_OK);
  for (int e = 0; e < 4; e++)
    for (int i = 0; i < 2; i++) {
      double want = 0;
      for (int j = 0; j < 3; j++)
        want += a[i * 3 + j] * b[e * 3 + j];
      OPS_ASSERT_NEAR(y[e * 2 + i], want, 1e-12);
    }
  ops_graph_free(g);

  g = unary_graph("...i->i", DIMS(4, 3), DIMS(3));
  assert_int_equal(br_run(g, (const void *[]){b}, (void *[]){y}), OPS_KRESULT_OK);
  for (int i = 0; i < 3; i++)
    OPS_ASSERT_NEAR(y[i], b[i] + b[3 + i] + b[6 + i] + b[9 + i], 1e-12);
  ops_graph_free(g);
}

/* A summed dim of size 0 gives zeros; an output dim of 0 writes nothing. */
static void test_empty(void **state) {
  (void)state;
  double y[3] = {7, 7, 7};
  struct ops_graph *g = unary_graph("ij->i", DIMS(3, 0), DIMS(3));
  double none[1] = {0};
  assert_int_equal(br_run(g, (const void *[]){none}, (void *[]){y}), OPS_KRESULT_OK);
  for (int i = 0; i < 3; i++)
    OPS_ASSERT_NEAR(y[i], 0.0, 0);
  ops_graph_free(g);
  g = unary_graph("ij->j", DIMS(3, 0), DIMS(0));
  assert_int_equal(br_run(g, (const void *[]){none}, (void *[]){y}), OPS_KRESULT_OK);
  ops_graph_free(g);
}

static void test_int64(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int a = tensor(g, "A", OPS_DTYPE_I64, DIMS(2, 2), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_I64, DIMS(2), NULL, 0);
  attr_string(node(g, "es", "Einsum", IO(a), IO(y)), "equation", "ij->j");
  int64_t x[4] = {INT64_MAX, 5, 1, -7}, out[2];
  assert_int_equal(br_run(g, (const void *[]){x}, (void *[]){out}), OPS_KRESULT_OK);
  /* Wraps like the other integer kernels. */
  assert_int_equal(out[0], INT64_MIN);
  assert_int_equal(out[1], -2);
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
  expect_refusal(unary_graph("i$->i", DIMS(2, 2), DIMS(2)), OPS_ERR_BAD_INPUT,
                 "node 'es' (Einsum): term 0 has '$'");
  expect_refusal(eq_graph("ij->i", DIMS(2, 2), DIMS(2), DIMS(2)), OPS_ERR_BAD_INPUT,
                 "node 'es' (Einsum): equation 'ij->i' has 1 terms for 2 inputs");
  expect_refusal(eq_graph("ij,jk->ik", DIMS(2, 3), DIMS(4, 5), DIMS(2, 5)), OPS_ERR_BAD_INPUT,
                 "input 1 dim 0 has size 4 where another dim with the same subscript has 3");
  expect_refusal(unary_graph("ij->k", DIMS(2, 2), DIMS(2)), OPS_ERR_BAD_INPUT,
                 "output subscript 'k' appears in no input term");
  expect_refusal(unary_graph("ijk->i", DIMS(2, 2), DIMS(2)), OPS_ERR_BAD_INPUT,
                 "term 0 has 3 subscripts, more than input 0's rank 2");
  /* Y's dims are checked against the equation. */
  expect_refusal(unary_graph("ij->j", DIMS(2, 3), DIMS(2)), OPS_ERR_BAD_INPUT,
                 "output 'Y' has shape [2], expected [3]");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_batch_matmul), cmocka_unit_test(test_implicit),
      cmocka_unit_test(test_diagonal),     cmocka_unit_test(test_ellipsis),
      cmocka_unit_test(test_empty),        cmocka_unit_test(test_int64),
      cmocka_unit_test(test_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
