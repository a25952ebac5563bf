/*
 * Tests of MaxPool's Indices output and its u8/i8 forms (kernels/scalar/f32-pool.c),
 * GlobalMaxPool and MaxUnpool (compiler/bind-scalar-pool-ext.c, kernels/scalar/pool-ext.c) on
 * hand-built graphs: row- and column-major indices with the (n, c) offset, padding, ties (the
 * first max wins), u8 and i8 extremes, MaxPool -> MaxUnpool round trips with and without
 * output_shape, an index out of range caught at run time; refusals that name the node.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "test-util.h"

#include "bind-run.h"
#include "graph-builder.h"
#include "src/graph.h"

/* MaxPool X [2, 1, 3, 3] -> Y, Indices [2, 1, 2, 2]: kernel 2, stride 1, no pads. */
static struct ops_graph *maxpool_graph(enum ops_dtype dtype, int64_t storage_order) {
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", dtype, DIMS(2, 1, 3, 3), NULL, 0);
  int y = tensor(g, "Y", dtype, DIMS(2, 1, 2, 2), NULL, 0);
  int i = tensor(g, "I", OPS_DTYPE_I64, DIMS(2, 1, 2, 2), NULL, 0);
  struct ops_node *n = node(g, "mp", "MaxPool", IO(x), IO(y, i));
  attr_ints(n, "kernel_shape", INTS(2, 2));
  attr_int(n, "storage_order", storage_order);
  return g;
}

static void test_maxpool_indices(void **state) {
  (void)state;
  /* Plane 0 has its max 9 at (h, w) = (2, 1); plane 1 has ties of 5 everywhere. */
  const float x[18] = {1, 2, 3, 4, 5, 6, 7, 9, 8, 5, 5, 5, 5, 5, 5, 5, 5, 5};
  float y[8];
  int64_t idx[8];
  struct ops_graph *g = maxpool_graph(OPS_DTYPE_F32, 0);
  assert_int_equal(br_run(g, (const void *[]){x}, (void *[]){y, idx}), OPS_KRESULT_OK);
  const float want_y[4] = {5, 6, 9, 9};
  const int64_t want_row[4] = {4, 5, 7, 7};
  for (int o = 0; o < 4; o++) {
    OPS_ASSERT_NEAR(y[o], want_y[o], 0);
    assert_int_equal(idx[o], want_row[o]);
    /* Plane 1: the window's first tap, offset by the plane (9 elements). */
    int64_t oh = o / 2, ow = o % 2;
    assert_int_equal(idx[4 + o], 9 + oh * 3 + ow);
  }
  ops_graph_free(g);

  /* storage_order 1: spatial offset h + w * H. */
  g = maxpool_graph(OPS_DTYPE_F32, 1);
  assert_int_equal(br_run(g, (const void *[]){x}, (void *[]){y, idx}), OPS_KRESULT_OK);
  const int64_t want_col[4] = {1 + 1 * 3, 1 + 2 * 3, 2 + 1 * 3, 2 + 1 * 3};
  for (int o = 0; o < 4; o++)
    assert_int_equal(idx[o], want_col[o]);
  assert_int_equal(idx[5], 9 + 0 + 1 * 3);
  ops_graph_free(g);
}

static void test_maxpool_int8(void **state) {
  (void)state;
  const uint8_t xu[18] = {0, 255, 3, 4, 5, 6, 7, 9, 254, 1, 1, 1, 1, 1, 1, 1, 1, 200};
  uint8_t yu[8];
  int64_t idx[8];
  struct ops_graph *g = maxpool_graph(OPS_DTYPE_U8, 0);
  assert_int_equal(br_run(g, (const void *[]){xu}, (void *[]){yu, idx}), OPS_KRESULT_OK);
  assert_int_equal(yu[0], 255);
  assert_int_equal(yu[3], 254);
  assert_int_equal(yu[7], 200);
  assert_int_equal(idx[3], 8);
  ops_graph_free(g);
  const int8_t xi[18] = {-128, -127, -100, -128, -128, -128, -128, -128, 127,
                         -5,   -5,   -5,   -5,   -5,   -5,   -5,   -5,   -5};
  int8_t yi[8];
  g = maxpool_graph(OPS_DTYPE_I8, 0);
  assert_int_equal(br_run(g, (const void *[]){xi}, (void *[]){yi, idx}), OPS_KRESULT_OK);
  assert_int_equal(yi[0], -127);
  assert_int_equal(yi[2], -128);
  assert_int_equal(yi[3], 127);
  assert_int_equal(yi[4], -5);
  ops_graph_free(g);
}

static void test_global_max_pool(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 3, 2, 2), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 3, 1, 1), NULL, 0);
  node(g, "gmp", "GlobalMaxPool", IO(x), IO(y));
  const float xs[12] = {-4, -3, -2, -1, 0, NAN, 1, 2, -INFINITY, -INFINITY, -INFINITY, -9};
  float ys[3];
  assert_int_equal(br_run(g, (const void *[]){xs}, (void *[]){ys}), OPS_KRESULT_OK);
  OPS_ASSERT_NEAR(ys[0], -1, 0);
  assert_true(isnan(ys[1]));
  OPS_ASSERT_NEAR(ys[2], -9, 0);
  /* Y must be [N, C, 1, 1]. */
  g->tensors[y].shape.dims[3] = 2;
  struct ops_binding b;
  struct ops_diag d;
  assert_int_equal(br_bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'gmp' (GlobalMaxPool): output 'Y' has shape [1, 3, 1, 2]");
  ops_graph_free(g);
}

/* MaxUnpool X, I [1, 1, 2, 2], kernel 2, stride 2 -> Y [1, 1, out, out], with output_shape
 * as a constant input when `with_shape`. */
static struct ops_graph *unpool_graph(int64_t out, bool with_shape) {
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 1, 2, 2), NULL, 0);
  int i = tensor(g, "I", OPS_DTYPE_I64, DIMS(1, 1, 2, 2), NULL, 0);
  int64_t shape[4] = {1, 1, out, out};
  int s = tensor(g, "S", OPS_DTYPE_I64, DIMS(4), shape, sizeof shape);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 1, out, out), NULL, 0);
  struct ops_node *n = with_shape ? node(g, "up", "MaxUnpool", IO(x, i, s), IO(y))
                                  : node(g, "up", "MaxUnpool", IO(x, i), IO(y));
  attr_ints(n, "kernel_shape", INTS(2, 2));
  attr_ints(n, "strides", INTS(2, 2));
  return g;
}

static void test_max_unpool(void **state) {
  (void)state;
  const float x[4] = {1, 2, 3, 4};
  const int64_t idx[4] = {5, 7, 13, 15};
  float y[25];
  struct ops_graph *g = unpool_graph(4, false);
  assert_int_equal(br_run(g, (const void *[]){x, idx}, (void *[]){y}), OPS_KRESULT_OK);
  for (int i = 0; i < 16; i++) {
    float want = i == 5 ? 1 : i == 7 ? 2 : i == 13 ? 3 : i == 15 ? 4 : 0;
    OPS_ASSERT_NEAR(y[i], want, 0);
  }
  ops_graph_free(g);
  /* output_shape 5 x 5: each index keeps its (h, w) in the 4 x 4 unpooled dims, and the extra
   * row and column at the end stay 0. */
  g = unpool_graph(5, true);
  assert_int_equal(br_run(g, (const void *[]){x, idx, NULL}, (void *[]){y}), OPS_KRESULT_OK);
  for (int i = 0; i < 25; i++) {
    float want = i == 6 ? 1 : i == 8 ? 2 : i == 16 ? 3 : i == 18 ? 4 : 0;
    OPS_ASSERT_NEAR(y[i], want, 0);
  }
  ops_graph_free(g);
  /* An index past Y is caught before anything is written. */
  g = unpool_graph(4, false);
  const int64_t bad[4] = {0, 1, 2, 16};
  y[0] = 42;
  assert_int_equal(br_run(g, (const void *[]){x, bad}, (void *[]){y}),
                   OPS_KRESULT_INDEX_OUT_OF_RANGE);
  OPS_ASSERT_NEAR(y[0], 42, 0);
  ops_graph_free(g);
}

static void test_unpool_refusals(void **state) {
  (void)state;
  struct ops_binding b;
  struct ops_diag d;
  struct ops_graph *g = unpool_graph(5, false);
  assert_int_equal(br_bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'up' (MaxUnpool): output 'Y' has shape [1, 1, 5, 5]");
  ops_graph_free(g);
  g = unpool_graph(4, true);
  ops_tensor_clear_data(&g->tensors[2]);
  assert_int_equal(br_bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "output_shape 'S' is not a constant");
  ops_graph_free(g);
  /* output_shape smaller than the unpooled 4 x 4. */
  g = unpool_graph(3, true);
  assert_int_equal(br_bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "output_shape 'S' entry 2 is smaller than the unpooled size 4");
  ops_graph_free(g);
  g = unpool_graph(4, false);
  g->tensors[1].shape.dims[3] = 3;
  assert_int_equal(br_bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "indices 'I' [1, 1, 2, 3] do not have the shape of X");
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_maxpool_indices), cmocka_unit_test(test_maxpool_int8),
      cmocka_unit_test(test_global_max_pool), cmocka_unit_test(test_max_unpool),
      cmocka_unit_test(test_unpool_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
