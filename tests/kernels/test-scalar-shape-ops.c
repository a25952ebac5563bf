/*
 * Tests of the data-movement and fill kernels (kernels/scalar/pad.c, tile-expand.c,
 * split-compress.c, fill.c, trilu.c, cumsum.c) against hand-computed values, and of their binder
 * (compiler/bind-scalar-shape-ops.c) on hand-built graphs. They cover what the ONNX conformance
 * cases do not: pads wider than the input in reflect and wrap modes, negative pads, element
 * sizes other than 4 bytes, empty tensors, negative axes, omitted Split outputs, a Compress
 * condition that changed at run time, out-of-range and NaN OneHot indices, and refusals that
 * name the node (bad modes, repeated axes, non-constant shape inputs, splits that do not add up).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "graph-builder.h"
#include "kernel-tester.h"

#include "compiler/bind.h"
#include "kernels/params-shape-ops.h"
#include "kernels/scalar/scalar.h"
#include "opscope.h"
#include "src/graph.h"
#include "src/shape-infer.h"

/* ---- kernels ---- */

static void test_pad_modes(void **state) {
  (void)state;
  const float x[4] = {1, 2, 3, 4};
  /* Pads of 5 before and 6 after a 4-element axis: wider than the input, so reflect repeats its
   * mirror (period 6) and wrap its cycle, as numpy.pad does. */
  const float want[OPS_PAD_MODE_COUNT][15] = {
      {9, 9, 9, 9, 9, 1, 2, 3, 4, 9, 9, 9, 9, 9, 9},
      {2, 3, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 2, 3, 4},
      {1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4},
      {4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4, 1, 2},
  };
  for (int m = 0; m < OPS_PAD_MODE_COUNT; m++) {
    struct ops_pad_params p = {.mode = (enum ops_pad_mode)m, .begin = {5}};
    const float nine = 9;
    memcpy(p.value, &nine, sizeof nine);
    float y[15];
    struct kt k;
    kt_init(&k);
    kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(4));
    kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(15));
    assert_int_equal(kt_run(&k, ops_any_pad_kernel__scalar, &p), OPS_KRESULT_OK);
    for (int i = 0; i < 15; i++)
      assert_float_equal(y[i], want[m][i], 0);
  }
}

/* A negative begin crops; 8-byte elements and a fill read from input 2 at run time. */
static void test_pad_crop_f64_fill_input(void **state) {
  (void)state;
  const double x[2][3] = {{1, 2, 3}, {4, 5, 6}};
  const double fill = -7.5;
  double y[3][3];
  struct ops_pad_params p = {
      .mode = OPS_PAD_MODE_CONSTANT, .begin = {0, -1}, .value_from_input = true};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F64, KT_DIMS(2, 3));
  kt_in(&k, NULL, OPSCOPE_DTYPE_I64, KT_DIMS(4));
  kt_in(&k, &fill, OPSCOPE_DTYPE_F64, KT_SCALAR);
  kt_out(&k, y, OPSCOPE_DTYPE_F64, KT_DIMS(3, 3));
  assert_int_equal(kt_run(&k, ops_any_pad_kernel__scalar, &p), OPS_KRESULT_OK);
  const double want[3][3] = {{2, 3, fill}, {5, 6, fill}, {fill, fill, fill}};
  for (int i = 0; i < 3; i++) {
    for (int j = 0; j < 3; j++)
      assert_float_equal(y[i][j], want[i][j], 0);
  }
}

static void test_tile_expand_u8(void **state) {
  (void)state;
  const uint8_t x[2] = {7, 8};
  uint8_t y[12];
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_U8, KT_DIMS(2, 1));
  kt_out(&k, y, OPSCOPE_DTYPE_U8, KT_DIMS(4, 3));
  assert_int_equal(kt_run(&k, ops_any_tile_kernel__scalar, NULL), OPS_KRESULT_OK);
  const uint8_t tiled[12] = {7, 7, 7, 8, 8, 8, 7, 7, 7, 8, 8, 8};
  assert_memory_equal(y, tiled, sizeof tiled);

  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_U8, KT_DIMS(2, 1));
  kt_out(&k, y, OPSCOPE_DTYPE_U8, KT_DIMS(2, 2, 3));
  assert_int_equal(kt_run(&k, ops_any_expand_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_memory_equal(y, tiled, sizeof tiled);

  /* An empty output writes nothing. */
  memset(y, 0xAB, sizeof y);
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_U8, KT_DIMS(2, 1));
  kt_out(&k, y, OPSCOPE_DTYPE_U8, KT_DIMS(0, 2, 3));
  assert_int_equal(kt_run(&k, ops_any_expand_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[0], 0xAB);
}

static void test_split_omitted_and_empty(void **state) {
  (void)state;
  const int16_t x[2][5] = {{0, 1, 2, 3, 4}, {5, 6, 7, 8, 9}};
  int16_t a[4], c[6];
  struct ops_split_params *p = malloc(sizeof *p + 4 * sizeof(int64_t));
  p->axis = 1;
  p->n = 4;
  p->sizes[0] = 2, p->sizes[1] = 0, p->sizes[2] = 0, p->sizes[3] = 3;
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I16, KT_DIMS(2, 5));
  kt_out(&k, a, OPSCOPE_DTYPE_I16, KT_DIMS(2, 2));
  kt_out(&k, NULL, 0, KT_DIMS(2, 0)); /* an empty part */
  kt_out(&k, NULL, 0, KT_SCALAR);     /* an omitted output */
  kt_out(&k, c, OPSCOPE_DTYPE_I16, KT_DIMS(2, 3));
  assert_int_equal(kt_run(&k, ops_any_split_kernel__scalar, p), OPS_KRESULT_OK);
  const int16_t want_a[4] = {0, 1, 5, 6}, want_c[6] = {2, 3, 4, 7, 8, 9};
  assert_memory_equal(a, want_a, sizeof want_a);
  assert_memory_equal(c, want_c, sizeof want_c);
  free(p);
}

/* NonZero by value: -0.0 is zero, NaN is not; coordinates row-major, one row per dim; an
 * output sized for another count is refused. */
static void test_non_zero(void **state) {
  (void)state;
  const float x[2][3] = {{0.0f, -0.0f, 2.0f}, {NAN, 0.0f, -1.0f}};
  int64_t y[2][3];
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3));
  kt_out(&k, y, OPSCOPE_DTYPE_I64, KT_DIMS(2, 3));
  assert_int_equal(kt_run(&k, ops_any_non_zero_kernel__scalar, NULL), OPS_KRESULT_OK);
  const int64_t want[2][3] = {{0, 1, 1}, {2, 0, 2}};
  assert_memory_equal(y, want, sizeof want);
  const uint16_t h[4] = {0x8000u, 0x3c00u, 0x0000u, 0x0001u}; /* -0, 1, +0, a subnormal */
  int64_t yh[1][2];
  kt_init(&k);
  kt_in(&k, h, OPSCOPE_DTYPE_F16, KT_DIMS(4));
  kt_out(&k, yh, OPSCOPE_DTYPE_I64, KT_DIMS(1, 2));
  assert_int_equal(kt_run(&k, ops_any_non_zero_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(yh[0][0], 1);
  assert_int_equal(yh[0][1], 3);
  int64_t small[2][2];
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3));
  kt_out(&k, small, OPSCOPE_DTYPE_I64, KT_DIMS(2, 2));
  assert_int_equal(kt_run(&k, ops_any_non_zero_kernel__scalar, NULL), OPS_KRESULT_BAD_VALUE);
}

static void test_compress(void **state) {
  (void)state;
  const float x[3][2] = {{1, 2}, {3, 4}, {5, 6}};
  /* A condition shorter than the axis leaves the rest out. */
  const uint8_t cond[2] = {0, 1};
  float y[2];
  struct ops_compress_params p = {.axis = 0};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  kt_in(&k, cond, OPSCOPE_DTYPE_BOOL, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(1, 2));
  assert_int_equal(kt_run(&k, ops_any_compress_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_float_equal(y[0], 3, 0);
  assert_float_equal(y[1], 4, 0);
  /* Flattened: the first five elements, every other one. */
  const uint8_t every_other[5] = {1, 0, 1, 0, 1};
  float z[3];
  p.axis = -1;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  kt_in(&k, every_other, OPSCOPE_DTYPE_BOOL, KT_DIMS(5));
  kt_out(&k, z, OPSCOPE_DTYPE_F32, KT_DIMS(3));
  assert_int_equal(kt_run(&k, ops_any_compress_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_float_equal(z[0], 1, 0);
  assert_float_equal(z[1], 3, 0);
  assert_float_equal(z[2], 5, 0);
  /* A condition that selects another count than the output was sized for is refused. */
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  kt_in(&k, every_other, OPSCOPE_DTYPE_BOOL, KT_DIMS(5));
  kt_out(&k, z, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_any_compress_kernel__scalar, &p), OPS_KRESULT_BAD_VALUE);
}

static void test_cumsum_in_place(void **state) {
  (void)state;
  /* Exclusive and reverse along axis 0 of [3, 2], in place, with int32 wrap-around. */
  int32_t x[3][2] = {{1, INT32_MAX}, {2, 1}, {3, 1}};
  struct ops_cumsum_params p = {.axis = 0, .exclusive = true, .reverse = true};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I32, KT_DIMS(3, 2));
  kt_out(&k, x, OPSCOPE_DTYPE_I32, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_i32_cumsum_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_int_equal(x[0][0], 5);
  assert_int_equal(x[1][0], 3);
  assert_int_equal(x[2][0], 0);
  assert_int_equal(x[0][1], 2);
  assert_int_equal(x[2][1], 0);

  const float f[4] = {0.5f, 0.25f, 1.0f, -2.0f};
  float g[4];
  p = (struct ops_cumsum_params){.axis = 0};
  kt_init(&k);
  kt_in(&k, f, OPSCOPE_DTYPE_F32, KT_DIMS(4));
  kt_out(&k, g, OPSCOPE_DTYPE_F32, KT_DIMS(4));
  assert_int_equal(kt_run(&k, ops_f32_cumsum_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_float_equal(g[3], -0.25f, 0);
}

static void test_trilu_eye_like(void **state) {
  (void)state;
  const int64_t x[2][3] = {{1, 2, 3}, {4, 5, 6}};
  int64_t y[2][3];
  struct ops_trilu_params p = {.upper = false, .k = -1};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I64, KT_DIMS(2, 3));
  kt_out(&k, y, OPSCOPE_DTYPE_I64, KT_DIMS(2, 3));
  assert_int_equal(kt_run(&k, ops_any_trilu_kernel__scalar, &p), OPS_KRESULT_OK);
  const int64_t lower[2][3] = {{0, 0, 0}, {4, 0, 0}};
  assert_memory_equal(y, lower, sizeof lower);
  p = (struct ops_trilu_params){.upper = true, .k = 1};
  assert_int_equal(kt_run(&k, ops_any_trilu_kernel__scalar, &p), OPS_KRESULT_OK);
  const int64_t upper[2][3] = {{0, 2, 3}, {0, 0, 6}};
  assert_memory_equal(y, upper, sizeof upper);

  double e[3][2];
  struct ops_eye_like_params ep = {.k = -1};
  const double one = 1.0;
  memcpy(ep.one, &one, sizeof one);
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I64, KT_DIMS(3, 2));
  kt_out(&k, e, OPSCOPE_DTYPE_F64, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_any_eye_like_kernel__scalar, &ep), OPS_KRESULT_OK);
  const double eye[3][2] = {{0, 0}, {1, 0}, {0, 1}};
  assert_memory_equal(e, eye, sizeof eye);
}

static void test_one_hot_indices(void **state) {
  (void)state;
  /* Float indices truncate; -1 counts from depth; 3 and NaN are out of range (all off). */
  const float ind[5] = {1.9f, -1.0f, 3.0f, NAN, -3.5f};
  const int32_t values[2] = {-1, 5};
  int32_t y[5][3];
  struct ops_one_hot_params p = {.axis = 1, .depth = 3};
  struct kt k;
  kt_init(&k);
  kt_in(&k, ind, OPSCOPE_DTYPE_F32, KT_DIMS(5));
  kt_in(&k, NULL, OPSCOPE_DTYPE_I64, KT_SCALAR);
  kt_in(&k, values, OPSCOPE_DTYPE_I32, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_I32, KT_DIMS(5, 3));
  assert_int_equal(kt_run(&k, ops_any_one_hot_kernel__scalar, &p), OPS_KRESULT_OK);
  const int32_t want[5][3] = {{-1, 5, -1}, {-1, -1, 5}, {-1, -1, -1}, {-1, -1, -1}, {5, -1, -1}};
  assert_memory_equal(y, want, sizeof want);
  /* Axis 0: the new dim comes first. */
  const int64_t ind2[2] = {0, 2};
  uint8_t z[3][2];
  const uint8_t v2[2] = {0, 1};
  p.axis = 0;
  kt_init(&k);
  kt_in(&k, ind2, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  kt_in(&k, NULL, OPSCOPE_DTYPE_I64, KT_SCALAR);
  kt_in(&k, v2, OPSCOPE_DTYPE_U8, KT_DIMS(2));
  kt_out(&k, z, OPSCOPE_DTYPE_U8, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_any_one_hot_kernel__scalar, &p), OPS_KRESULT_OK);
  const uint8_t want2[3][2] = {{1, 0}, {0, 0}, {0, 1}};
  assert_memory_equal(z, want2, sizeof want2);
}

static void test_range_and_fill(void **state) {
  (void)state;
  const int16_t start = 30000, limit = -30000, delta = -20000;
  int16_t y[3];
  struct kt k;
  kt_init(&k);
  kt_in(&k, &start, OPSCOPE_DTYPE_I16, KT_SCALAR);
  kt_in(&k, &limit, OPSCOPE_DTYPE_I16, KT_SCALAR);
  kt_in(&k, &delta, OPSCOPE_DTYPE_I16, KT_SCALAR);
  kt_out(&k, y, OPSCOPE_DTYPE_I16, KT_DIMS(3));
  assert_int_equal(kt_run(&k, ops_i16_range_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_int_equal(y[0], 30000);
  assert_int_equal(y[1], 10000);
  assert_int_equal(y[2], -10000);

  const double fs = 1.0, fl = 2.0, fd = 0.25;
  double fy[4];
  kt_init(&k);
  kt_in(&k, &fs, OPSCOPE_DTYPE_F64, KT_SCALAR);
  kt_in(&k, &fl, OPSCOPE_DTYPE_F64, KT_SCALAR);
  kt_in(&k, &fd, OPSCOPE_DTYPE_F64, KT_SCALAR);
  kt_out(&k, fy, OPSCOPE_DTYPE_F64, KT_DIMS(4));
  assert_int_equal(kt_run(&k, ops_f64_range_kernel__scalar, NULL), OPS_KRESULT_OK);
  assert_float_equal(fy[3], 1.75, 0);

  struct ops_fill_params fp;
  const uint16_t h = 0x3C00; /* f16 1.0 */
  memset(&fp, 0, sizeof fp);
  memcpy(fp.value, &h, sizeof h);
  uint16_t hy[5];
  kt_init(&k);
  kt_in(&k, NULL, OPSCOPE_DTYPE_I64, KT_DIMS(1));
  kt_out(&k, hy, OPSCOPE_DTYPE_F16, KT_DIMS(5));
  assert_int_equal(kt_run(&k, ops_any_constant_of_shape_kernel__scalar, &fp), OPS_KRESULT_OK);
  for (int i = 0; i < 5; i++)
    assert_int_equal(hy[i], 0x3C00);
}

/* ---- binder ---- */

static enum ops_status bind(const struct ops_graph *g, struct ops_binding *b, struct ops_diag *d) {
  ops_diag_init(d, "m.onnx");
  return ops_bind_scalar(g, &g->nodes[g->n_nodes - 1], b, d);
}

/* Opset 18 Pad with a negative axis; the pads resolve per axis. */
static void test_bind_pad_axes(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 18;
  const int64_t pads[2] = {1, 2}, axes[1] = {-1};
  const float fill = 3.0f;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  int pt = tensor(g, "pads", OPS_DTYPE_I64, DIMS(2), pads, sizeof pads);
  int vt = tensor(g, "v", OPS_DTYPE_F32, DIMS(0), &fill, sizeof fill);
  g->tensors[vt].shape = ops_shape_make(0, NULL);
  int at = tensor(g, "axes", OPS_DTYPE_I64, DIMS(1), axes, sizeof axes);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 6), NULL, 0);
  struct ops_node *n = node(g, "pad", "Pad", IO(x, pt, vt, at), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_any_pad_kernel__scalar");
  const struct ops_pad_params *p = b.params;
  assert_int_equal(p->begin[0], 0);
  assert_int_equal(p->begin[1], 1);
  assert_false(p->value_from_input);
  assert_memory_equal(p->value, &fill, sizeof fill);
  ops_binding_done(&b);

  attr_string(n, "mode", "mirror");
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'pad' (Pad): mode 'mirror' is not one of");
  n->n_attrs = 0;
  free(n->attrs[0].name);
  free(n->attrs[0].s);

  /* The same axis twice. */
  const int64_t two_axes[2] = {1, -1}, four_pads[4] = {0, 0, 0, 0};
  ops_tensor_set_data_copy(&g->tensors[at], two_axes, sizeof two_axes);
  g->tensors[at].shape = ops_shape_make(DIMS(2));
  ops_tensor_set_data_copy(&g->tensors[pt], four_pads, sizeof four_pads);
  g->tensors[pt].shape = ops_shape_make(DIMS(4));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "axis 1 is listed twice");

  /* Pads known only at run time. */
  g->tensors[at].shape = ops_shape_make(DIMS(1));
  g->tensors[pt].role = OPS_TENSOR_INPUT;
  ops_tensor_clear_data(&g->tensors[pt]);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "pads 'pads' is not a constant");
  ops_graph_free(g);
}

/* Opset 2: pads and value as attributes; reflect cannot pad an empty axis. */
static void test_bind_pad_attrs(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 2;
  int x = tensor(g, "X", OPS_DTYPE_I32, DIMS(0, 2), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_I32, DIMS(2, 2), NULL, 0);
  struct ops_node *n = node(g, "p2", "Pad", IO(x), IO(y));
  attr_ints(n, "pads", INTS(1, 0, 1, 0));
  add_attr(n, "value", OPS_ATTR_FLOAT)->f = -4.0f;
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  int32_t v;
  memcpy(&v, ((const struct ops_pad_params *)b.params)->value, sizeof v);
  assert_int_equal(v, -4);
  ops_binding_done(&b);
  attr_string(n, "mode", "reflect");
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'p2' (Pad): mode 'reflect' cannot pad axis 0, which is empty");
  /* A fill that is no value of i32. */
  free(n->attrs[2].s);
  n->attrs[2].s = ops_strdup("constant");
  n->attrs[1].f = 0.5f;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "attribute 'value' 0.5 is not a value of i32");
  ops_graph_free(g);
}

static void test_bind_split(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 18;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 7), NULL, 0);
  int y0 = tensor(g, "Y0", OPS_DTYPE_F32, DIMS(2, 2), NULL, 0);
  int y1 = tensor(g, "Y1", OPS_DTYPE_F32, DIMS(2, 2), NULL, 0);
  int y2 = tensor(g, "Y2", OPS_DTYPE_F32, DIMS(2, 2), NULL, 0);
  int y3 = tensor(g, "Y3", OPS_DTYPE_F32, DIMS(2, 1), NULL, 0);
  struct ops_node *n = node(g, "sp", "Split", IO(x), IO(y0, y1, y2, y3));
  attr_int(n, "axis", -1);
  attr_int(n, "num_outputs", 4);
  struct ops_diag d;
  struct ops_binding b;
  /* 7 in 4 parts: ceil(7 / 4) = 2 each, the last one 1. */
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_split_params *p = b.params;
  assert_int_equal(p->axis, 1);
  assert_int_equal(p->n, 4);
  assert_int_equal(p->sizes[3], 1);
  ops_binding_done(&b);
  /* Before opset 18 the parts must be equal. */
  g->opset = 13;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'sp' (Split): axis 1 of 7 elements does not split into 4 equal");
  /* num_outputs must count the outputs. */
  g->opset = 18;
  n->attrs[1].i = 3;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "attribute 'num_outputs' is 3 but the node has 4 outputs");
  n->n_attrs = 1;
  free(n->attrs[1].name);
  /* An explicit split that does not add up. */
  attr_ints(n, "split", INTS(2, 2, 2, 2));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "split sums to 8 but axis 1 has 7 elements");
  ops_graph_free(g);
}

static void test_bind_compress_onehot_cumsum(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 11;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(3, 2), NULL, 0);
  int cond = tensor(g, "cond", OPS_DTYPE_BOOL, DIMS(3), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 2), NULL, 0);
  attr_int(node(g, "cmp", "Compress", IO(x, cond), IO(y)), "axis", 0);
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg,
                      "node 'cmp' (Compress): condition 'cond' is not a constant; the output "
                      "shape depends on its value");
  const uint8_t c[3] = {1, 0, 1};
  ops_tensor_set_data_copy(&g->tensors[cond], c, sizeof c);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  ops_binding_done(&b);
  ops_graph_free(g);

  g = ops_graph_new();
  g->opset = 11;
  const float depth0 = 0.0f;
  const float values[2] = {0, 1};
  int ind = tensor(g, "ind", OPS_DTYPE_I64, DIMS(3), NULL, 0);
  int dt = tensor(g, "depth", OPS_DTYPE_F32, DIMS(1), &depth0, sizeof depth0);
  int vt = tensor(g, "values", OPS_DTYPE_F32, DIMS(2), values, sizeof values);
  y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(3, 0), NULL, 0);
  node(g, "oh", "OneHot", IO(ind, dt, vt), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'oh' (OneHot): depth 'depth' is 0, expected at least 1");
  ops_graph_free(g);

  g = ops_graph_new();
  const int32_t axis = -3;
  x = tensor(g, "X", OPS_DTYPE_F64, DIMS(2, 3), NULL, 0);
  int at = tensor(g, "axis", OPS_DTYPE_I32, DIMS(1), &axis, sizeof axis);
  y = tensor(g, "Y", OPS_DTYPE_F64, DIMS(2, 3), NULL, 0);
  node(g, "cs", "CumSum", IO(x, at), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'cs' (CumSum): axis -3 is out of range for rank 2");
  const int32_t axis_ok = -2;
  ops_tensor_set_data_copy(&g->tensors[at], &axis_ok, sizeof axis_ok);
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_f64_cumsum_kernel__scalar");
  assert_int_equal(((const struct ops_cumsum_params *)b.params)->axis, 0);
  ops_binding_done(&b);
  ops_graph_free(g);
}

static void test_bind_tile_expand_trilu(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  const int64_t reps[2] = {2, -1};
  int x = tensor(g, "X", OPS_DTYPE_I8, DIMS(2, 3), NULL, 0);
  int r = tensor(g, "reps", OPS_DTYPE_I64, DIMS(2), reps, sizeof reps);
  int y = tensor(g, "Y", OPS_DTYPE_I8, DIMS(4, 3), NULL, 0);
  node(g, "tl", "Tile", IO(x, r), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'tl' (Tile): repeat -1 of axis 1");
  ops_graph_free(g);

  g = ops_graph_new();
  const int64_t shape[2] = {4, 2};
  x = tensor(g, "X", OPS_DTYPE_F32, DIMS(3), NULL, 0);
  int s = tensor(g, "shape", OPS_DTYPE_I64, DIMS(2), shape, sizeof shape);
  y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(4, 3), NULL, 0);
  node(g, "ex", "Expand", IO(x, s), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'ex' (Expand): input dim 3 does not broadcast to 2");
  ops_graph_free(g);

  g = ops_graph_new();
  const int64_t k = INT64_MIN;
  x = tensor(g, "X", OPS_DTYPE_BOOL, DIMS(3, 4), NULL, 0);
  int kt = tensor(g, "k", OPS_DTYPE_I64, DIMS(0), &k, sizeof k);
  g->tensors[kt].shape = ops_shape_make(0, NULL);
  y = tensor(g, "Y", OPS_DTYPE_BOOL, DIMS(3, 4), NULL, 0);
  attr_int(node(g, "tri", "Trilu", IO(x, kt), IO(y)), "upper", 0);
  /* An extreme k is clamped just past the corner. */
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_int_equal(((const struct ops_trilu_params *)b.params)->k, -4);
  ops_binding_done(&b);
  g->tensors[x].shape = ops_shape_make(DIMS(12));
  g->tensors[y].shape = ops_shape_make(DIMS(12));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "input 'X' has rank 1, expected at least 2");
  ops_graph_free(g);
}

/* Range with known values: the output count is checked. */
static void test_bind_range(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  const float start = 1.0f, limit = 2.0f, delta = 0.3f;
  int s = tensor(g, "start", OPS_DTYPE_F32, DIMS(1), &start, sizeof start);
  int l = tensor(g, "limit", OPS_DTYPE_F32, DIMS(1), &limit, sizeof limit);
  int dl = tensor(g, "delta", OPS_DTYPE_F32, DIMS(1), &delta, sizeof delta);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(4), NULL, 0);
  node(g, "rg", "Range", IO(s, l, dl), IO(y));
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_f32_range_kernel__scalar");
  ops_binding_done(&b);
  g->tensors[y].shape = ops_shape_make(DIMS(3));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'rg' (Range): output 'Y' has shape [3], expected [4]");
  ops_graph_free(g);

  /* From INT32_MIN to INT32_MAX by 2^30: the difference does not fit i32, the count does. */
  g = ops_graph_new();
  const int32_t is = INT32_MIN, il = INT32_MAX, id = 1 << 30;
  s = tensor(g, "start", OPS_DTYPE_I32, DIMS(1), &is, sizeof is);
  l = tensor(g, "limit", OPS_DTYPE_I32, DIMS(1), &il, sizeof il);
  dl = tensor(g, "delta", OPS_DTYPE_I32, DIMS(1), &id, sizeof id);
  y = tensor(g, "Y", OPS_DTYPE_I32, DIMS(4), NULL, 0);
  node(g, "rg", "Range", IO(s, l, dl), IO(y));
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  ops_binding_done(&b);
  ops_graph_free(g);
}

/* ---- shape inference ---- */

/* A graph input (no value) or an initializer (with one). */
static int given(struct ops_graph *g, const char *name, enum ops_dtype dtype, int rank,
                 const int64_t *dims, const void *data, size_t nbytes) {
  int t = tensor(g, name, dtype, rank, dims, data, nbytes);
  if (data == NULL) g->tensors[t].role = OPS_TENSOR_INPUT;
  return t;
}

static int out(struct ops_graph *g, const char *name) {
  return tensor(g, name, OPS_DTYPE_UNDEFINED, 0, NULL, NULL, 0);
}

static void assert_shape(const struct ops_graph *g, int t, enum ops_dtype dtype, const char *want) {
  char s[160];
  assert_int_equal(g->tensors[t].dtype, dtype);
  assert_string_equal(ops_shape_format(&g->tensors[t].shape, s, sizeof s), want);
}

static void test_shape_infer_forms(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 18;
  const int64_t pads[2] = {2, 1}, axes[1] = {-2};
  int x = given(g, "X", OPS_DTYPE_U16, DIMS(2, 3, 4), NULL, 0);
  int pt = given(g, "pads", OPS_DTYPE_I64, DIMS(2), pads, sizeof pads);
  int at = given(g, "axes", OPS_DTYPE_I64, DIMS(1), axes, sizeof axes);
  int dyn = given(g, "dyn", OPS_DTYPE_I64, DIMS(3), NULL, 0);
  int cond = given(g, "cond", OPS_DTYPE_BOOL, DIMS(2), NULL, 0);
  int pad_y = out(g, "pad_y"), pad_dyn = out(g, "pad_dyn");
  int sp[3] = {out(g, "s0"), out(g, "s1"), out(g, "s2")};
  int ex = out(g, "ex"), cos = out(g, "cos"), cmp = out(g, "cmp"), oh = out(g, "oh");
  node(g, "pad", "Pad", IO(x, pt, -1, at), IO(pad_y));
  node(g, "pad_dyn", "Pad", IO(x, dyn), IO(pad_dyn));
  attr_int(node(g, "split", "Split", IO(x), IO(sp[0], sp[1], sp[2])), "num_outputs", 3);
  node(g, "expand", "Expand", IO(x, dyn), IO(ex));
  node(g, "cos", "ConstantOfShape", IO(dyn), IO(cos));
  attr_int(node(g, "compress", "Compress", IO(x, cond), IO(cmp)), "axis", -1);
  const float depth = 5.9f;
  const float values[2] = {0, 1};
  int dt = given(g, "depth", OPS_DTYPE_F32, DIMS(1), &depth, sizeof depth);
  int vt = given(g, "values", OPS_DTYPE_F32, DIMS(2), values, sizeof values);
  attr_int(node(g, "onehot", "OneHot", IO(x, dt, vt), IO(oh)), "axis", 1);
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  assert_int_equal(ops_shape_infer(g, &d), OPS_OK);
  assert_shape(g, pad_y, OPS_DTYPE_U16, "[2, 6, 4]");
  /* Pads known only at run time: the rank stays. */
  assert_shape(g, pad_dyn, OPS_DTYPE_U16, "[?, ?, ?]");
  /* 2 in 3 parts from opset 18: ceil(2 / 3) = 1 each, and the last gets what is left (0), as
   * the ONNX reference does. */
  assert_shape(g, sp[0], OPS_DTYPE_U16, "[1, 3, 4]");
  assert_shape(g, sp[2], OPS_DTYPE_U16, "[0, 3, 4]");
  assert_shape(g, ex, OPS_DTYPE_U16, "[?, ?, ?]");
  assert_shape(g, cos, OPS_DTYPE_F32, "[?, ?, ?]");
  assert_shape(g, cmp, OPS_DTYPE_U16, "[2, 3, ?]");
  assert_shape(g, oh, OPS_DTYPE_F32, "[2, 5, 3, 4]");
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pad_modes),
      cmocka_unit_test(test_pad_crop_f64_fill_input),
      cmocka_unit_test(test_tile_expand_u8),
      cmocka_unit_test(test_split_omitted_and_empty),
      cmocka_unit_test(test_compress),
      cmocka_unit_test(test_non_zero),
      cmocka_unit_test(test_cumsum_in_place),
      cmocka_unit_test(test_trilu_eye_like),
      cmocka_unit_test(test_one_hot_indices),
      cmocka_unit_test(test_range_and_fill),
      cmocka_unit_test(test_bind_pad_axes),
      cmocka_unit_test(test_bind_pad_attrs),
      cmocka_unit_test(test_bind_split),
      cmocka_unit_test(test_bind_compress_onehot_cumsum),
      cmocka_unit_test(test_bind_tile_expand_trilu),
      cmocka_unit_test(test_bind_range),
      cmocka_unit_test(test_shape_infer_forms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
