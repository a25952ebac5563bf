/*
 * Tests of compiler/bind-scalar-reduce.c on hand-built graphs: the Reduce* axes from the
 * attribute (opset < 18) and from a constant input, noop_with_empty_axes, the f64 form of the
 * key dtype; ArgMax's i64 output and select_last_index; LayerNormalization's statistics outputs
 * and Scale broadcast; LRN's size and MVN's default axes; and refusals that name the node: a
 * repeated or out-of-range axis, a non-constant axes input, an empty ArgMax axis, a Scale that
 * does not broadcast, a missing LRN size, a rank MVN's default axes do not fit.
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
#include "src/size.h"

static enum ops_status bind(const struct ops_graph *g, struct ops_binding *b, struct ops_diag *d) {
  ops_diag_init(d, "m.onnx");
  return ops_bind_scalar(g, &g->nodes[g->n_nodes - 1], b, d);
}

static void attr_float(struct ops_node *n, const char *name, float v) {
  add_attr(n, name, OPS_ATTR_FLOAT)->f = v;
}

/* ReduceSumSquare with attribute axes (opset 13) and f64 ReduceLogSumExp with an axes input. */
static void test_reduce_axes_forms(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 13;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3, 4), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 1, 1), NULL, 0);
  struct ops_node *n = node(g, "rss", "ReduceSumSquare", IO(x), IO(y));
  attr_ints(n, "axes", INTS(-1, 1));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_f32_reduce_sum_square_kernel__scalar");
  assert_int_equal(((const struct ops_reduce_params *)b.params)->axes_mask, 6u);
  ops_binding_done(&b);
  /* A repeated axis. */
  n->attrs[0].ints[1] = 2;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'rss' (ReduceSumSquare): axis 2 is listed twice");
  n->attrs[0].ints[1] = 3;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "axis 3 is out of range for rank 3");
  ops_graph_free(g);

  g = ops_graph_new();
  g->opset = 18;
  const int64_t axes[1] = {0};
  x = tensor(g, "X", OPS_DTYPE_F64, DIMS(2, 3), NULL, 0);
  int a = tensor(g, "axes", OPS_DTYPE_I64, DIMS(1), axes, sizeof axes);
  y = tensor(g, "Y", OPS_DTYPE_F64, DIMS(3), NULL, 0);
  attr_int(node(g, "lse", "ReduceLogSumExp", IO(x, a), IO(y)), "keepdims", 0);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_f64_reduce_log_sum_exp_kernel__scalar");
  assert_int_equal(((const struct ops_reduce_params *)b.params)->axes_mask, 1u);
  ops_binding_done(&b);
  /* The same axes from a graph input: known only at run time. */
  g->tensors[a].role = OPS_TENSOR_INPUT;
  ops_tensor_clear_data(&g->tensors[a]);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "axes input 'axes' is not a constant");
  ops_graph_free(g);
}

/* No axes: all of them, or with noop_with_empty_axes none (each element alone). */
static void test_reduce_empty_axes(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 18;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  struct ops_node *n = node(g, "rmax", "ReduceMax", IO(x), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "output 'Y' has shape [2, 3], expected [1, 1]");
  attr_int(n, "noop_with_empty_axes", 1);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_int_equal(((const struct ops_reduce_params *)b.params)->axes_mask, 0u);
  ops_binding_done(&b);
  ops_graph_free(g);
}

static void test_arg_max(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_I64, DIMS(2), NULL, 0);
  struct ops_node *n = node(g, "am", "ArgMax", IO(x), IO(y));
  attr_int(n, "axis", -1);
  attr_int(n, "keepdims", 0);
  attr_int(n, "select_last_index", 1);
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_argreduce_params *p = b.params;
  assert_int_equal(p->axis, 1);
  assert_true(p->select_last);
  ops_binding_done(&b);
  /* An empty axis has no index to return. */
  g->tensors[x].shape = ops_shape_make(DIMS(2, 0));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'am' (ArgMax): axis 1 of input 'X' is empty");
  /* The output must be i64. */
  g->tensors[x].shape = ops_shape_make(DIMS(2, 3));
  g->tensors[y].dtype = OPS_DTYPE_I32;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "tensor 'Y' is i32, expected i64");
  ops_graph_free(g);
}

static void test_layer_norm(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 17;
  float scale[4] = {1, 1, 1, 1};
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3, 4), NULL, 0);
  int s = tensor(g, "S", OPS_DTYPE_F32, DIMS(4), scale, sizeof scale);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 3, 4), NULL, 0);
  int m = tensor(g, "Mean", OPS_DTYPE_F32, DIMS(2, 1, 1), NULL, 0);
  int v = tensor(g, "InvStdDev", OPS_DTYPE_F32, DIMS(2, 1, 1), NULL, 0);
  struct ops_node *n = node(g, "ln", "LayerNormalization", IO(x, s, -1), IO(y, m, v));
  attr_int(n, "axis", 1);
  attr_float(n, "epsilon", 1e-3f);
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_norm_params *p = b.params;
  assert_int_equal(p->axis, 1);
  assert_true(p->epsilon == 1e-3f);
  ops_binding_done(&b);
  /* Statistics of the wrong shape. */
  g->tensors[v].shape = ops_shape_make(DIMS(2, 3, 1));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "output 'InvStdDev' has shape [2, 3, 1], expected [2, 1, 1]");
  /* A Scale that does not broadcast to [3, 4]. */
  g->tensors[v].shape = ops_shape_make(DIMS(2, 1, 1));
  g->tensors[s].shape = ops_shape_make(DIMS(3));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "Scale 'S' of shape [3] does not broadcast");
  ops_graph_free(g);
}

static void test_lrn_and_mvn(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 4, 2, 2), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 4, 2, 2), NULL, 0);
  struct ops_node *n = node(g, "lrn", "LRN", IO(x), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'lrn' (LRN): attribute 'size' 0 is missing or out of range");
  attr_int(n, "size", 3);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_lrn_params *p = b.params;
  assert_int_equal(p->size, 3);
  assert_true(p->alpha == 1e-4f && p->beta == 0.75f && p->bias == 1.0f);
  ops_binding_done(&b);
  ops_graph_free(g);

  g = ops_graph_new();
  x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 4, 2, 2), NULL, 0);
  y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 4, 2, 2), NULL, 0);
  node(g, "mvn", "MeanVarianceNormalization", IO(x), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_int_equal(((const struct ops_reduce_params *)b.params)->axes_mask, 13u);
  ops_binding_done(&b);
  /* The default axes [0, 2, 3] need rank 4. */
  g->tensors[x].shape = g->tensors[y].shape = ops_shape_make(DIMS(4, 2));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "axis 2 is out of range for rank 2");
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reduce_axes_forms), cmocka_unit_test(test_reduce_empty_axes),
      cmocka_unit_test(test_arg_max),           cmocka_unit_test(test_layer_norm),
      cmocka_unit_test(test_lrn_and_mvn),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
