/*
 * Tests of src/shape-infer-quant.c on hand-built graphs: QuantizeLinear's output dtype (the zero
 * point's, opset 21's output_dtype, or u8), DequantizeLinear's (the scale's),
 * DynamicQuantizeLinear's three outputs, MatMulInteger and QLinearMatMul with mixed u8/i8
 * operands and numpy's 1-D rules, ConvInteger and QLinearConv through Conv's window rule, and
 * each error with a substring of its message.
 */
#include <stdio.h>
#include <stdlib.h>

#include "test-util.h"

#include "infer-builder.h"

#include "src/graph.h"
#include "src/shape-infer.h"
#include "src/size.h"

/* Parses "1,3,8" into a shape ("" is a scalar). */
static void test_quantize_dtypes(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(21);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  input(g, "s", OPS_DTYPE_F32, "");
  input(g, "zi8", OPS_DTYPE_I8, "");
  input(g, "q16", OPS_DTYPE_I16, "2,3");
  node(g, "QuantizeLinear", NAMES("x", "s", "zi8"), NAMES("a"));
  node(g, "QuantizeLinear", NAMES("x", "s"), NAMES("b"));
  attr_int(node(g, "QuantizeLinear", NAMES("x", "s"), NAMES("c")), "output_dtype", OPS_DTYPE_U16);
  node(g, "DequantizeLinear", NAMES("q16", "s"), NAMES("d"));
  node(g, "DynamicQuantizeLinear", NAMES("x"), NAMES("e", "e_scale", "e_zp"));
  run_ok(g);
  check(g, "a", OPS_DTYPE_I8, "[2, 3]");
  check(g, "b", OPS_DTYPE_U8, "[2, 3]");
  check(g, "c", OPS_DTYPE_U16, "[2, 3]");
  check(g, "d", OPS_DTYPE_F32, "[2, 3]");
  check(g, "e", OPS_DTYPE_U8, "[2, 3]");
  check(g, "e_scale", OPS_DTYPE_F32, "[]");
  check(g, "e_zp", OPS_DTYPE_U8, "[]");
  ops_graph_free(g);

  g = graph_new(21);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  input(g, "s", OPS_DTYPE_F32, "");
  input(g, "z", OPS_DTYPE_U8, "");
  attr_int(node(g, "QuantizeLinear", NAMES("x", "s", "z"), NAMES("y")), "output_dtype",
           OPS_DTYPE_I8);
  run_fails(g, "(QuantizeLinear): attribute 'output_dtype' says i8 but zero point 'z' is u8");
  g = graph_new(21);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  input(g, "s", OPS_DTYPE_F32, "");
  attr_int(node(g, "QuantizeLinear", NAMES("x", "s"), NAMES("y")), "output_dtype", 1);
  run_fails(g, "attribute 'output_dtype' is 1, expected u8, i8, u16 or i16");
  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "4");
  input(g, "s", OPS_DTYPE_F32, "");
  node(g, "DequantizeLinear", NAMES("x", "s"), NAMES("y"));
  run_fails(g, "(DequantizeLinear): input 0 'x' is f32, expected u8, i8, u16, i16 or i32");
  g = graph_new(13);
  input(g, "x", OPS_DTYPE_U8, "4");
  input(g, "s", OPS_DTYPE_F32, "");
  input(g, "z", OPS_DTYPE_I8, "");
  node(g, "DequantizeLinear", NAMES("x", "s", "z"), NAMES("y"));
  run_fails(g, "input 0 'x' is u8 but input 2 'z' is i8");
}

static void test_integer_matmul_and_conv(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(10);
  input(g, "a", OPS_DTYPE_U8, "2,1,3,4");
  input(g, "b", OPS_DTYPE_I8, "5,4,2");
  input(g, "v", OPS_DTYPE_I8, "4");
  input(g, "s", OPS_DTYPE_F32, "");
  input(g, "zu", OPS_DTYPE_U8, "");
  input(g, "zi", OPS_DTYPE_I8, "");
  input(g, "x", OPS_DTYPE_I8, "1,4,7,7");
  input(g, "w", OPS_DTYPE_U8, "6,2,3,3");
  input(g, "bias", OPS_DTYPE_I32, "6");
  node(g, "MatMulInteger", NAMES("a", "b"), NAMES("mm"));
  node(g, "MatMulInteger", NAMES("a", "v"), NAMES("mv"));
  node(g, "QLinearMatMul", NAMES("a", "s", "zu", "b", "s", "zi", "s", "zi"), NAMES("qmm"));
  struct ops_node *n = node(g, "ConvInteger", NAMES("x", "w"), NAMES("ci"));
  attr_int(n, "group", 2);
  attr_ints(n, "pads", 4, (const int64_t[]){1, 1, 1, 1});
  n = node(g, "QLinearConv", NAMES("x", "s", "zi", "w", "s", "zu", "s", "zu", "bias"), NAMES("qc"));
  attr_int(n, "group", 2);
  attr_ints(n, "strides", 2, (const int64_t[]){2, 2});
  run_ok(g);
  check(g, "mm", OPS_DTYPE_I32, "[2, 5, 3, 2]");
  check(g, "mv", OPS_DTYPE_I32, "[2, 1, 3]");
  check(g, "qmm", OPS_DTYPE_I8, "[2, 5, 3, 2]");
  check(g, "ci", OPS_DTYPE_I32, "[1, 6, 7, 7]");
  check(g, "qc", OPS_DTYPE_U8, "[1, 6, 3, 3]");
  ops_graph_free(g);

  g = graph_new(10);
  input(g, "a", OPS_DTYPE_I16, "2,3");
  input(g, "b", OPS_DTYPE_I8, "3,2");
  node(g, "MatMulInteger", NAMES("a", "b"), NAMES("y"));
  run_fails(g, "(MatMulInteger): input 0 'a' is i16, expected u8 or i8");
  g = graph_new(10);
  input(g, "a", OPS_DTYPE_U8, "2,3");
  input(g, "s", OPS_DTYPE_U8, "");
  node(g, "QLinearMatMul", NAMES("a", "s", "s", "a", "s", "s", "s", "s"), NAMES("y"));
  run_fails(g, "(QLinearMatMul): input 1 's' is u8, expected a float type");
  g = graph_new(10);
  input(g, "x", OPS_DTYPE_U8, "1,2,5,5");
  input(g, "w", OPS_DTYPE_U8, "4,2,3,3");
  input(g, "s", OPS_DTYPE_F32, "");
  input(g, "z", OPS_DTYPE_U8, "");
  input(g, "bias", OPS_DTYPE_F32, "4");
  node(g, "QLinearConv", NAMES("x", "s", "z", "w", "s", "z", "s", "z", "bias"), NAMES("y"));
  run_fails(g, "(QLinearConv): bias 'bias' is f32, expected i32");
  g = graph_new(10);
  input(g, "x", OPS_DTYPE_U8, "1,3,5,5");
  input(g, "w", OPS_DTYPE_U8, "4,2,3,3");
  node(g, "ConvInteger", NAMES("x", "w"), NAMES("y"));
  run_fails(g, "(ConvInteger): input 0 'x' [1, 3, 5, 5] has 3 channels");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_quantize_dtypes),
      cmocka_unit_test(test_integer_matmul_and_conv),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
