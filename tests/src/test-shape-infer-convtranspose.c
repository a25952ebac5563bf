/*
 * Tests of src/shape-infer-convtranspose.c and src/shape-infer-pool-ext.c on hand-built
 * graphs: ConvTranspose output dims from pads, output_padding, dilations, groups, output_shape
 * (spatial only, and with N and C in front) and auto_pad; MaxUnpool dims from the window
 * arithmetic and from an output_shape input, unknown dims carried through; and each error
 * with a substring of its message.
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
static void test_conv_transpose_dims(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(11);
  float w[2 * 3 * 3 * 3] = {0};
  input(g, "x", OPS_DTYPE_F32, "1,2,3,4");
  input(g, "u", OPS_DTYPE_F32, "-1,2,-1,4");
  init(g, "w", OPS_DTYPE_F32, "2,3,3,3", w, sizeof w);
  /* 2 * (3 - 1) + 1 + 3 = 8 and 3 * (4 - 1) + 0 + (3 - 1) * 2 + 1 - 1 - 2 = 11; M = 3 * 2. */
  struct ops_node *n = node(g, "ConvTranspose", NAMES("x", "w"), NAMES("a"));
  attr_ints(n, "strides", 2, (const int64_t[]){2, 3});
  attr_ints(n, "dilations", 2, (const int64_t[]){1, 2});
  attr_ints(n, "pads", 4, (const int64_t[]){0, 1, 0, 2});
  attr_ints(n, "output_padding", 2, (const int64_t[]){1, 0});
  attr_int(n, "group", 2);
  n = node(g, "ConvTranspose", NAMES("x", "w"), NAMES("b"));
  attr_ints(n, "output_shape", 4, (const int64_t[]){1, 6, 10, 8});
  attr_int(n, "group", 2);
  n = node(g, "ConvTranspose", NAMES("u", "w"), NAMES("c"));
  attr_ints(n, "strides", 2, (const int64_t[]){2, 2});
  attr_string(n, "auto_pad", "SAME_UPPER");
  run_ok(g);
  check(g, "a", OPS_DTYPE_F32, "[1, 6, 8, 11]");
  check(g, "b", OPS_DTYPE_F32, "[1, 6, 10, 8]");
  check(g, "c", OPS_DTYPE_F32, "[?, 3, ?, 8]");
  ops_graph_free(g);
}

static struct ops_graph *deconv_error(const char *w_shape, size_t w_numel) {
  struct ops_graph *g = graph_new(11);
  float w[64] = {0};
  assert_true(w_numel <= 64);
  input(g, "x", OPS_DTYPE_F32, "1,2,3,3");
  init(g, "w", OPS_DTYPE_F32, w_shape, w, w_numel * sizeof *w);
  return g;
}

static void test_conv_transpose_errors(void **state) {
  (void)state;
  struct ops_graph *g = deconv_error("3,1,2,2", 12);
  node(g, "ConvTranspose", NAMES("x", "w"), NAMES("y"));
  run_fails(g, "input 'x' has 2 channels but weight 'w' [3, 1, 2, 2] has 3");
  g = deconv_error("2,1,2,2", 8);
  attr_int(node(g, "ConvTranspose", NAMES("x", "w"), NAMES("y")), "group", 4);
  run_fails(g, "group 4 does not divide the 2 input channels");
  g = deconv_error("2,1,2,2", 8);
  attr_ints(node(g, "ConvTranspose", NAMES("x", "w"), NAMES("y")), "pads", 4,
            (const int64_t[]){2, 0, 2, 0});
  run_fails(g, "output size on spatial dim 0 would be 0");
  g = deconv_error("2,1,2,2", 8);
  attr_ints(node(g, "ConvTranspose", NAMES("x", "w"), NAMES("y")), "strides", 3,
            (const int64_t[]){1, 1, 1});
  run_fails(g, "attribute 'strides' has 3 values, expected 2");
  g = deconv_error("2,1,2,2", 8);
  attr_ints(node(g, "ConvTranspose", NAMES("x", "w"), NAMES("y")), "kernel_shape", 2,
            (const int64_t[]){3, 3});
  run_fails(g, "attribute 'kernel_shape' [3, 3] does not match weight 'w' [2, 1, 2, 2]");
  g = deconv_error("2,1,2", 4);
  node(g, "ConvTranspose", NAMES("x", "w"), NAMES("y"));
  run_fails(g, "input 'x' has rank 4, expected the weight's rank");
}

static void test_max_unpool_dims(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(11);
  const int64_t shape[4] = {1, 1, 5, 6};
  input(g, "x", OPS_DTYPE_F32, "1,1,2,3");
  input(g, "i", OPS_DTYPE_I64, "1,1,2,3");
  input(g, "live", OPS_DTYPE_I64, "4");
  init(g, "s", OPS_DTYPE_I64, "4", shape, sizeof shape);
  /* (2 - 1) * 2 + 2 = 4, (3 - 1) * 2 + 2 - 1 = 5. */
  struct ops_node *n = node(g, "MaxUnpool", NAMES("x", "i"), NAMES("a"));
  attr_ints(n, "kernel_shape", 2, (const int64_t[]){2, 2});
  attr_ints(n, "strides", 2, (const int64_t[]){2, 2});
  attr_ints(n, "pads", 4, (const int64_t[]){0, 0, 0, 1});
  n = node(g, "MaxUnpool", NAMES("x", "i", "s"), NAMES("b"));
  attr_ints(n, "kernel_shape", 2, (const int64_t[]){2, 2});
  n = node(g, "MaxUnpool", NAMES("x", "i", "live"), NAMES("c"));
  attr_ints(n, "kernel_shape", 2, (const int64_t[]){2, 2});
  run_ok(g);
  check(g, "a", OPS_DTYPE_F32, "[1, 1, 4, 5]");
  check(g, "b", OPS_DTYPE_F32, "[1, 1, 5, 6]");
  check(g, "c", OPS_DTYPE_F32, "[?, ?, ?, ?]");
  ops_graph_free(g);

  g = graph_new(11);
  input(g, "x", OPS_DTYPE_F32, "1,1,2,3");
  input(g, "i", OPS_DTYPE_I32, "1,1,2,3");
  attr_ints(node(g, "MaxUnpool", NAMES("x", "i"), NAMES("y")), "kernel_shape", 2,
            (const int64_t[]){2, 2});
  run_fails(g, "indices 'i' are i32, expected i64");
  g = graph_new(11);
  input(g, "x", OPS_DTYPE_F32, "1,1,2,3");
  input(g, "i", OPS_DTYPE_I64, "1,1,2,3");
  node(g, "MaxUnpool", NAMES("x", "i"), NAMES("y"));
  run_fails(g, "attribute 'kernel_shape' is missing");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conv_transpose_dims),
      cmocka_unit_test(test_conv_transpose_errors),
      cmocka_unit_test(test_max_unpool_dims),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
