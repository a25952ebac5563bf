/*
 * Tests of src/shape-infer-reduce.c on hand-built graphs: ArgMax/ArgMin output dims and dtype,
 * LayerNormalization's outputs (Y, Mean, InvStdDev) and stash_type, the shape-keeping
 * normalizations (InstanceNormalization, MeanVarianceNormalization, LRN), LogSoftmax, Hardmax
 * and the Reduce* ops through the shared rule, and each error with a substring of its message.
 * (ReduceProd's folding of shape arithmetic is covered in test-shape-infer.c.)
 */
#include <stdlib.h>

#include "test-util.h"

#include "infer-builder.h"

#include "src/graph.h"
#include "src/shape-infer.h"
#include "src/size.h"

/* Parses "1,3,8" into a shape ("" is a scalar). */
static void test_arg_reduce(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "2,3,4");
  attr_int(node(g, "ArgMax", NAMES("x"), NAMES("a")), "axis", -2);
  struct ops_node *n = node(g, "ArgMin", NAMES("x"), NAMES("b"));
  attr_int(n, "axis", 2);
  attr_int(n, "keepdims", 0);
  node(g, "ArgMax", NAMES("x"), NAMES("c"));
  run_ok(g);
  check(g, "a", OPS_DTYPE_I64, "[2, 1, 4]");
  check(g, "b", OPS_DTYPE_I64, "[2, 3]");
  check(g, "c", OPS_DTYPE_I64, "[1, 3, 4]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  attr_int(node(g, "ArgMax", NAMES("x"), NAMES("a")), "axis", 2);
  run_fails(g, "node 'n' (ArgMax): axis 2 is out of range for rank 2");
  g = graph_new(13);
  input(g, "x", OPS_DTYPE_BOOL, "2,3");
  node(g, "ArgMin", NAMES("x"), NAMES("a"));
  run_fails(g, "(ArgMin): input 0 'x' is bool, expected a numeric type");
}

static void test_reductions_and_softmaxes(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "2,3,4");
  input(g, "d", OPS_DTYPE_F64, "2,3");
  attr_ints(node(g, "ReduceL2", NAMES("x"), NAMES("l2")), "axes", 2, (const int64_t[]){0, -1});
  attr_int(node(g, "ReduceLogSumExp", NAMES("d"), NAMES("lse")), "keepdims", 0);
  node(g, "LogSoftmax", NAMES("x"), NAMES("ls"));
  node(g, "Hardmax", NAMES("x"), NAMES("hm"));
  run_ok(g);
  check(g, "l2", OPS_DTYPE_F32, "[1, 3, 1]");
  check(g, "lse", OPS_DTYPE_F64, "[]");
  check(g, "ls", OPS_DTYPE_F32, "[2, 3, 4]");
  check(g, "hm", OPS_DTYPE_F32, "[2, 3, 4]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  attr_int(node(g, "Hardmax", NAMES("x"), NAMES("y")), "axis", -3);
  run_fails(g, "(Hardmax): axis -3 is out of range for rank 2");
}

static void test_layer_norm(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(17);
  input(g, "x", OPS_DTYPE_F32, "2,3,4");
  input(g, "s", OPS_DTYPE_F32, "3,4");
  input(g, "b", OPS_DTYPE_F32, "4");
  struct ops_node *n = node(g, "LayerNormalization", NAMES("x", "s", "b"), NAMES("y", "m", "v"));
  attr_int(n, "axis", 1);
  run_ok(g);
  check(g, "y", OPS_DTYPE_F32, "[2, 3, 4]");
  check(g, "m", OPS_DTYPE_F32, "[2, 1, 1]");
  check(g, "v", OPS_DTYPE_F32, "[2, 1, 1]");
  ops_graph_free(g);

  /* Scale alone, default axis -1, f64 statistics. */
  g = graph_new(17);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  input(g, "s", OPS_DTYPE_F32, "3");
  n = node(g, "LayerNormalization", NAMES("x", "s"), NAMES("y", "m"));
  attr_int(n, "stash_type", 11);
  run_ok(g);
  check(g, "m", OPS_DTYPE_F64, "[2, 1]");
  ops_graph_free(g);

  g = graph_new(17);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  input(g, "s", OPS_DTYPE_F32, "2");
  node(g, "LayerNormalization", NAMES("x", "s"), NAMES("y"));
  run_fails(g, "(LayerNormalization): cannot broadcast input 1 's' [2] to [3]");
  g = graph_new(17);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  input(g, "s", OPS_DTYPE_F32, "3");
  attr_int(node(g, "LayerNormalization", NAMES("x", "s"), NAMES("y")), "stash_type", 7);
  run_fails(g, "attribute 'stash_type' 7 is not a floating-point dtype");
  g = graph_new(17);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  node(g, "LayerNormalization", NAMES("x"), NAMES("y"));
  run_fails(g, "has 1 inputs, expected 2 to 3");
}

static void test_shape_keeping_norms(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,3,4,4");
  input(g, "s", OPS_DTYPE_F32, "3");
  input(g, "b", OPS_DTYPE_F32, "3");
  node(g, "InstanceNormalization", NAMES("x", "s", "b"), NAMES("in"));
  node(g, "MeanVarianceNormalization", NAMES("x"), NAMES("mvn"));
  attr_int(node(g, "LRN", NAMES("x"), NAMES("lrn")), "size", 3);
  run_ok(g);
  check(g, "in", OPS_DTYPE_F32, "[1, 3, 4, 4]");
  check(g, "mvn", OPS_DTYPE_F32, "[1, 3, 4, 4]");
  check(g, "lrn", OPS_DTYPE_F32, "[1, 3, 4, 4]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,3,4");
  input(g, "s", OPS_DTYPE_F32, "2");
  input(g, "b", OPS_DTYPE_F32, "3");
  node(g, "InstanceNormalization", NAMES("x", "s", "b"), NAMES("y"));
  run_fails(g, "input 1 's' has shape [2], expected [3] (one per channel)");
  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "3");
  attr_int(node(g, "LRN", NAMES("x"), NAMES("y")), "size", 3);
  run_fails(g, "(LRN): input 0 'x' has rank 1, expected at least 2");
  g = graph_new(13);
  input(g, "x", OPS_DTYPE_I32, "1,3");
  node(g, "MeanVarianceNormalization", NAMES("x"), NAMES("y"));
  run_fails(g, "(MeanVarianceNormalization): input 0 'x' is i32, expected a float type");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_arg_reduce),
      cmocka_unit_test(test_reductions_and_softmaxes),
      cmocka_unit_test(test_layer_norm),
      cmocka_unit_test(test_shape_keeping_norms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
