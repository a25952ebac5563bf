/*
 * Tests of Resize, Upsample, DepthToSpace and SpaceToDepth on the scalar unit: hand-built graphs
 * bound by compiler/bind-scalar-resize.c and run through kernels/scalar/resize.c and
 * depth-space.c. They cover what the ONNX conformance tests do not: antialias (checked against
 * values from the spec's reference interpolation, evaluated in float64), opset-18 axes with
 * negative entries and keep_aspect_ratio_policy, linear on f64 and f16, nearest on integer dtypes,
 * rank 1 and rank 5 inputs, empty outputs, DepthToSpace/SpaceToDepth round trips, and refusals that
 * name the node.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "graph-builder.h"

#include "compiler/bind.h"
#include "kernels/kernel.h"
#include "kernels/params-resize.h"
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

static struct ops_kdims kdims(const struct ops_tensor *t) {
  struct ops_kdims k = {.rank = t->shape.rank};
  for (int i = 0; i < t->shape.rank; i++)
    k.d[i] = t->shape.dims[i];
  return k;
}

/* Binds the graph's last node (expecting success) and runs its kernel from tensor x_idx's data
 * into y, with the scratch the binding asked for. */
static void bind_and_run(const struct ops_graph *g, int x_idx, int y_idx, void *y) {
  struct ops_diag d;
  struct ops_binding b;
  enum ops_status st = bind(g, &b, &d);
  if (st != OPS_OK) fail_msg("bind failed: %s", d.msg);
  const struct ops_tensor *xt = &g->tensors[x_idx], *yt = &g->tensors[y_idx];
  struct ops_kdims xd = kdims(xt), yd = kdims(yt);
  const void *in[1] = {xt->data};
  int in_dtype[1] = {(int)xt->dtype}, out_dtype[1] = {(int)yt->dtype};
  void *out[1] = {y};
  void *scratch = b.scratch_bytes ? malloc(b.scratch_bytes) : NULL;
  struct ops_kcall call = {.n_in = 1,
                           .n_out = 1,
                           .in = in,
                           .in_dims = &xd,
                           .in_dtype = in_dtype,
                           .out = out,
                           .out_dims = &yd,
                           .out_dtype = out_dtype,
                           .params = b.params,
                           .scratch = scratch,
                           .scratch_bytes = b.scratch_bytes};
  assert_int_equal(b.kernel->fn(&call), OPS_KRESULT_OK);
  free(scratch);
  ops_binding_done(&b);
}

/* x[i] = i^2 / 4 on [8]: a curve, so every filter's weights show in the result. */
static const float curve[8] = {0.0f, 0.25f, 1.0f, 2.25f, 4.0f, 6.25f, 9.0f, 12.25f};

/* Antialiased linear and cubic downsampling of a rank-1 input, against the reference. */
static void test_resize_antialias(void **state) {
  (void)state;
  static const struct {
    const char *mode;
    bool sizes; /* sizes [3] (scale 3/8) rather than scales [0.5] */
    bool exclude_outside;
    int n;
    double want[4];
  } cases[] = {
      {"linear", false, false, 4, {0.21875, 1.75, 5.25, 10.28125}},
      {"cubic", true, false, 3, {0.16398156829563884, 3.012696611179896, 9.655777630405455}},
      {"cubic", true, true, 3, {0.1755772385592907, 3.1261488158359843, 9.472331725471953}},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    struct ops_graph *g = ops_graph_new();
    g->opset = 18;
    const float scales[1] = {0.5f};
    const int64_t sizes[1] = {3};
    int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(8), curve, sizeof curve);
    int s = cases[k].sizes ? tensor(g, "sizes", OPS_DTYPE_I64, DIMS(1), sizes, sizeof sizes)
                           : tensor(g, "scales", OPS_DTYPE_F32, DIMS(1), scales, sizeof scales);
    int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(cases[k].n), NULL, 0);
    struct ops_node *n = cases[k].sizes ? node(g, "rs", "Resize", IO(x, -1, -1, s), IO(y))
                                        : node(g, "rs", "Resize", IO(x, -1, s), IO(y));
    attr_string(n, "mode", cases[k].mode);
    attr_int(n, "antialias", 1);
    if (cases[k].exclude_outside) attr_int(n, "exclude_outside", 1);
    float out[4] = {0};
    bind_and_run(g, x, y, out);
    for (int i = 0; i < cases[k].n; i++)
      OPS_ASSERT_NEAR(out[i], cases[k].want[i], 1e-5);
    ops_graph_free(g);
  }
}

/* Opset 18: negative axes, sizes with keep_aspect_ratio_policy, and an untouched leading dim. */
static void test_resize_axes_policy(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 18;
  float xv[2 * 2 * 4];
  for (int i = 0; i < 16; i++)
    xv[i] = (float)i;
  const int64_t sizes[2] = {4, 4};
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 2, 4), xv, sizeof xv);
  int s = tensor(g, "sizes", OPS_DTYPE_I64, DIMS(2), sizes, sizeof sizes);
  /* not_larger: scale min(4/2, 4/4) = 1 on both axes, so Y is X. */
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 2, 4), NULL, 0);
  struct ops_node *n = node(g, "rs", "Resize", IO(x, -1, -1, s), IO(y));
  attr_ints(n, "axes", INTS(-2, -1));
  attr_string(n, "keep_aspect_ratio_policy", "not_larger");
  attr_string(n, "mode", "linear");
  float out[2 * 4 * 8];
  bind_and_run(g, x, y, out);
  for (int i = 0; i < 16; i++)
    OPS_ASSERT_NEAR(out[i], xv[i], 0.0);

  /* not_smaller: scale max(2, 1) = 2, Y [2, 4, 8]; nearest asymmetric repeats each element. */
  g->tensors[y].shape = ops_shape_make(3, (const int64_t[]){2, 4, 8});
  n = &g->nodes[0];
  n->attrs[1].s[4] = 's'; /* "not_sarger": an unknown policy is refused */
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg,
                      "node 'rs' (Resize): attribute 'keep_aspect_ratio_policy' is "
                      "'not_sarger', expected one of stretch, not_larger, not_smaller");
  free(n->attrs[1].s);
  n->attrs[1].s = ops_strdup("not_smaller");
  n->attrs[1].s_len = strlen("not_smaller");
  free(n->attrs[2].s);
  n->attrs[2].s = ops_strdup("nearest");
  n->attrs[2].s_len = strlen("nearest");
  attr_string(n, "coordinate_transformation_mode", "asymmetric");
  bind_and_run(g, x, y, out);
  for (int c = 0; c < 2; c++) {
    for (int h = 0; h < 4; h++) {
      for (int w = 0; w < 8; w++)
        OPS_ASSERT_NEAR(out[(c * 4 + h) * 8 + w], xv[(c * 2 + h / 2) * 4 + w / 2], 0.0);
    }
  }
  ops_graph_free(g);
}

/* Nearest on i32 and rank 5, Upsample-7's scales attribute, and an empty output. */
static void test_resize_nearest_any_dtype(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 13;
  int32_t xv[1 * 1 * 2 * 1 * 3] = {1, 2, 3, 4, 5, 6};
  const float scales[5] = {1.0f, 1.0f, 1.5f, 1.0f, 0.5f};
  int x = tensor(g, "X", OPS_DTYPE_I32, DIMS(1, 1, 2, 1, 3), xv, sizeof xv);
  int s = tensor(g, "scales", OPS_DTYPE_F32, DIMS(5), scales, sizeof scales);
  int y = tensor(g, "Y", OPS_DTYPE_I32, DIMS(1, 1, 3, 1, 1), NULL, 0);
  struct ops_node *n = node(g, "rs", "Resize", IO(x, -1, s), IO(y));
  attr_string(n, "nearest_mode", "floor");
  int32_t out[3] = {0};
  bind_and_run(g, x, y, out);
  /* half_pixel: axis 2 reads floor((o + 0.5) / 1.5 - 0.5) = 0, 0, 1; axis 4 reads
   * floor(0.5 / 0.5 - 0.5) = 0. */
  assert_int_equal(out[0], 1);
  assert_int_equal(out[1], 1);
  assert_int_equal(out[2], 4);

  /* Linear on i32 is refused with the reason. */
  attr_string(n, "mode", "linear");
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "node 'rs' (Resize): linear interpolation of i32 is not supported");
  ops_graph_free(g);

  /* Upsample-7: scales from the attribute, the legacy nearest (floor when upsampling). */
  g = ops_graph_new();
  g->opset = 7;
  const uint8_t uv[3] = {7, 8, 9};
  x = tensor(g, "X", OPS_DTYPE_U8, DIMS(1, 3), uv, sizeof uv);
  y = tensor(g, "Y", OPS_DTYPE_U8, DIMS(2, 7), NULL, 0);
  n = node(g, "up", "Upsample", IO(x), IO(y));
  struct ops_attr *a = add_attr(n, "scales", OPS_ATTR_FLOATS);
  a->floats = malloc(2 * sizeof *a->floats);
  a->floats[0] = 2.0f;
  a->floats[1] = 2.5f;
  a->count = 2;
  uint8_t uout[14] = {0};
  bind_and_run(g, x, y, uout);
  static const uint8_t want[7] = {7, 7, 7, 8, 8, 9, 9};
  for (int r = 0; r < 2; r++) {
    for (int i = 0; i < 7; i++)
      assert_int_equal(uout[r * 7 + i], want[i]);
  }
  ops_graph_free(g);

  /* Scale 0.25 of a dim of 3 gives an empty output, which the kernel leaves alone. */
  g = ops_graph_new();
  g->opset = 10;
  const float down[2] = {1.0f, 0.25f};
  x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3), curve, 6 * sizeof(float));
  s = tensor(g, "scales", OPS_DTYPE_F32, DIMS(2), down, sizeof down);
  y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 0), NULL, 0);
  attr_string(node(g, "rs", "Resize", IO(x, s), IO(y)), "mode", "linear");
  float none[1] = {-1.0f};
  bind_and_run(g, x, y, none);
  OPS_ASSERT_NEAR(none[0], -1.0, 0.0);
  ops_graph_free(g);
}

/* tf_crop_and_resize with a roi that reaches past the input: extrapolation_value there. */
static void test_resize_crop_extrapolation(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 13;
  const float roi[2] = {0.5f, 1.5f};
  const int64_t sizes[1] = {3};
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(5), curve, 5 * sizeof(float));
  int r = tensor(g, "roi", OPS_DTYPE_F32, DIMS(2), roi, sizeof roi);
  int s = tensor(g, "sizes", OPS_DTYPE_I64, DIMS(1), sizes, sizeof sizes);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(3), NULL, 0);
  struct ops_node *n = node(g, "crop", "Resize", IO(x, r, -1, s), IO(y));
  attr_string(n, "coordinate_transformation_mode", "tf_crop_and_resize");
  attr_string(n, "mode", "linear");
  attr_float(n, "extrapolation_value", -7.0f);
  float out[3];
  bind_and_run(g, x, y, out);
  /* Source coordinates 2, 4 and 6 on an input of 5: the last is outside. */
  OPS_ASSERT_NEAR(out[0], 1.0, 1e-6);
  OPS_ASSERT_NEAR(out[1], 4.0, 1e-6);
  OPS_ASSERT_NEAR(out[2], -7.0, 0.0);

  /* The same roi as f16 (0.5 and 1.5). */
  const uint16_t roi_h[2] = {0x3800, 0x3e00};
  g->tensors[r].dtype = OPS_DTYPE_F16;
  assert_true(ops_tensor_set_data_copy(&g->tensors[r], roi_h, sizeof roi_h));
  memset(out, 0, sizeof out);
  bind_and_run(g, x, y, out);
  OPS_ASSERT_NEAR(out[0], 1.0, 1e-6);
  OPS_ASSERT_NEAR(out[1], 4.0, 1e-6);
  OPS_ASSERT_NEAR(out[2], -7.0, 0.0);
  ops_graph_free(g);
}

/* Linear on f64 and f16 through the same double sums: [1, 3] doubled with half_pixel. */
static void test_resize_f64_f16(void **state) {
  (void)state;
  static const double want[4] = {1.0, 1.5, 2.5, 3.0};
  const float scales[1] = {2.0f};
  struct ops_graph *g = ops_graph_new();
  g->opset = 13;
  const double xd[2] = {1.0, 3.0};
  int x = tensor(g, "X", OPS_DTYPE_F64, DIMS(2), xd, sizeof xd);
  int s = tensor(g, "scales", OPS_DTYPE_F32, DIMS(1), scales, sizeof scales);
  int y = tensor(g, "Y", OPS_DTYPE_F64, DIMS(4), NULL, 0);
  attr_string(node(g, "rs", "Resize", IO(x, -1, s), IO(y)), "mode", "linear");
  double yd[4] = {0};
  bind_and_run(g, x, y, yd);
  for (int i = 0; i < 4; i++)
    OPS_ASSERT_NEAR(yd[i], want[i], 1e-12);
  ops_graph_free(g);

  g = ops_graph_new();
  g->opset = 13;
  const uint16_t xh[2] = {0x3c00, 0x4200}; /* 1.0 and 3.0 in f16 */
  x = tensor(g, "X", OPS_DTYPE_F16, DIMS(2), xh, sizeof xh);
  s = tensor(g, "scales", OPS_DTYPE_F32, DIMS(1), scales, sizeof scales);
  y = tensor(g, "Y", OPS_DTYPE_F16, DIMS(4), NULL, 0);
  attr_string(node(g, "rs", "Resize", IO(x, -1, s), IO(y)), "mode", "linear");
  uint16_t yh[4] = {0};
  bind_and_run(g, x, y, yh);
  /* 1.0, 1.5, 2.5 and 3.0 are exact in f16. */
  static const uint16_t want_h[4] = {0x3c00, 0x3e00, 0x4100, 0x4200};
  for (int i = 0; i < 4; i++)
    assert_int_equal(yh[i], want_h[i]);
  ops_graph_free(g);
}

/* Malformed Resize nodes are refused with a message naming the node and the problem. */
static void test_resize_refusals(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 13;
  const float scales[2] = {1.0f, 2.0f};
  const int64_t sizes[2] = {2, 8};
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 4), NULL, 0);
  int sc = tensor(g, "scales", OPS_DTYPE_F32, DIMS(2), scales, sizeof scales);
  int sz = tensor(g, "sizes", OPS_DTYPE_I64, DIMS(2), sizes, sizeof sizes);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 8), NULL, 0);
  struct ops_node *n = node(g, "rs", "Resize", IO(x, -1, sc, sz), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'rs' (Resize): has both scales and sizes");

  n->n_inputs = 3;
  attr_string(n, "mode", "bicubic");
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "attribute 'mode' is 'bicubic', expected one of nearest, linear");
  free(n->attrs[0].s);
  n->attrs[0].s = ops_strdup("cubic");
  n->attrs[0].s_len = 5;

  /* A zero scale, then a declared output that disagrees with the scales. */
  const float zero[2] = {1.0f, 0.0f};
  assert_true(ops_tensor_set_data_copy(&g->tensors[sc], zero, sizeof zero));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "scale 0 for axis 1 is not a positive number");
  assert_true(ops_tensor_set_data_copy(&g->tensors[sc], scales, sizeof scales));
  g->tensors[y].shape.dims[1] = 9;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "output 'Y' has shape [2, 9], expected [2, 8]");
  g->tensors[y].shape.dims[1] = 8;

  /* Scales known only at run time. */
  g->tensors[sc].role = OPS_TENSOR_INPUT;
  ops_tensor_clear_data(&g->tensors[sc]);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "scales input 'scales' is not a constant");

  /* A count that does not match the rank, and a bad opset-18 axis. */
  g->opset = 18;
  assert_true(ops_tensor_set_data_copy(&g->tensors[sc], scales, sizeof scales));
  attr_ints(n, "axes", INTS(1));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "scales 'scales' has 2 values, expected 1");
  n->attrs[1].ints[0] = -3;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "axes[0] = -3 is out of range for rank 2");
  ops_graph_free(g);
}

/* DepthToSpace in both modes undone by SpaceToDepth (DCR) or checked by formula (CRD). */
static void test_depth_space(void **state) {
  (void)state;
  enum { N = 2, C = 8, H = 2, W = 3, B = 2 };
  int64_t xv[N * C * H * W];
  for (int i = 0; i < N * C * H * W; i++)
    xv[i] = 1000 + i;
  for (int crd = 0; crd < 2; crd++) {
    struct ops_graph *g = ops_graph_new();
    g->opset = 13;
    int x = tensor(g, "X", OPS_DTYPE_I64, DIMS(N, C, H, W), xv, sizeof xv);
    int y = tensor(g, "Y", OPS_DTYPE_I64, DIMS(N, C / 4, H * B, W * B), NULL, 0);
    struct ops_node *n = node(g, "d2s", "DepthToSpace", IO(x), IO(y));
    attr_int(n, "blocksize", B);
    if (crd) attr_string(n, "mode", "CRD");
    int64_t yv[N * C * H * W];
    bind_and_run(g, x, y, yv);
    for (int b = 0; b < N; b++) {
      for (int c = 0; c < C / 4; c++) {
        for (int h = 0; h < H * B; h++) {
          for (int w = 0; w < W * B; w++) {
            int i = h % B, j = w % B;
            int cx = crd ? c * B * B + i * B + j : (i * B + j) * (C / 4) + c;
            int64_t want = xv[((b * C + cx) * H + h / B) * W + w / B];
            assert_int_equal(yv[((b * (C / 4) + c) * H * B + h) * W * B + w], want);
          }
        }
      }
    }
    if (!crd) {
      /* SpaceToDepth undoes DCR. */
      int y2 = tensor(g, "Y2", OPS_DTYPE_I64, DIMS(N, C, H, W), NULL, 0);
      ops_tensor_set_data_copy(&g->tensors[y], yv, sizeof yv);
      attr_int(node(g, "s2d", "SpaceToDepth", IO(y), IO(y2)), "blocksize", B);
      int64_t back[N * C * H * W];
      bind_and_run(g, y, y2, back);
      for (int i = 0; i < N * C * H * W; i++)
        assert_int_equal(back[i], xv[i]);
    }
    ops_graph_free(g);
  }
}

static void test_depth_space_refusals(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 13;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 6, 2, 2), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 1, 4, 4), NULL, 0);
  struct ops_node *n = node(g, "d2s", "DepthToSpace", IO(x), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg,
                      "node 'd2s' (DepthToSpace): required attribute 'blocksize' is missing");
  attr_int(n, "blocksize", 2);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "channels 6 are not a multiple of blocksize^2 = 4");
  n->attrs[0].i = 0;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "attribute 'blocksize' is 0, expected a positive size");
  n->attrs[0].i = 1;
  attr_string(n, "mode", "RDC");
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "attribute 'mode' is 'RDC', expected DCR or CRD");

  int x3 = tensor(g, "X3", OPS_DTYPE_F32, DIMS(1, 1, 3), NULL, 0);
  int y3 = tensor(g, "Y3", OPS_DTYPE_F32, DIMS(1, 1, 3), NULL, 0);
  attr_int(node(g, "s2d", "SpaceToDepth", IO(x3), IO(y3)), "blocksize", 1);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 's2d' (SpaceToDepth): tensor 'X3' has rank 3, expected 4");
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_resize_antialias),
      cmocka_unit_test(test_resize_axes_policy),
      cmocka_unit_test(test_resize_nearest_any_dtype),
      cmocka_unit_test(test_resize_crop_extrapolation),
      cmocka_unit_test(test_resize_f64_f16),
      cmocka_unit_test(test_resize_refusals),
      cmocka_unit_test(test_depth_space),
      cmocka_unit_test(test_depth_space_refusals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
