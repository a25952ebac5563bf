/*
 * The SIMD pooling and data-movement kernels (kernels/drivers/f32-pool.c, layout.c) with their
 * binders (compiler/bind-simd-pool.c, bind-simd-layout.c) on hand-built graphs: each node is
 * bound to the scalar and the simd unit, run by the scalar kernel, by the SIMD kernel on this
 * thread and by the SIMD kernel split over a pool of 3 threads, and the three outputs compared.
 * MaxPool, GlobalMaxPool, Transpose, Concat, Slice and the copies (Flatten, Reshape, Identity)
 * must match bit for bit (NaN and signed
 * zeros included); AveragePool and GlobalAveragePool, which sum in float, within 1e-5.
 * Shapes cover strides 1 to 3, pads on every side, ceil_mode, count_include_pad, 1-D pools,
 * the transformer permutations, merged and dropped dims, and elements of 1, 2, 4 and 8 bytes.
 * The binder does not look at the ISA (placement does), so under OPSCOPE_ISA=scalar this runs
 * the drivers on the portable microkernels.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "compiler/bind.h"
#include "graph-builder.h"
#include "kernels/threads/pool.h"
#include "src/dtype.h"
#include "src/graph.h"

static struct ops_pool *pool;

static int setup(void **state) {
  (void)state;
  char msg[128];
  return ops_pool_new(3, 0, &pool, msg, sizeof msg) == OPS_OK ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  ops_pool_free(pool);
  return 0;
}

static size_t numel(const struct ops_tensor *t) {
  size_t n = 1;
  for (int i = 0; i < t->shape.rank; i++)
    n *= (size_t)t->shape.dims[i];
  return n;
}

static struct ops_kdims kdims(const struct ops_tensor *t) {
  struct ops_kdims d = {.rank = t->shape.rank};
  for (int i = 0; i < t->shape.rank; i++)
    d.d[i] = t->shape.dims[i];
  return d;
}

/* Values with, when `special`, NaN, infinities and signed zeros among them. */
static void fill(void *p, enum ops_dtype dtype, size_t n, uint32_t seed, bool special) {
  if (dtype != OPS_DTYPE_F32) {
    unsigned char *b = p;
    for (size_t i = 0; i < n * ops_dtype_size(dtype); i++)
      b[i] = (unsigned char)((i * 131 + seed * 7 + 3) % 251);
    return;
  }
  float *f = p;
  for (size_t i = 0; i < n; i++) {
    f[i] = (float)((i * 37 + seed * 13) % 61) / 9.0f - 3.0f;
    if (special && i % 17 == 5) f[i] = NAN;
    if (special && i % 19 == 7) f[i] = -0.0f;
    if (special && i % 23 == 2) f[i] = INFINITY;
  }
}

static void run(const struct ops_binding *b, const struct ops_graph *g, const struct ops_node *n,
                void *const *in, void *out, struct ops_pool *on) {
  const void *ins[8];
  struct ops_kdims in_dims[8];
  int in_dtype[8];
  for (int i = 0; i < n->n_inputs; i++) {
    const struct ops_tensor *t = ops_node_input(g, n, i);
    ins[i] = t == NULL ? NULL : (t->data != NULL ? t->data : in[i]);
    in_dims[i] = t == NULL ? (struct ops_kdims){0} : kdims(t);
    in_dtype[i] = t == NULL ? 0 : (int)t->dtype;
  }
  const struct ops_tensor *y = &g->tensors[n->outputs[0]];
  struct ops_kdims out_dims = kdims(y);
  int out_dtype = (int)y->dtype;
  void *outs[1] = {out};
  void *scratch = NULL;
  if (b->scratch_bytes > 0) assert_int_equal(posix_memalign(&scratch, 64, b->scratch_bytes), 0);
  struct ops_kcall call = {.n_in = n->n_inputs,
                           .n_out = 1,
                           .in = ins,
                           .in_dims = in_dims,
                           .in_dtype = in_dtype,
                           .out = outs,
                           .out_dims = &out_dims,
                           .out_dtype = &out_dtype,
                           .params = b->params,
                           .scratch = scratch,
                           .scratch_bytes = b->scratch_bytes,
                           .pool = on};
  assert_int_equal(b->kernel->fn(&call), OPS_KRESULT_OK);
  free(scratch);
}

/* Binds the graph's last node to scalar and simd, runs the three ways and compares. */
static void parity(struct ops_graph *g, bool exact, bool special) {
  const struct ops_node *n = &g->nodes[g->n_nodes - 1];
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  struct ops_binding bs, bv;
  enum ops_status st = ops_bind_scalar(g, n, &bs, &d);
  if (st != OPS_OK) fail_msg("scalar bind of %s: %s", n->name, d.msg);
  st = ops_bind_simd(g, n, OPSCOPE_UNIT_SIMD, &bv, &d);
  if (st != OPS_OK) fail_msg("simd bind of %s: %s", n->name, d.msg);
  assert_true(strstr(bv.kernel->name, "__simd") != NULL);
  void *in[8] = {0};
  for (int i = 0; i < n->n_inputs; i++) {
    const struct ops_tensor *t = ops_node_input(g, n, i);
    if (t == NULL || t->data != NULL) continue;
    in[i] = malloc(numel(t) * ops_dtype_size(t->dtype) + 1);
    assert_non_null(in[i]);
    fill(in[i], t->dtype, numel(t), (uint32_t)i + 1, special);
  }
  const struct ops_tensor *y = &g->tensors[n->outputs[0]];
  size_t bytes = numel(y) * ops_dtype_size(y->dtype);
  unsigned char *want = malloc(bytes + 1), *got = malloc(bytes + 1), *got_mt = malloc(bytes + 1);
  assert_non_null(want);
  assert_non_null(got);
  assert_non_null(got_mt);
  memset(got, 0xa5, bytes);
  memset(got_mt, 0x5a, bytes);
  run(&bs, g, n, in, want, NULL);
  run(&bv, g, n, in, got, NULL);
  run(&bv, g, n, in, got_mt, pool);
  /* The pool split must not change a bit: each output is computed by the same code. */
  if (memcmp(got, got_mt, bytes) != 0) fail_msg("%s: threads differ from one thread", n->name);
  if (exact) {
    for (size_t i = 0; i < bytes; i++) {
      if (got[i] != want[i]) fail_msg("%s: byte %zu is %u, want %u", n->name, i, got[i], want[i]);
    }
  } else {
    const float *a = (const float *)got, *w = (const float *)want;
    for (size_t i = 0; i < bytes / 4; i++) {
      if (a[i] == w[i] || (isnan(a[i]) && isnan(w[i]))) continue;
      if (!(fabsf(a[i] - w[i]) <= 1e-5f * (1.0f + fabsf(w[i])))) {
        fail_msg("%s: element %zu is %g, want %g", n->name, i, a[i], w[i]);
      }
    }
  }
  for (int i = 0; i < n->n_inputs; i++)
    free(in[i]);
  free(want);
  free(got);
  free(got_mt);
  ops_binding_done(&bs);
  ops_binding_done(&bv);
}

struct pool_case {
  const char *op;
  int64_t x[5], y[5];
  int rank;
  int64_t k[2], s[2], pads[4];
  int ceil, include_pad;
};

static void test_pools(void **state) {
  (void)state;
  static const struct pool_case cases[] = {
      /* squeezenet's: 3x3 stride 2, ceil_mode, no pads */
      {"MaxPool", {1, 3, 14, 14}, {1, 3, 7, 7}, 4, {3, 3}, {2, 2}, {0, 0, 0, 0}, 1, 0},
      /* Planes large enough that each thread of the pool takes its share of every plane's rows
       * (f32-pool.c POOL_ROW_SHARE). */
      {"MaxPool", {1, 2, 66, 66}, {1, 2, 66, 66}, 4, {3, 3}, {1, 1}, {1, 1, 1, 1}, 0, 0},
      {"AveragePool", {1, 2, 131, 130}, {1, 2, 66, 65}, 4, {3, 3}, {2, 2}, {1, 1, 1, 1}, 0, 1},
      {"MaxPool", {2, 2, 10, 11}, {2, 2, 10, 11}, 4, {3, 3}, {1, 1}, {1, 1, 1, 1}, 0, 0},
      {"MaxPool", {1, 2, 9, 9}, {1, 2, 4, 4}, 4, {2, 2}, {2, 2}, {0, 0, 0, 0}, 0, 0},
      {"MaxPool", {1, 1, 7, 40}, {1, 1, 7, 14}, 4, {2, 3}, {1, 3}, {0, 1, 1, 2}, 0, 0},
      {"MaxPool", {1, 2, 37}, {1, 2, 19}, 3, {3}, {2}, {1, 1}, 0, 0},
      {"MaxPool", {1, 3, 14, 14}, {1, 3, 8, 8}, 4, {3, 3}, {2, 2}, {1, 1, 1, 1}, 1, 0},
      {"AveragePool", {2, 2, 10, 11}, {2, 2, 10, 11}, 4, {3, 3}, {1, 1}, {1, 1, 1, 1}, 0, 0},
      {"AveragePool", {2, 2, 10, 11}, {2, 2, 10, 11}, 4, {3, 3}, {1, 1}, {1, 1, 1, 1}, 0, 1},
      {"AveragePool", {1, 3, 14, 14}, {1, 3, 8, 8}, 4, {3, 3}, {2, 2}, {1, 1, 1, 1}, 1, 0},
      {"AveragePool", {1, 3, 14, 14}, {1, 3, 8, 8}, 4, {3, 3}, {2, 2}, {1, 1, 1, 1}, 1, 1},
      {"AveragePool", {1, 1, 7, 40}, {1, 1, 7, 14}, 4, {2, 3}, {1, 3}, {0, 1, 1, 2}, 0, 1},
      {"AveragePool", {1, 2, 37}, {1, 2, 19}, 3, {3}, {2}, {1, 1}, 0, 0},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct pool_case *c = &cases[i];
    int ns = c->rank - 2;
    for (int special = 0; special < 2; special++) {
      struct ops_graph *g = ops_graph_new();
      int x = tensor(g, "X", OPS_DTYPE_F32, c->rank, c->x, NULL, 0);
      int y = tensor(g, "Y", OPS_DTYPE_F32, c->rank, c->y, NULL, 0);
      struct ops_node *n = node(g, c->op, c->op, IO(x), IO(y));
      attr_ints(n, "kernel_shape", (size_t)ns, c->k);
      attr_ints(n, "strides", (size_t)ns, c->s);
      int64_t pads[4] = {c->pads[0], c->pads[1], c->pads[2], c->pads[3]};
      if (ns == 1) pads[1] = c->pads[1];
      attr_ints(n, "pads", (size_t)(2 * ns), pads);
      attr_int(n, "ceil_mode", c->ceil);
      if (strcmp(c->op, "AveragePool") == 0) attr_int(n, "count_include_pad", c->include_pad);
      parity(g, strcmp(c->op, "MaxPool") == 0, special != 0);
      ops_graph_free(g);
    }
  }
}

static void test_global_pools(void **state) {
  (void)state;
  static const int64_t shapes[3][5] = {{2, 3, 7, 7}, {1, 4, 5, 1}, {1, 2, 13, 17}};
  static const char *ops[2] = {"GlobalMaxPool", "GlobalAveragePool"};
  for (int s = 0; s < 3; s++) {
    for (int o = 0; o < 2; o++) {
      for (int special = 0; special < 2; special++) {
        struct ops_graph *g = ops_graph_new();
        int x = tensor(g, "X", OPS_DTYPE_F32, 4, shapes[s], NULL, 0);
        int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(shapes[s][0], shapes[s][1], 1, 1), NULL, 0);
        node(g, ops[o], ops[o], IO(x), IO(y));
        parity(g, o == 0, special != 0);
        ops_graph_free(g);
      }
    }
  }
}

/* Refused like the planner refuses: dilations and the Indices output. */
static void test_pool_refusals(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 1, 8, 8), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 1, 6, 6), NULL, 0);
  struct ops_node *n = node(g, "mp", "MaxPool", IO(x), IO(y));
  attr_ints(n, "kernel_shape", INTS(2, 2));
  attr_ints(n, "dilations", INTS(2, 2));
  struct ops_binding b;
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  assert_int_equal(ops_bind_simd(g, n, OPSCOPE_UNIT_SIMD, &b, &d), OPS_ERR_UNSUPPORTED);
  assert_non_null(strstr(d.msg, "node 'mp' (MaxPool): MaxPool with dilations 2x2 has no SIMD"));
  ops_graph_free(g);

  g = ops_graph_new();
  x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1, 1, 4, 4), NULL, 0);
  y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1, 1, 2, 2), NULL, 0);
  int idx = tensor(g, "I", OPS_DTYPE_I64, DIMS(1, 1, 2, 2), NULL, 0);
  n = node(g, "mp", "MaxPool", IO(x), IO(y, idx));
  attr_ints(n, "kernel_shape", INTS(2, 2));
  attr_ints(n, "strides", INTS(2, 2));
  ops_diag_init(&d, "m.onnx");
  assert_int_equal(ops_bind_simd(g, n, OPSCOPE_UNIT_SIMD, &b, &d), OPS_ERR_UNSUPPORTED);
  assert_non_null(strstr(d.msg, "MaxPool with the Indices output has no SIMD kernel"));
  ops_graph_free(g);
}

static void transpose_case(enum ops_dtype dtype, int rank, const int64_t *xd, const int64_t *perm) {
  int64_t yd[8];
  for (int i = 0; i < rank; i++)
    yd[i] = xd[perm[i]];
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", dtype, rank, xd, NULL, 0);
  int y = tensor(g, "Y", dtype, rank, yd, NULL, 0);
  struct ops_node *n = node(g, "tr", "Transpose", IO(x), IO(y));
  attr_ints(n, "perm", (size_t)rank, perm);
  parity(g, true, true);
  ops_graph_free(g);
}

static void test_transpose(void **state) {
  (void)state;
  static const int64_t perms[][4] = {{0, 2, 1, 3}, {0, 2, 3, 1}, {0, 3, 1, 2},
                                     {3, 2, 1, 0}, {1, 0, 3, 2}, {0, 1, 2, 3}};
  static const int64_t shapes[][4] = {{2, 3, 4, 5}, {1, 12, 64, 8}, {2, 17, 33, 9}, {1, 12, 1, 8}};
  static const enum ops_dtype dtypes[] = {OPS_DTYPE_F32, OPS_DTYPE_U8, OPS_DTYPE_I16,
                                          OPS_DTYPE_I64};
  for (size_t t = 0; t < sizeof dtypes / sizeof dtypes[0]; t++)
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
      for (size_t p = 0; p < sizeof perms / sizeof perms[0]; p++)
        transpose_case(dtypes[t], 4, shapes[s], perms[p]);
  transpose_case(OPS_DTYPE_F32, 2, (int64_t[]){33, 70}, (int64_t[]){1, 0});
  transpose_case(OPS_DTYPE_F32, 2, (int64_t[]){300, 5}, (int64_t[]){1, 0});
  transpose_case(OPS_DTYPE_I32, 3, (int64_t[]){4, 130, 9}, (int64_t[]){2, 1, 0});
}

static void test_concat(void **state) {
  (void)state;
  for (int axis = -1; axis < 3; axis++) {
    for (int t = 0; t < 2; t++) {
      enum ops_dtype dt = t == 0 ? OPS_DTYPE_F32 : OPS_DTYPE_I64;
      int a = axis < 0 ? 2 : axis;
      int64_t d0[3] = {2, 3, 4}, d1[3] = {2, 3, 4}, d2[3] = {2, 3, 4}, dy[3] = {2, 3, 4};
      d0[a] = 3;
      d1[a] = 0; /* an empty part moves nothing */
      d2[a] = 5;
      dy[a] = 8;
      struct ops_graph *g = ops_graph_new();
      int x0 = tensor(g, "A", dt, 3, d0, NULL, 0);
      int x1 = tensor(g, "B", dt, 3, d1, NULL, 0);
      int x2 = tensor(g, "C", dt, 3, d2, NULL, 0);
      int y = tensor(g, "Y", dt, 3, dy, NULL, 0);
      struct ops_node *n = node(g, "cat", "Concat", IO(x0, x1, x2), IO(y));
      attr_int(n, "axis", axis);
      parity(g, true, true);
      ops_graph_free(g);
    }
  }
  /* Channel planes long enough that each thread copies its share of every plane: 30x41 floats,
   * not a multiple of a cache line per thread, over a batch of 2. */
  int64_t d0[4] = {2, 3, 30, 41}, d1[4] = {2, 5, 30, 41}, dy[4] = {2, 8, 30, 41};
  struct ops_graph *g = ops_graph_new();
  int x0 = tensor(g, "A", OPS_DTYPE_F32, 4, d0, NULL, 0);
  int x1 = tensor(g, "B", OPS_DTYPE_F32, 4, d1, NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, 4, dy, NULL, 0);
  struct ops_node *n = node(g, "cat", "Concat", IO(x0, x1), IO(y));
  attr_int(n, "axis", 1);
  parity(g, true, true);
  ops_graph_free(g);
}

static void slice_case(const int64_t *xd, int64_t n_axes, const int64_t *starts,
                       const int64_t *ends, const int64_t *axes, const int64_t *steps,
                       const int64_t *yd) {
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, 3, xd, NULL, 0);
  size_t nb = (size_t)n_axes * sizeof(int64_t);
  int s = tensor(g, "starts", OPS_DTYPE_I64, 1, (int64_t[]){n_axes}, starts, nb);
  int e = tensor(g, "ends", OPS_DTYPE_I64, 1, (int64_t[]){n_axes}, ends, nb);
  int a = tensor(g, "axes", OPS_DTYPE_I64, 1, (int64_t[]){n_axes}, axes, nb);
  int st = tensor(g, "steps", OPS_DTYPE_I64, 1, (int64_t[]){n_axes}, steps, nb);
  int y = tensor(g, "Y", OPS_DTYPE_F32, 3, yd, NULL, 0);
  node(g, "sl", "Slice", IO(x, s, e, a, st), IO(y));
  parity(g, true, true);
  ops_graph_free(g);
}

static void test_slice(void **state) {
  (void)state;
  const int64_t xd[3] = {4, 6, 8};
  slice_case(xd, 2, (int64_t[]){1, 2}, (int64_t[]){3, 6}, (int64_t[]){0, 2}, (int64_t[]){1, 1},
             (int64_t[]){2, 6, 4});
  slice_case(xd, 1, (int64_t[]){0}, (int64_t[]){3}, (int64_t[]){1}, (int64_t[]){1},
             (int64_t[]){4, 3, 8});
  slice_case(xd, 2, (int64_t[]){1, 0}, (int64_t[]){6, 8}, (int64_t[]){1, 2}, (int64_t[]){2, 3},
             (int64_t[]){4, 3, 3});
  slice_case(xd, 1, (int64_t[]){-1}, (int64_t[]){-100}, (int64_t[]){0}, (int64_t[]){-1},
             (int64_t[]){4, 6, 8});
  slice_case(xd, 1, (int64_t[]){0}, (int64_t[]){100}, (int64_t[]){0}, (int64_t[]){1},
             (int64_t[]){4, 6, 8});
}

static void test_copies(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  int x = tensor(g, "X", OPS_DTYPE_F32, DIMS(2, 3, 40), NULL, 0);
  int y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(2, 120), NULL, 0);
  attr_int(node(g, "fl", "Flatten", IO(x), IO(y)), "axis", 1);
  parity(g, true, true);
  ops_graph_free(g);

  g = ops_graph_new();
  x = tensor(g, "X", OPS_DTYPE_I16, DIMS(5, 7), NULL, 0);
  int s = tensor(g, "shape", OPS_DTYPE_I64, DIMS(3), (int64_t[]){7, 5, 1}, 3 * sizeof(int64_t));
  y = tensor(g, "Y", OPS_DTYPE_I16, DIMS(7, 5, 1), NULL, 0);
  node(g, "rs", "Reshape", IO(x, s), IO(y));
  parity(g, true, true);
  ops_graph_free(g);

  g = ops_graph_new();
  x = tensor(g, "X", OPS_DTYPE_F32, DIMS(1000), NULL, 0);
  y = tensor(g, "Y", OPS_DTYPE_F32, DIMS(1000), NULL, 0);
  node(g, "id", "Identity", IO(x), IO(y));
  parity(g, true, true);
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pools),         cmocka_unit_test(test_global_pools),
      cmocka_unit_test(test_pool_refusals), cmocka_unit_test(test_transpose),
      cmocka_unit_test(test_concat),        cmocka_unit_test(test_slice),
      cmocka_unit_test(test_copies),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
