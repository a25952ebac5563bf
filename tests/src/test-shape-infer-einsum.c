/*
 * Tests of src/shape-infer-einsum.c and src/shape-infer-topk.c on hand-built graphs: Einsum
 * output dims for explicit and implicit outputs, diagonals, broadcast ellipses and unknown
 * dims; TopK dims from a constant K, an unknown K, the opset-1 attribute and a negative axis;
 * and each error with a substring of its message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "infer-builder.h"

#include "src/graph.h"
#include "src/shape-infer.h"
#include "src/size.h"

/* Parses "1,3,8" into a shape ("" is a scalar, "-1" an unknown dim). */
static void einsum(struct ops_graph *g, const char *eq, const char *const *ins, int n_in,
                   const char *out) {
  attr_string(node(g, "Einsum", ins, n_in, (const char *const[]){out}, 1), "equation", eq);
}

static void test_einsum_dims(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(12);
  input(g, "a", OPS_DTYPE_F32, "5,2,3");
  input(g, "b", OPS_DTYPE_F32, "5,3,4");
  input(g, "m", OPS_DTYPE_F32, "3,3");
  input(g, "e", OPS_DTYPE_F32, "1,7,2,3");
  input(g, "u", OPS_DTYPE_F32, "-1,3");
  input(g, "e2", OPS_DTYPE_F32, "3,4,1,1");
  einsum(g, "bij,bjk->bik", NAMES("a", "b"), "y1");
  einsum(g, "bij,bjk", NAMES("a", "b"), "y2");
  einsum(g, "ii", NAMES("m"), "y3");
  einsum(g, "...ij,j...->...i", NAMES("e", "e2"), "y4");
  einsum(g, "ij->ji", NAMES("u"), "y5");
  run_ok(g);
  check(g, "y1", OPS_DTYPE_F32, "[5, 2, 4]");
  /* Implicit: b and j appear twice, so only i and k remain, alphabetically. */
  check(g, "y2", OPS_DTYPE_F32, "[2, 4]");
  check(g, "y3", OPS_DTYPE_F32, "[]");
  /* The ellipses, e's [1, 7] and e2's [4, 1, 1], broadcast right-aligned to [4, 1, 7]. */
  check(g, "y4", OPS_DTYPE_F32, "[4, 1, 7, 2]");
  check(g, "y5", OPS_DTYPE_F32, "[3, ?]");
  ops_graph_free(g);
}

static void test_einsum_errors(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(12);
  input(g, "a", OPS_DTYPE_F32, "2,3");
  einsum(g, "ij->i->j", NAMES("a"), "y");
  run_fails(g, "has two '->'");
  g = graph_new(12);
  input(g, "a", OPS_DTYPE_F32, "2,3");
  einsum(g, "i..j", NAMES("a"), "y");
  run_fails(g, "term 0 of the equation has a '.' outside an ellipsis");
  g = graph_new(12);
  input(g, "a", OPS_DTYPE_F32, "2,3");
  einsum(g, "ij->ii", NAMES("a"), "y");
  run_fails(g, "output subscript 'i' appears twice");
  g = graph_new(12);
  input(g, "a", OPS_DTYPE_F32, "2,3");
  input(g, "b", OPS_DTYPE_I64, "3");
  einsum(g, "ij,j->i", NAMES("a", "b"), "y");
  run_fails(g, "they must have the same type");
  g = graph_new(12);
  input(g, "a", OPS_DTYPE_F32, "2,3");
  node(g, "Einsum", NAMES("a"), NAMES("y"));
  run_fails(g, "attribute 'equation' is required");
}

static void test_top_k_dims(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(11);
  const int64_t k[1] = {2};
  input(g, "x", OPS_DTYPE_F32, "3,4,5");
  input(g, "live", OPS_DTYPE_I64, "1");
  init(g, "k", OPS_DTYPE_I64, "1", k, sizeof k);
  attr_int(node(g, "TopK", NAMES("x", "k"), NAMES("v", "i")), "axis", -2);
  node(g, "TopK", NAMES("x", "live"), NAMES("v2", "i2"));
  run_ok(g);
  check(g, "v", OPS_DTYPE_F32, "[3, 2, 5]");
  check(g, "i", OPS_DTYPE_I64, "[3, 2, 5]");
  check(g, "v2", OPS_DTYPE_F32, "[3, 4, ?]");
  ops_graph_free(g);

  g = graph_new(1);
  input(g, "x", OPS_DTYPE_F64, "3,4");
  attr_int(node(g, "TopK", NAMES("x"), NAMES("v", "i")), "k", 3);
  run_ok(g);
  check(g, "v", OPS_DTYPE_F64, "[3, 3]");
  ops_graph_free(g);

  g = graph_new(11);
  input(g, "x", OPS_DTYPE_F32, "3,4");
  init(g, "k", OPS_DTYPE_I64, "1", (const int64_t[]){5}, sizeof(int64_t));
  node(g, "TopK", NAMES("x", "k"), NAMES("v", "i"));
  run_fails(g, "k 5 is larger than dim 1 of input 'x' [3, 4]");
  g = graph_new(11);
  input(g, "x", OPS_DTYPE_F32, "3,4");
  init(g, "k", OPS_DTYPE_I64, "1", (const int64_t[]){-1}, sizeof(int64_t));
  node(g, "TopK", NAMES("x", "k"), NAMES("v", "i"));
  run_fails(g, "k is -1, expected >= 0");
  g = graph_new(11);
  input(g, "x", OPS_DTYPE_F32, "3,4");
  init(g, "k", OPS_DTYPE_I64, "1", k, sizeof k);
  attr_int(node(g, "TopK", NAMES("x", "k"), NAMES("v", "i")), "axis", 2);
  run_fails(g, "axis 2 is out of range for rank 2");
  g = graph_new(1);
  input(g, "x", OPS_DTYPE_F32, "3,4");
  node(g, "TopK", NAMES("x"), NAMES("v", "i"));
  run_fails(g, "attribute 'k' is required");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_einsum_dims),
      cmocka_unit_test(test_einsum_errors),
      cmocka_unit_test(test_top_k_dims),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
