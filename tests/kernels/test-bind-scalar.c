/*
 * Tests of compiler/bind-scalar.c on hand-built graphs: Conv auto_pad resolution (then run
 * through the kernel against the ONNX example), Slice resolution from inputs and from opset 9
 * attributes, opset-dependent defaults (Softmax, Clip), constant inputs (ReduceMean axes,
 * Gather indices), and refusals with messages that name the node: a kernel_shape that
 * disagrees with W, a group that does not divide C, an unsupported dtype, a non-constant
 * Slice input, a MaxPool Indices output that is not i64, inconsistent output dims; and the
 * elementwise ops' attributes and broadcasts (Mod, BitShift, PRelu, Where, Sum, HardSwish, Gelu).
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

/* A Conv X [1, 1, in, in] * W [1, 1, 3, 3] -> Y [1, 1, out, out] with auto_pad and stride. */
static struct ops_graph *conv_graph(int64_t in, int64_t out, const char *auto_pad, int64_t stride) {
  struct ops_graph *g = ops_graph_new();
  float w[9];
  for (int i = 0; i < 9; i++)
    w[i] = 1.0f;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 1, in, in), NULL, 0);
  int wt = tensor(g, "W", OPS_DTYPE_F32, DIMS(1, 1, 3, 3), w, sizeof w);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 1, out, out), NULL, 0);
  struct ops_node *n = node(g, "conv1", "Conv", IO(x, wt), IO(y));
  attr_string(n, "auto_pad", auto_pad);
  attr_ints(n, "strides", INTS(stride, stride));
  attr_ints(n, "kernel_shape", INTS(3, 3));
  return g;
}

static void test_conv_auto_pad(void **state) {
  (void)state;
  struct ops_diag d;
  struct ops_binding b;
  /* in 4, kernel 3, stride 2 -> out 2; total pad (2 - 1) * 2 + 3 - 4 = 1. */
  struct {
    const char *mode;
    int64_t begin, end;
  } cases[] = {{"SAME_UPPER", 0, 1}, {"SAME_LOWER", 1, 0}};
  for (int i = 0; i < 2; i++) {
    struct ops_graph *g = conv_graph(4, 2, cases[i].mode, 2);
    assert_int_equal(bind(g, &b, &d), OPS_OK);
    assert_string_equal(b.kernel->name, "ops_f32_conv_kernel__scalar");
    const struct ops_conv_params *p = b.params;
    assert_int_equal(p->spatial, 2);
    assert_int_equal(p->group, 1);
    for (int s = 0; s < 2; s++) {
      assert_int_equal(p->strides[s], 2);
      assert_int_equal(p->dilations[s], 1);
      assert_int_equal(p->pads_begin[s], cases[i].begin);
      assert_int_equal(p->pads_end[s], cases[i].end);
    }
    ops_binding_done(&b);
    assert_null(b.params);
    ops_graph_free(g);
  }
  /* VALID: no padding; in 5 -> out 2 with stride 2. */
  struct ops_graph *g = conv_graph(5, 2, "VALID", 2);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_conv_params *p = b.params;
  assert_int_equal(p->pads_begin[0] + p->pads_end[0] + p->pads_begin[1] + p->pads_end[1], 0);
  ops_binding_done(&b);
  ops_graph_free(g);
}

/* ONNX test_conv_with_autopad_same: 5x5 arange, ones 3x3, SAME_LOWER, strides 2, bound and
 * then run through the kernel the binding chose. */
static void test_conv_auto_pad_runs(void **state) {
  (void)state;
  struct ops_graph *g = conv_graph(5, 3, "SAME_LOWER", 2);
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  float x[25], w[9], y[9];
  for (int i = 0; i < 25; i++)
    x[i] = (float)i;
  for (int i = 0; i < 9; i++)
    w[i] = 1.0f;
  const void *in[2] = {x, w};
  void *out[1] = {y};
  struct ops_kdims in_dims[2] = {{4, {1, 1, 5, 5}}, {4, {1, 1, 3, 3}}};
  struct ops_kdims out_dims[1] = {{4, {1, 1, 3, 3}}};
  int in_dtype[2] = {OPSCOPE_DTYPE_F32, OPSCOPE_DTYPE_F32}, out_dtype[1] = {OPSCOPE_DTYPE_F32};
  struct ops_kcall call = {.n_in = 2,
                           .n_out = 1,
                           .in = in,
                           .in_dims = in_dims,
                           .in_dtype = in_dtype,
                           .out = out,
                           .out_dims = out_dims,
                           .out_dtype = out_dtype,
                           .params = b.params};
  assert_int_equal(b.kernel->fn(&call), OPS_KRESULT_OK);
  const float want[9] = {12, 27, 24, 63, 108, 81, 72, 117, 84};
  for (int i = 0; i < 9; i++)
    OPS_ASSERT_NEAR(y[i], want[i], 0);
  ops_binding_done(&b);
  ops_graph_free(g);
}

static void test_conv_refusals(void **state) {
  (void)state;
  struct ops_diag d;
  struct ops_binding b;
  /* kernel_shape [3, 3] with a W of [1, 1, 2, 2]. */
  struct ops_graph *g = ops_graph_new();
  float w[4] = {0};
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 1, 4, 4), NULL, 0);
  int wt = tensor(g, "W", OPS_DTYPE_F32, DIMS(1, 1, 2, 2), w, sizeof w);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 1, 3, 3), NULL, 0);
  attr_ints(node(g, "conv1", "Conv", IO(x, wt), IO(y)), "kernel_shape", INTS(3, 3));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "m.onnx: node 'conv1' (Conv): attribute 'kernel_shape'");
  OPS_ASSERT_CONTAINS(d.msg, "disagrees with weight 'W' [1, 1, 2, 2]");
  assert_null(b.kernel);
  assert_null(b.params);
  ops_graph_free(g);

  /* group 2 with 3 input channels. */
  g = ops_graph_new();
  float w3[3] = {0};
  x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 3, 2, 2), NULL, 0);
  wt = tensor(g, "W", OPS_DTYPE_F32, DIMS(2, 1, 1, 1), w3, 2 * sizeof(float));
  y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 2, 2, 2), NULL, 0);
  attr_int(node(g, "dw", "Conv", IO(x, wt), IO(y)), "group", 2);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'dw' (Conv): group 2 does not divide the 3 input channels");
  ops_graph_free(g);

  /* An output that disagrees with the window arithmetic. */
  g = conv_graph(5, 4, "NOTSET", 1);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg,
                      "node 'conv1' (Conv): output 'Y' has shape [1, 1, 4, 4], expected "
                      "[1, 1, 3, 3]");
  ops_graph_free(g);

  /* An unknown auto_pad value. */
  g = conv_graph(5, 3, "SAME", 1);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "auto_pad 'SAME' is not one of");
  ops_graph_free(g);

  /* i64 Conv has no scalar kernel. */
  g = ops_graph_new();
  x = tensor(g, "X", OPS_DTYPE_I64, DIMS(1, 1, 1, 1), NULL, 0);
  wt = tensor(g, "W", OPS_DTYPE_I64, DIMS(1, 1, 1, 1), NULL, 0);
  y = tensor(g, "Y", OPS_DTYPE_I64, DIMS(1, 1, 1, 1), NULL, 0);
  node(g, "c64", "Conv", IO(x, wt), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "node 'c64' (Conv): no scalar kernel for i64 Conv");
  ops_graph_free(g);
}

/* Slice of X [4, 6] with constant inputs: rows from -1 backwards by 2, columns 0..10 by 3. */
static void test_slice_inputs(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 13;
  const int64_t starts[2] = {-1, 0}, ends[2] = {INT64_MIN, 10}, axes[2] = {0, -1};
  const int32_t steps[2] = {-2, 3};
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(4, 6), NULL, 0);
  int s = tensor(g, "starts", OPS_DTYPE_I64, DIMS(2), starts, sizeof starts);
  int e = tensor(g, "ends", OPS_DTYPE_I64, DIMS(2), ends, sizeof ends);
  int a = tensor(g, "axes", OPS_DTYPE_I64, DIMS(2), axes, sizeof axes);
  int st = tensor(g, "steps", OPS_DTYPE_I32, DIMS(2), steps, sizeof steps);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 2), NULL, 0);
  node(g, "sl", "Slice", IO(x, s, e, a, st), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_any_slice_kernel__scalar");
  const struct ops_slice_params *p = b.params;
  assert_int_equal(p->start[0], 3);
  assert_int_equal(p->step[0], -2);
  assert_int_equal(p->start[1], 0);
  assert_int_equal(p->step[1], 3);
  ops_binding_done(&b);

  /* The same node with a wrong output shape. */
  g->tensors[y].shape = ops_shape_make(DIMS(2, 3));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'sl' (Slice): output 'Y' has shape [2, 3], expected [2, 2]");

  /* starts computed at run time cannot be bound. */
  g->tensors[y].shape = ops_shape_make(DIMS(2, 2));
  ops_tensor_clear_data(&g->tensors[s]);
  g->tensors[s].role = OPS_TENSOR_ACTIVATION;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "node 'sl' (Slice): starts 'starts' is not a constant");

  /* A zero step. */
  ops_tensor_set_data_copy(&g->tensors[s], starts, sizeof starts);
  const int32_t zero[2] = {1, 0};
  ops_tensor_set_data_copy(&g->tensors[st], zero, sizeof zero);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "step 0 on axis 1");
  ops_graph_free(g);
}

/* Opset 9 Slice: starts, ends, axes as attributes; out-of-range ends clamp. */
static void test_slice_attributes(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 9;
  int x = tensor(g, "X", OPS_DTYPE_I64, DIMS(4, 6), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_I64, DIMS(4, 5), NULL, 0);
  struct ops_node *n = node(g, "old", "Slice", IO(x), IO(y));
  attr_ints(n, "starts", INTS(1));
  attr_ints(n, "ends", INTS(1000));
  attr_ints(n, "axes", INTS(1));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_slice_params *p = b.params;
  assert_int_equal(p->start[0], 0);
  assert_int_equal(p->step[0], 1);
  assert_int_equal(p->start[1], 1);
  assert_int_equal(p->step[1], 1);
  ops_binding_done(&b);
  ops_graph_free(g);
}

/* Out-of-range starts and ends clamp, differently for negative steps: a reversed walk starts
 * at the last element (dim - 1) and may run through index 0 (end clamps to -1). */
static void test_slice_clamps(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  const int64_t starts[1] = {100}, ends[1] = {-100}, axes[1] = {1}, steps[1] = {-1};
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(4, 6), NULL, 0);
  int s = tensor(g, "starts", OPS_DTYPE_I64, DIMS(1), starts, sizeof starts);
  int e = tensor(g, "ends", OPS_DTYPE_I64, DIMS(1), ends, sizeof ends);
  int a = tensor(g, "axes", OPS_DTYPE_I64, DIMS(1), axes, sizeof axes);
  int st = tensor(g, "steps", OPS_DTYPE_I64, DIMS(1), steps, sizeof steps);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(4, 6), NULL, 0);
  node(g, "rev", "Slice", IO(x, s, e, a, st), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_slice_params *p = b.params;
  assert_int_equal(p->start[1], 5);
  assert_int_equal(p->step[1], -1);
  ops_binding_done(&b);
  /* A positive step from beyond the end selects nothing. */
  const int64_t fwd[1] = {1};
  ops_tensor_set_data_copy(&g->tensors[st], fwd, sizeof fwd);
  g->tensors[y].shape = ops_shape_make(DIMS(4, 0));
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  ops_binding_done(&b);
  ops_graph_free(g);
}

/* Softmax: opset 11 coerces to 2-D with default axis 1; opset 13 uses axis -1 alone. */
static void test_softmax_opsets(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3, 4), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 3, 4), NULL, 0);
  node(g, "sm", "Softmax", IO(x), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  g->opset = 11;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_softmax_params *p = b.params;
  assert_int_equal(p->axis, 1);
  assert_true(p->coerce_2d);
  ops_binding_done(&b);
  g->opset = 13;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  p = b.params;
  assert_int_equal(p->axis, 2);
  assert_false(p->coerce_2d);
  ops_binding_done(&b);
  attr_int(&g->nodes[0], "axis", 3);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'sm' (Softmax): axis 3 is out of range for rank 3");
  ops_graph_free(g);
}

/* Clip: no bounds anywhere means none (opset 11+), but the f32 range for opset 6. */
static void test_clip_defaults(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(3), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(3), NULL, 0);
  node(g, "clip", "Clip", IO(x), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  g->opset = 13;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_clip_params *p = b.params;
  assert_true(isinf(p->min) && p->min < 0 && isinf(p->max));
  ops_binding_done(&b);
  g->opset = 6;
  struct ops_attr *a = add_attr(&g->nodes[0], "min", OPS_ATTR_FLOAT);
  a->f = -1.5f;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  p = b.params;
  OPS_ASSERT_NEAR(p->min, -1.5, 0);
  OPS_ASSERT_NEAR(p->max, 3.4028234663852886e38, 0);
  ops_binding_done(&b);
  ops_graph_free(g);
}

/* ReduceMean axes from a constant input (opset 18), keepdims 0. */
static void test_reduce_mean_axes_input(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 18;
  const int64_t axes[2] = {-1, 0};
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3, 4), NULL, 0);
  int a = tensor(g, "axes", OPS_DTYPE_I64, DIMS(2), axes, sizeof axes);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(3), NULL, 0);
  attr_int(node(g, "rm", "ReduceMean", IO(x, a), IO(y)), "keepdims", 0);
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_int_equal(((const struct ops_reduce_params *)b.params)->axes_mask, 5u);
  ops_binding_done(&b);
  /* keepdims 1 expects [1, 3, 1]. */
  g->nodes[0].attrs[0].i = 1;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "output 'Y' has shape [3], expected [1, 3, 1]");
  ops_graph_free(g);
}

static void test_gather_constant_index(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  const int64_t idx[2] = {0, 5};
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(5, 2), NULL, 0);
  int i = tensor(g, "I", OPS_DTYPE_I64, DIMS(2), idx, sizeof idx);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 2), NULL, 0);
  node(g, "ga", "Gather", IO(x, i), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'ga' (Gather): index 5 is out of range for axis 0 of size 5");
  ops_graph_free(g);
}

/* MaxPool: an Indices output that is not i64 is refused; ceil_mode with a window over padding
 * only too. */
static void test_pool_refusals(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 1, 4, 4), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 1, 2, 2), NULL, 0);
  int idx = tensor(g, "Idx", OPS_DTYPE_I32, DIMS(1, 1, 2, 2), NULL, 0);
  struct ops_node *n = node(g, "mp", "MaxPool", IO(x), IO(y, idx));
  attr_ints(n, "kernel_shape", INTS(2, 2));
  attr_ints(n, "strides", INTS(2, 2));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'mp' (MaxPool): tensor 'Idx' is ");
  /* Without Indices it binds. */
  g->nodes[0].n_outputs = 1;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_pool_params *p = b.params;
  assert_int_equal(p->kernel[0], 2);
  assert_int_equal(p->strides[1], 2);
  ops_binding_done(&b);
  /* Pads as wide as the kernel: window 0 sees only padding. */
  struct ops_graph *pg = ops_graph_new();
  int px = tensor(pg, "X", OPS_DTYPE_F32, DIMS(1, 1, 3), NULL, 0);
  int py = tensor(pg, "Y", OPS_DTYPE_F32, DIMS(1, 1, 6), NULL, 0);
  struct ops_node *pn = node(pg, "ap", "AveragePool", IO(px), IO(py));
  attr_ints(pn, "kernel_shape", INTS(2));
  attr_ints(pn, "pads", INTS(2, 2));
  assert_int_equal(bind(pg, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg,
                      "node 'ap' (AveragePool): a window of spatial dim 0 covers only "
                      "padding");
  /* A dilation wider than the input: the taps -2 and 3 step over [0, 2). */
  pg->tensors[px].shape = ops_shape_make(DIMS(1, 1, 2));
  pg->tensors[py].shape = ops_shape_make(DIMS(1, 1, 1));
  attr_ints(pn, "dilations", INTS(5));
  assert_int_equal(bind(pg, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "window 0 of spatial dim 0 covers only padding");
  ops_graph_free(pg);
  /* A missing kernel_shape. */
  free(g->nodes[0].attrs[0].name);
  g->nodes[0].attrs[0].name = ops_strdup("kernel");
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "attribute 'kernel_shape' is required");
  ops_graph_free(g);
}

/* Constant: the value attribute's bytes end up in params. */
static void test_constant(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int y = tensor(g, "Y", OPS_DTYPE_I64, DIMS(3), NULL, 0);
  attr_ints(node(g, "k", "Constant", NONE, IO(y)), "value_ints", INTS(7, -1, 9));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_constant_params *p = b.params;
  assert_int_equal(p->nbytes, 24);
  int64_t v[3];
  memcpy(v, p->value, sizeof v);
  assert_int_equal(v[0], 7);
  assert_int_equal(v[1], -1);
  assert_int_equal(v[2], 9);
  ops_binding_done(&b);
  /* A value of the wrong size for the output. */
  g->tensors[y].shape = ops_shape_make(DIMS(2));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'k' (Constant): the value (i64, 24 bytes) does not match");
  ops_graph_free(g);
}

/* Gemm: C that cannot broadcast, and a wrong attribute type. */
static void test_gemm_refusals(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int a = tensor(g, "A", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  int bt = tensor(g, "B", OPS_DTYPE_F32, DIMS(4, 3), NULL, 0);
  int c = tensor(g, "C", OPS_DTYPE_F32, DIMS(3), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 4), NULL, 0);
  attr_int(node(g, "fc", "Gemm", IO(a, bt, c), IO(y)), "transB", 1);
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg,
                      "node 'fc' (Gemm): input C 'C' of shape [3] cannot be broadcast to "
                      "[2, 4]");
  g->tensors[c].shape = ops_shape_make(DIMS(4));
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_true(((const struct ops_gemm_params *)b.params)->trans_b);
  ops_binding_done(&b);
  add_attr(&g->nodes[0], "alpha", OPS_ATTR_INT)->i = 2;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'fc' (Gemm): attribute 'alpha' is int, expected float");
  ops_graph_free(g);
}

/* Binary ops: shapes that cannot broadcast, and Pow with an i64 exponent. */
static void test_binary(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int a = tensor(g, "A", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  int bt = tensor(g, "B", OPS_DTYPE_I64, DIMS(1), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  node(g, "p", "Pow", IO(a, bt), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_f32_pow_kernel__scalar");
  ops_binding_done(&b);
  int c = tensor(g, "C", OPS_DTYPE_F32, DIMS(4), NULL, 0);
  int z = tensor(g, "Z", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  node(g, "add_3", "Add", IO(a, c), IO(z));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg,
                      "node 'add_3' (Add): cannot broadcast input 0 [2, 3] with input 1 "
                      "[4]");
  ops_graph_free(g);
}

/* Elementwise ops with attributes or several inputs: Mod's fmod rule for floats, BitShift's
 * direction, PRelu's slope broadcast, Where's condition dtype and 3-way output dims, variadic
 * Sum's output dims, and the activation defaults. */
static void test_elementwise(void **state) {
  (void)state;
  struct ops_diag d;
  struct ops_binding b;
  struct ops_graph *g = ops_graph_new();
  int a = tensor(g, "A", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  int row = tensor(g, "R", OPS_DTYPE_F32, DIMS(3), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  node(g, "m0", "Mod", IO(a, row), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'm0' (Mod): fmod=0 on f32 inputs; float Mod needs fmod=1");
  attr_int(node(g, "m1", "Mod", IO(a, row), IO(y)), "fmod", 1);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_f32_mod_kernel__scalar");
  assert_true(((const struct ops_mod_params *)b.params)->fmod);
  ops_binding_done(&b);

  int u = tensor(g, "U", OPS_DTYPE_U16, DIMS(4), NULL, 0);
  int uy = tensor(g, "UY", OPS_DTYPE_U16, DIMS(4), NULL, 0);
  attr_string(node(g, "sh", "BitShift", IO(u, u), IO(uy)), "direction", "RIGHT");
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_false(((const struct ops_bitshift_params *)b.params)->left);
  ops_binding_done(&b);
  attr_string(node(g, "sh2", "BitShift", IO(u, u), IO(uy)), "direction", "left");
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'sh2' (BitShift): attribute 'direction' is 'left'");

  int slope = tensor(g, "S", OPS_DTYPE_F32, DIMS(2, 1, 3), NULL, 0);
  node(g, "pr", "PRelu", IO(a, slope), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'pr' (PRelu): slope [2, 1, 3] does not broadcast to X [2, 3]");

  int cond = tensor(g, "C", OPS_DTYPE_BOOL, DIMS(2, 1), NULL, 0);
  int one = tensor(g, "One", OPS_DTYPE_F32, DIMS(1), NULL, 0);
  node(g, "w", "Where", IO(cond, row, one), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_any_where_kernel__scalar");
  ops_binding_done(&b);
  node(g, "w2", "Where", IO(a, row, one), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'w2' (Where): tensor 'A' is f32, expected bool");

  int wide = tensor(g, "W", OPS_DTYPE_F32, DIMS(4, 2, 3), NULL, 0);
  node(g, "s", "Sum", IO(a, row, wide), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 's' (Sum): output 'Y' has shape [2, 3], expected [4, 2, 3]");

  node(g, "hs", "HardSwish", IO(a), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_activation_params *ap = b.params;
  assert_true(ap->alpha == 1.0f / 6.0f && ap->beta == 0.5f);
  ops_binding_done(&b);
  attr_string(node(g, "ge", "Gelu", IO(a), IO(y)), "approximate", "tanh");
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_true(((const struct ops_activation_params *)b.params)->tanh_approx);
  ops_binding_done(&b);
  ops_graph_free(g);
}

/* A shape not known when binding is refused, not guessed. */
static void test_unknown_shape(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  g->tensors[y].shape = ops_shape_unknown();
  node(g, "r", "Relu", IO(x), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "node 'r' (Relu): the dtype or shape of output 0 'Y' is not known");
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conv_auto_pad),          cmocka_unit_test(test_conv_auto_pad_runs),
      cmocka_unit_test(test_conv_refusals),          cmocka_unit_test(test_slice_inputs),
      cmocka_unit_test(test_slice_attributes),       cmocka_unit_test(test_slice_clamps),
      cmocka_unit_test(test_softmax_opsets),         cmocka_unit_test(test_clip_defaults),
      cmocka_unit_test(test_reduce_mean_axes_input), cmocka_unit_test(test_gather_constant_index),
      cmocka_unit_test(test_pool_refusals),          cmocka_unit_test(test_constant),
      cmocka_unit_test(test_gemm_refusals),          cmocka_unit_test(test_binary),
      cmocka_unit_test(test_unknown_shape),          cmocka_unit_test(test_elementwise),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
