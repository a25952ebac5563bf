/*
 * Tests of compiler/bind-scalar-quant.c (and the integer forms of Clip and Pow in
 * compiler/bind-scalar.c) on hand-built graphs: per-tensor, per-axis with a negative axis and
 * blocked scales resolved into struct ops_quant_params; QLinearConv's window and per-channel
 * scale; and refusals that name the node: a scale that does not fit its axis, a zero point whose
 * shape differs from its scale's, an f16 scale, a blocked scale of the wrong shape, an N-D
 * MatMulInteger zero point, a per-channel scale of the wrong length, opset-6 Clip attributes on
 * an integer input, a bool exponent.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "graph-builder.h"

#include "compiler/bind.h"
#include "kernels/params.h"
#include "opscope.h"
#include "src/graph.h"

static enum ops_status bind(const struct ops_graph *g, struct ops_binding *b, struct ops_diag *d) {
  ops_diag_init(d, "m.onnx");
  return ops_bind_scalar(g, &g->nodes[g->n_nodes - 1], b, d);
}

static void test_quantize_forms(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 13;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3, 4), NULL, 0);
  int s = tensor(g, "S", OPS_DTYPE_F32, DIMS(4), NULL, 0);
  int z = tensor(g, "Z", OPS_DTYPE_I8, DIMS(4), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_I8, DIMS(2, 3, 4), NULL, 0);
  struct ops_node *n = node(g, "q", "QuantizeLinear", IO(x, s, z), IO(y));
  attr_int(n, "axis", -1);
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_f32_quantize_linear_kernel__scalar");
  const struct ops_quant_params *p = b.params;
  assert_true(p->axis == 2 && p->block == 1 && !p->blocked);
  ops_binding_done(&b);
  /* The default axis 1 has 3 entries, not 4. */
  n->n_attrs = 0;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'q' (QuantizeLinear): scale 'S' has 4 values, but axis 1");
  n->n_attrs = 1;
  /* A zero point of another shape than the scale. */
  g->tensors[z].shape = ops_shape_make(DIMS(2, 2));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "zero point 'Z' [2, 2] does not match scale 'S' [4]");
  /* Per tensor: a one-element scale, whatever the axis says. */
  g->tensors[s].shape = g->tensors[z].shape = ops_shape_make(DIMS(1));
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  p = b.params;
  assert_true(p->axis == 0 && p->block == 2 && !p->blocked);
  ops_binding_done(&b);
  /* Blocked (opset 21): block 3 on axis 2 of size 4 needs 2 entries there. */
  g->tensors[s].shape = g->tensors[z].shape = ops_shape_make(DIMS(2, 3, 2));
  attr_int(n, "block_size", 3);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  p = b.params;
  assert_true(p->axis == 2 && p->block == 3 && p->blocked);
  ops_binding_done(&b);
  g->tensors[s].shape = g->tensors[z].shape = ops_shape_make(DIMS(2, 3, 3));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "scale 'S' [2, 3, 3] does not fit 'X' [2, 3, 4] blocked by 3");
  n->attrs[1].i = -2;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "attribute 'block_size' is -2, expected >= 0");
  /* An f16 scale (opset 19) has no kernel here. */
  n->attrs[1].i = 0;
  g->tensors[s].shape = g->tensors[z].shape = ops_shape_make(DIMS(4));
  g->tensors[s].dtype = OPS_DTYPE_F16;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "y_scale 'S' is f16; the scalar kernels take f32 scales");
  ops_graph_free(g);
}

static void test_dequantize_and_dynamic(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_I32, DIMS(5), NULL, 0);
  int s = tensor(g, "S", OPS_DTYPE_F32, DIMS(0), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(5), NULL, 0);
  node(g, "dq", "DequantizeLinear", IO(x, s), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  /* An empty scale is neither per tensor nor one per element of axis 1 (rank 1 has none). */
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'dq' (DequantizeLinear): axis 1 is out of range for rank 1");
  g->tensors[s].shape = ops_shape_make(0, NULL);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_i32_dequantize_linear_kernel__scalar");
  ops_binding_done(&b);
  ops_graph_free(g);

  g = ops_graph_new();
  x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 2), NULL, 0);
  y = tensor(g, "Y", OPS_DTYPE_U8, DIMS(2, 2), NULL, 0);
  int ys = tensor(g, "Ys", OPS_DTYPE_F32, DIMS(1), NULL, 0);
  int yz = tensor(g, "Yz", OPS_DTYPE_U8, 0, NULL, NULL, 0);
  node(g, "dyn", "DynamicQuantizeLinear", IO(x), IO(y, ys, yz));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "output 'Ys' has shape [1], expected []");
  g->tensors[ys].shape = ops_shape_make(0, NULL);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_null(b.params);
  ops_binding_done(&b);
  ops_graph_free(g);
}

static void test_matmul_integer(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int a = tensor(g, "A", OPS_DTYPE_U8, DIMS(2, 3, 4), NULL, 0);
  int bb = tensor(g, "B", OPS_DTYPE_I8, DIMS(4, 5), NULL, 0);
  int az = tensor(g, "Az", OPS_DTYPE_U8, DIMS(3), NULL, 0);
  int bz = tensor(g, "Bz", OPS_DTYPE_I8, DIMS(5), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_I32, DIMS(2, 3, 5), NULL, 0);
  node(g, "mmi", "MatMulInteger", IO(a, bb, az, bz), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_u8_matmul_integer_kernel__scalar");
  ops_binding_done(&b);
  /* The N-D zero point form [D, M, 1] is refused by name. */
  g->tensors[az].shape = ops_shape_make(DIMS(2, 3, 1));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "a_zero_point 'Az' has shape [2, 3, 1]; only a scalar or one value");
  g->tensors[az].shape = ops_shape_make(DIMS(4));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "expected one value or one per row of A (3)");
  g->tensors[az].shape = ops_shape_make(0, NULL);
  g->tensors[bz].dtype = OPS_DTYPE_U8;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "tensor 'Bz' is u8, expected i8");
  ops_graph_free(g);
}

static void test_qlinear_conv(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_U8, DIMS(1, 2, 5, 5), NULL, 0);
  int xs = tensor(g, "Xs", OPS_DTYPE_F32, 0, NULL, NULL, 0);
  int xz = tensor(g, "Xz", OPS_DTYPE_U8, 0, NULL, NULL, 0);
  int w = tensor(g, "W", OPS_DTYPE_I8, DIMS(4, 1, 3, 3), NULL, 0);
  int ws = tensor(g, "Ws", OPS_DTYPE_F32, DIMS(4), NULL, 0);
  int wz = tensor(g, "Wz", OPS_DTYPE_I8, DIMS(4), NULL, 0);
  int ys = tensor(g, "Ys", OPS_DTYPE_F32, 0, NULL, NULL, 0);
  int yz = tensor(g, "Yz", OPS_DTYPE_I8, 0, NULL, NULL, 0);
  int bias = tensor(g, "B", OPS_DTYPE_I32, DIMS(4), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_I8, DIMS(1, 4, 3, 3), NULL, 0);
  struct ops_node *n = node(g, "qc", "QLinearConv", IO(x, xs, xz, w, ws, wz, ys, yz, bias), IO(y));
  attr_int(n, "group", 2);
  attr_ints(n, "strides", INTS(2, 2));
  attr_string(n, "auto_pad", "SAME_UPPER");
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_u8_qlinear_conv_kernel__scalar");
  const struct ops_conv_params *p = b.params;
  assert_true(p->group == 2 && p->strides[0] == 2 && p->pads_begin[0] == 1 && p->pads_end[1] == 1);
  ops_binding_done(&b);
  g->tensors[ws].shape = ops_shape_make(DIMS(3));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'qc' (QLinearConv): w_scale 'Ws' has shape [3], expected one");
  g->tensors[ws].shape = ops_shape_make(DIMS(4));
  g->tensors[bias].shape = ops_shape_make(DIMS(2));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "bias 'B' has shape [2], expected [4]");
  g->tensors[bias].shape = ops_shape_make(DIMS(4));
  g->tensors[y].dtype = OPS_DTYPE_U8;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "tensor 'Y' is u8, expected i8");
  ops_graph_free(g);
}

static void test_int_clip_and_pow(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 13;
  int x = tensor(g, "X", OPS_DTYPE_I8, DIMS(3), NULL, 0);
  int lo = tensor(g, "lo", OPS_DTYPE_I8, 0, NULL, NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_I8, DIMS(3), NULL, 0);
  struct ops_node *n = node(g, "clip", "Clip", IO(x, lo), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_i8_clip_kernel__scalar");
  ops_binding_done(&b);
  g->tensors[lo].dtype = OPS_DTYPE_F32;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "tensor 'lo' is f32, expected i8");
  g->tensors[lo].dtype = OPS_DTYPE_I8;
  add_attr(n, "min", OPS_ATTR_FLOAT)->f = -1.0f;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "are float-only, input 0 is i8");
  ops_graph_free(g);

  g = ops_graph_new();
  x = tensor(g, "X", OPS_DTYPE_I64, DIMS(3), NULL, 0);
  int e = tensor(g, "E", OPS_DTYPE_U16, DIMS(1), NULL, 0);
  y = tensor(g, "Y", OPS_DTYPE_I64, DIMS(3), NULL, 0);
  node(g, "pow", "Pow", IO(x, e), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_i64_pow_kernel__scalar");
  ops_binding_done(&b);
  g->tensors[e].dtype = OPS_DTYPE_BOOL;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'pow' (Pow): exponent 'E' is bool");
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_quantize_forms),   cmocka_unit_test(test_dequantize_and_dynamic),
      cmocka_unit_test(test_matmul_integer),   cmocka_unit_test(test_qlinear_conv),
      cmocka_unit_test(test_int_clip_and_pow),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
