/*
 * Tests of the index kernels (kernels/scalar/gather-index.c, scatter-index.c) and their binding
 * (compiler/bind-scalar-index.c), beyond what the ONNX conformance cases cover: i32 indices,
 * negative indices and axes, indices smaller than data off the axis, batch_dims, every scatter
 * reduction in float and integer dtypes (integer add wrapping without overflow), a ScatterND
 * index depth of 0, empty indices, and out-of-range indices, which must fail the run with Y
 * untouched. The binder tests check that bad shapes and attributes are refused with a message
 * naming the node and the problem.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "graph-builder.h"
#include "kernel-tester.h"

#include "compiler/bind.h"
#include "kernels/params-index.h"
#include "kernels/scalar/scalar.h"
#include "opscope.h"
#include "src/graph.h"

/* GatherElements on a [2, 3, 4] tensor along each axis, with i32 and i64 indices that are
 * smaller than data off the axis and partly negative, against a plain loop. */
static void test_gather_elements_axes(void **state) {
  (void)state;
  float x[24];
  for (int i = 0; i < 24; i++)
    x[i] = (float)i;
  const int64_t xd[3] = {2, 3, 4};
  for (int axis = 0; axis < 3; axis++) {
    /* Indices [2, 2, 3] (at most data's dims), values in [-len, len). */
    int64_t idx64[12];
    int32_t idx32[12];
    int64_t len = xd[axis];
    for (int i = 0; i < 12; i++) {
      idx64[i] = (i * 7 + axis) % (2 * len) - len;
      idx32[i] = (int32_t)idx64[i];
    }
    struct ops_elements_params p = {.axis = axis};
    for (int use32 = 0; use32 < 2; use32++) {
      float y[12];
      struct kt k;
      kt_init(&k);
      kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(2, 3, 4));
      kt_in(&k, use32 ? (const void *)idx32 : (const void *)idx64,
            use32 ? OPSCOPE_DTYPE_I32 : OPSCOPE_DTYPE_I64, KT_DIMS(2, 2, 3));
      kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2, 3));
      assert_int_equal(kt_run(&k, ops_any_gather_elements_kernel__scalar, &p), OPS_KRESULT_OK);
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          for (int c = 0; c < 3; c++) {
            int j = (a * 2 + b) * 3 + c;
            int64_t pos[3] = {a, b, c};
            int64_t v = idx64[j] < 0 ? idx64[j] + len : idx64[j];
            pos[axis] = v;
            assert_true(y[j] == x[(pos[0] * 3 + pos[1]) * 4 + pos[2]]);
          }
        }
      }
    }
  }
}

/* An index outside [-len, len) fails the run and leaves Y as it was; empty indices are fine. */
static void test_gather_elements_out_of_range(void **state) {
  (void)state;
  const double x[4] = {1, 2, 3, 4};
  const int64_t idx[2] = {1, -3};
  double y[2] = {-7, -7};
  struct ops_elements_params p = {.axis = 1};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F64, KT_DIMS(2, 2));
  kt_in(&k, idx, OPSCOPE_DTYPE_I64, KT_DIMS(2, 1));
  kt_out(&k, y, OPSCOPE_DTYPE_F64, KT_DIMS(2, 1));
  assert_int_equal(kt_run(&k, ops_any_gather_elements_kernel__scalar, &p),
                   OPS_KRESULT_INDEX_OUT_OF_RANGE);
  assert_true(y[0] == -7 && y[1] == -7);

  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F64, KT_DIMS(2, 2));
  kt_in(&k, idx, OPSCOPE_DTYPE_I64, KT_DIMS(0, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_F64, KT_DIMS(0, 2));
  assert_int_equal(kt_run(&k, ops_any_gather_elements_kernel__scalar, &p), OPS_KRESULT_OK);
}

/* GatherND with batch_dims 1 and a full-depth index (scalar slices), i32 indices with negative
 * values, and an out-of-range coordinate in the second position of a tuple. */
static void test_gather_nd(void **state) {
  (void)state;
  int16_t x[12]; /* [2, 3, 2] */
  for (int i = 0; i < 12; i++)
    x[i] = (int16_t)(100 + i);
  /* batch_dims 1, indices [2, 2, 2]: each batch picks two [row, col] elements. */
  const int32_t idx[8] = {0, 1, -1, 0, 2, -1, 1, 0};
  int16_t y[4];
  struct ops_nd_params p = {.batch_dims = 1, .index_depth = 2};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I16, KT_DIMS(2, 3, 2));
  kt_in(&k, idx, OPSCOPE_DTYPE_I32, KT_DIMS(2, 2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_I16, KT_DIMS(2, 2));
  assert_int_equal(kt_run(&k, ops_any_gather_nd_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_int_equal(y[0], 101); /* batch 0, [0, 1] */
  assert_int_equal(y[1], 104); /* batch 0, [2, 0] */
  assert_int_equal(y[2], 111); /* batch 1, [2, 1] */
  assert_int_equal(y[3], 108); /* batch 1, [1, 0] */

  /* Depth 1 without batch dims: rows of [3, 2] data. */
  const int64_t rows[2] = {-1, 0};
  int16_t r[4];
  struct ops_nd_params p1 = {.batch_dims = 0, .index_depth = 1};
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I16, KT_DIMS(3, 2));
  kt_in(&k, rows, OPSCOPE_DTYPE_I64, KT_DIMS(2, 1));
  kt_out(&k, r, OPSCOPE_DTYPE_I16, KT_DIMS(2, 2));
  assert_int_equal(kt_run(&k, ops_any_gather_nd_kernel__scalar, &p1), OPS_KRESULT_OK);
  assert_true(r[0] == 104 && r[1] == 105 && r[2] == 100 && r[3] == 101);

  const int32_t bad[8] = {0, 1, 0, 2, 0, 0, 0, 0}; /* column 2 of 2 */
  memset(y, 0, sizeof y);
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I16, KT_DIMS(2, 3, 2));
  kt_in(&k, bad, OPSCOPE_DTYPE_I32, KT_DIMS(2, 2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_I16, KT_DIMS(2, 2));
  assert_int_equal(kt_run(&k, ops_any_gather_nd_kernel__scalar, &p),
                   OPS_KRESULT_INDEX_OUT_OF_RANGE);
  assert_true(y[0] == 0 && y[3] == 0);
}

/* ScatterElements with duplicate indices under every reduction, in f32 and i32. */
static void test_scatter_elements_reductions(void **state) {
  (void)state;
  const float xf[4] = {1, 2, 3, 4};
  const int32_t xi[4] = {1, 2, 3, 4};
  const int64_t idx[3] = {1, -3, 1}; /* along axis 0 of [4]: 1, 1, 1 */
  const float uf[3] = {5, -6, 0.5f};
  const int32_t ui[3] = {5, -6, 7};
  /* Element 1 starts at 2 and meets the updates in order. */
  const float want_f[OPS_SCATTER_REDUCTION_COUNT] = {0.5f, 2 + 5 - 6 + 0.5f, 2 * 5 * -6 * 0.5f, 5,
                                                     -6};
  const int32_t want_i[OPS_SCATTER_REDUCTION_COUNT] = {7, 2 + 5 - 6 + 7, 2 * 5 * -6 * 7, 7, -6};
  for (int r = 0; r < OPS_SCATTER_REDUCTION_COUNT; r++) {
    struct ops_elements_params p = {.axis = 0, .reduction = (enum ops_scatter_reduction)r};
    float yf[4];
    int32_t yi[4];
    struct kt k;
    kt_init(&k);
    kt_in(&k, xf, OPSCOPE_DTYPE_F32, KT_DIMS(4));
    kt_in(&k, idx, OPSCOPE_DTYPE_I64, KT_DIMS(3));
    kt_in(&k, uf, OPSCOPE_DTYPE_F32, KT_DIMS(3));
    kt_out(&k, yf, OPSCOPE_DTYPE_F32, KT_DIMS(4));
    assert_int_equal(kt_run(&k, ops_any_scatter_elements_kernel__scalar, &p), OPS_KRESULT_OK);
    assert_true(yf[0] == 1 && yf[2] == 3 && yf[3] == 4);
    OPS_ASSERT_NEAR(yf[1], want_f[r], 0);
    kt_init(&k);
    kt_in(&k, xi, OPSCOPE_DTYPE_I32, KT_DIMS(4));
    kt_in(&k, idx, OPSCOPE_DTYPE_I64, KT_DIMS(3));
    kt_in(&k, ui, OPSCOPE_DTYPE_I32, KT_DIMS(3));
    kt_out(&k, yi, OPSCOPE_DTYPE_I32, KT_DIMS(4));
    assert_int_equal(kt_run(&k, ops_any_scatter_elements_kernel__scalar, &p), OPS_KRESULT_OK);
    assert_int_equal(yi[1], want_i[r]);
    assert_true(yi[0] == 1 && yi[2] == 3 && yi[3] == 4);
  }
}

/* Integer add and mul wrap (UBSan would flag signed overflow); Scatter (opset 9) along axis 1
 * of a 2-D tensor; an out-of-range index leaves Y untouched. */
static void test_scatter_wrap_and_axis(void **state) {
  (void)state;
  const int64_t x[2] = {INT64_MAX, INT64_MIN};
  const int64_t idx[2] = {0, 1};
  const int64_t upd[2] = {1, -1};
  int64_t y[2];
  struct ops_elements_params p = {.axis = 0, .reduction = OPS_SCATTER_REDUCTION_ADD};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  kt_in(&k, idx, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  kt_in(&k, upd, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_I64, KT_DIMS(2));
  assert_int_equal(kt_run(&k, ops_any_scatter_elements_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_true(y[0] == INT64_MIN && y[1] == INT64_MAX);
  const uint16_t xu[1] = {65535}, uu[1] = {65535};
  const int32_t i0[1] = {0};
  uint16_t yu[1];
  p.reduction = OPS_SCATTER_REDUCTION_MUL;
  kt_init(&k);
  kt_in(&k, xu, OPSCOPE_DTYPE_U16, KT_DIMS(1));
  kt_in(&k, i0, OPSCOPE_DTYPE_I32, KT_DIMS(1));
  kt_in(&k, uu, OPSCOPE_DTYPE_U16, KT_DIMS(1));
  kt_out(&k, yu, OPSCOPE_DTYPE_U16, KT_DIMS(1));
  assert_int_equal(kt_run(&k, ops_any_scatter_elements_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_int_equal(yu[0], 1); /* 65535^2 = 1 mod 2^16 */

  /* Scatter: data [2, 3] of u8, indices [2, 2] along axis 1. */
  const uint8_t d[6] = {0, 0, 0, 0, 0, 0};
  const int32_t ix[4] = {2, -3, 1, 1};
  const uint8_t u[4] = {1, 2, 3, 4};
  uint8_t out[6];
  struct ops_elements_params ps = {.axis = 1};
  kt_init(&k);
  kt_in(&k, d, OPSCOPE_DTYPE_U8, KT_DIMS(2, 3));
  kt_in(&k, ix, OPSCOPE_DTYPE_I32, KT_DIMS(2, 2));
  kt_in(&k, u, OPSCOPE_DTYPE_U8, KT_DIMS(2, 2));
  kt_out(&k, out, OPSCOPE_DTYPE_U8, KT_DIMS(2, 3));
  assert_int_equal(kt_run(&k, ops_any_scatter_kernel__scalar, &ps), OPS_KRESULT_OK);
  const uint8_t want[6] = {2, 0, 1, 0, 4, 0};
  assert_memory_equal(out, want, sizeof want);

  const int32_t bad[4] = {0, 3, 0, 0};
  memset(out, 9, sizeof out);
  k.in[1] = bad;
  assert_int_equal(kt_run(&k, ops_any_scatter_kernel__scalar, &ps), OPS_KRESULT_INDEX_OUT_OF_RANGE);
  for (int i = 0; i < 6; i++)
    assert_int_equal(out[i], 9);
}

/* ScatterND: slices with add, single elements with max, and depth 0 (whole tensor). */
static void test_scatter_nd(void **state) {
  (void)state;
  const float x[6] = {1, 2, 3, 4, 5, 6}; /* [3, 2] */
  const int64_t rows[2] = {-1, 2};       /* row 2 twice */
  const float upd[4] = {10, 20, 100, 200};
  float y[6];
  struct ops_nd_params p = {.index_depth = 1, .reduction = OPS_SCATTER_REDUCTION_ADD};
  struct kt k;
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  kt_in(&k, rows, OPSCOPE_DTYPE_I64, KT_DIMS(2, 1));
  kt_in(&k, upd, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_any_scatter_nd_kernel__scalar, &p), OPS_KRESULT_OK);
  const float want[6] = {1, 2, 3, 4, 115, 226};
  assert_memory_equal(y, want, sizeof want);

  const int32_t cells[4] = {0, 1, 0, 1}; /* [0, 1] twice */
  const float v[2] = {7, -1};
  p = (struct ops_nd_params){.index_depth = 2, .reduction = OPS_SCATTER_REDUCTION_MAX};
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  kt_in(&k, cells, OPSCOPE_DTYPE_I32, KT_DIMS(2, 2));
  kt_in(&k, v, OPSCOPE_DTYPE_F32, KT_DIMS(2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_any_scatter_nd_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_true(y[1] == 7 && y[0] == 1 && y[5] == 6);

  /* Depth 0: indices [1, 0], updates of data's shape replace everything. */
  const int64_t none[1] = {0};
  const float whole[6] = {-1, -2, -3, -4, -5, -6};
  p = (struct ops_nd_params){.index_depth = 0};
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  kt_in(&k, none, OPSCOPE_DTYPE_I64, KT_DIMS(1, 0));
  kt_in(&k, whole, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_any_scatter_nd_kernel__scalar, &p), OPS_KRESULT_OK);
  assert_memory_equal(y, whole, sizeof whole);

  const int64_t bad[2] = {0, -4};
  memset(y, 0, sizeof y);
  p = (struct ops_nd_params){.index_depth = 1};
  kt_init(&k);
  kt_in(&k, x, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  kt_in(&k, bad, OPSCOPE_DTYPE_I64, KT_DIMS(2, 1));
  kt_in(&k, upd, OPSCOPE_DTYPE_F32, KT_DIMS(2, 2));
  kt_out(&k, y, OPSCOPE_DTYPE_F32, KT_DIMS(3, 2));
  assert_int_equal(kt_run(&k, ops_any_scatter_nd_kernel__scalar, &p),
                   OPS_KRESULT_INDEX_OUT_OF_RANGE);
  assert_true(y[0] == 0 && y[5] == 0);
}

/* ---- binding ---- */

static enum ops_status bind(const struct ops_graph *g, struct ops_binding *b, struct ops_diag *d) {
  ops_diag_init(d, "m.onnx");
  return ops_bind_scalar(g, &g->nodes[g->n_nodes - 1], b, d);
}

static void test_bind_elements(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  g->opset = 18;
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(3, 4), NULL, 0);
  int i = tensor(g, "I", OPS_DTYPE_I32, DIMS(2, 4), NULL, 0);
  int u = tensor(g, "U", OPS_DTYPE_F32, DIMS(2, 4), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(3, 4), NULL, 0);
  struct ops_node *n = node(g, "se", "ScatterElements", IO(x, i, u), IO(y));
  attr_int(n, "axis", -2);
  attr_string(n, "reduction", "min");
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  assert_string_equal(b.kernel->name, "ops_any_scatter_elements_kernel__scalar");
  const struct ops_elements_params *p = b.params;
  assert_int_equal(p->axis, 0);
  assert_int_equal(p->reduction, OPS_SCATTER_REDUCTION_MIN);
  ops_binding_done(&b);

  n->attrs[1].s[0] = 'x'; /* "xin" */
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'se' (ScatterElements): reduction 'xin' is not one of");
  n->attrs[1].s[0] = 'm';
  /* Off the axis, indices may not be larger than data. */
  g->tensors[i].shape = g->tensors[u].shape = ops_shape_make(DIMS(2, 5));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "indices 'I' [2, 5] exceed data 'X' [3, 4] on axis 1");
  g->tensors[i].shape = ops_shape_make(DIMS(2, 4));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "updates 'U' [2, 5] and indices 'I' [2, 4] differ in shape");
  g->tensors[u].shape = ops_shape_make(DIMS(2, 4));
  n->attrs[0].i = 2;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "axis 2 is out of range for rank 2");
  n->attrs[0].i = 0;
  /* A reduction the kernel has no arithmetic for. */
  g->tensors[x].dtype = g->tensors[u].dtype = g->tensors[y].dtype = OPS_DTYPE_BOOL;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "reduction 'min' on bool data");
  ops_graph_free(g);

  /* GatherElements with constant indices: a value out of range is named when binding. */
  g = ops_graph_new();
  const int64_t vals[2] = {0, 3};
  x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3), NULL, 0);
  i = tensor(g, "I", OPS_DTYPE_I64, DIMS(2, 1), vals, sizeof vals);
  y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 1), NULL, 0);
  n = node(g, "ge", "GatherElements", IO(x, i), IO(y));
  attr_int(n, "axis", 1);
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'ge' (GatherElements): index 3 in 'I' is out of range");
  g->tensors[i].shape = ops_shape_make(DIMS(2));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "tensor 'I' has rank 1, expected 2");
  g->tensors[i].dtype = OPS_DTYPE_F32;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "indices 'I' are f32, expected i32 or i64");
  ops_graph_free(g);
}

static void test_bind_nd(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_I32, DIMS(2, 3, 4), NULL, 0);
  int i = tensor(g, "I", OPS_DTYPE_I64, DIMS(2, 5, 1), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_I32, DIMS(2, 5, 4), NULL, 0);
  struct ops_node *n = node(g, "gnd", "GatherND", IO(x, i), IO(y));
  attr_int(n, "batch_dims", 1);
  struct ops_diag d;
  struct ops_binding b;
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  const struct ops_nd_params *p = b.params;
  assert_true(p->batch_dims == 1 && p->index_depth == 1);
  ops_binding_done(&b);
  n->attrs[0].i = 2;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'gnd' (GatherND): batch dim 1 is 3 in data 'X' but 5");
  n->attrs[0].i = 3;
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "batch_dims 3 is out of range");
  n->attrs[0].i = 1;
  g->tensors[i].shape = ops_shape_make(DIMS(2, 5, 3));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "the last dim of indices 'I' is 3, expected 1 to 2");
  g->tensors[i].shape = ops_shape_make(DIMS(2, 5, 2));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "output 'Y' has shape [2, 5, 4], expected [2, 5]");
  ops_graph_free(g);

  g = ops_graph_new();
  g->opset = 16;
  x = tensor(g, "X", OPS_DTYPE_F32, DIMS(4, 4), NULL, 0);
  i = tensor(g, "I", OPS_DTYPE_I64, DIMS(3, 1), NULL, 0);
  int u = tensor(g, "U", OPS_DTYPE_F32, DIMS(3, 4), NULL, 0);
  y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(4, 4), NULL, 0);
  n = node(g, "snd", "ScatterND", IO(x, i, u), IO(y));
  attr_string(n, "reduction", "mul");
  assert_int_equal(bind(g, &b, &d), OPS_OK);
  p = b.params;
  assert_true(p->index_depth == 1 && p->reduction == OPS_SCATTER_REDUCTION_MUL);
  ops_binding_done(&b);
  g->tensors[u].shape = ops_shape_make(DIMS(3, 3));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "updates 'U' have shape [3, 3], expected [3, 4]");
  g->tensors[i].shape = ops_shape_make(DIMS(3, 3));
  assert_int_equal(bind(g, &b, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "the last dim of indices 'I' is 3, more than data rank 2");
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gather_elements_axes),
      cmocka_unit_test(test_gather_elements_out_of_range),
      cmocka_unit_test(test_gather_nd),
      cmocka_unit_test(test_scatter_elements_reductions),
      cmocka_unit_test(test_scatter_wrap_and_axis),
      cmocka_unit_test(test_scatter_nd),
      cmocka_unit_test(test_bind_elements),
      cmocka_unit_test(test_bind_nd),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
