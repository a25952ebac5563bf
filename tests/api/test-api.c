/*
 * The public API end to end: load, plan, compile, run; the JSON IR round trip gives
 * bit-identical outputs; input checks of opscope_exec_run.
 */
#include <stdint.h>
#include <stdlib.h>

#include "test-util.h"

#include "opscope.h"

/* Deterministic input in [-1, 1) from a fixed LCG, so runs are comparable. */
static void fill_input(float *x, size_t n, uint32_t seed) {
  for (size_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    x[i] = (float)(seed >> 8) / (float)(1u << 24) * 2.0f - 1.0f;
  }
}

/* Runs `path` on the seeded input and returns a malloc'd copy of output 0 (bytes in *nbytes). */
static void *run_model(const char *path, size_t *nbytes) {
  char err[1024];
  opscope_model_t *m = NULL;
  int st = opscope_model_load(path, &m, err, sizeof err);
  if (st != OPSCOPE_OK) fail_msg("%s", err);
  opscope_plan_t *p = NULL;
  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SCALAR, &p, err, sizeof err), OPSCOPE_OK);
  opscope_exec_t *e = NULL;
  st = opscope_exec_new(p, &e, err, sizeof err);
  if (st != OPSCOPE_OK) fail_msg("%s", err);
  struct opscope_tensor in;
  assert_true(opscope_model_input(m, 0, &in));
  size_t n = 1;
  for (int i = 0; i < in.rank; i++)
    n *= (size_t)in.dims[i];
  float *x = calloc(n, sizeof *x);
  fill_input(x, n, 42);
  in.data = x;
  in.nbytes = n * sizeof *x;
  st = opscope_exec_run(e, &in, 1, err, sizeof err);
  if (st != OPSCOPE_OK) fail_msg("%s", err);
  struct opscope_tensor out;
  assert_true(opscope_exec_output(e, 0, &out));
  void *copy = malloc(out.nbytes);
  memcpy(copy, out.data, out.nbytes);
  *nbytes = out.nbytes;
  free(x);
  opscope_exec_free(e);
  opscope_plan_free(p);
  opscope_model_free(m);
  return copy;
}

static void test_ir_roundtrip_bit_identical(void **state) {
  (void)state;
  const char *const *names = opscope_builtin_names();
  for (; *names != NULL; names++) {
    char builtin[128], json[256], err[1024];
    snprintf(builtin, sizeof builtin, "builtin:%s", *names);
    snprintf(json, sizeof json, "roundtrip-%s.json", *names);
    opscope_model_t *m = NULL;
    assert_int_equal(opscope_model_load(builtin, &m, err, sizeof err), OPSCOPE_OK);
    int st = opscope_model_export_ir(m, json, err, sizeof err);
    if (st != OPSCOPE_OK) fail_msg("%s", err);
    opscope_model_free(m);
    size_t a_bytes, b_bytes;
    void *a = run_model(builtin, &a_bytes);
    void *b = run_model(json, &b_bytes);
    assert_int_equal(a_bytes, b_bytes);
    assert_true(a_bytes > 0);
    if (memcmp(a, b, a_bytes) != 0)
      fail_msg("%s: outputs differ after the JSON IR round trip", *names);
    free(a);
    free(b);
  }
}

static void test_run_checks_inputs(void **state) {
  (void)state;
  char err[1024];
  opscope_model_t *m = NULL;
  assert_int_equal(opscope_model_load("builtin:mlp", &m, err, sizeof err), OPSCOPE_OK);
  opscope_plan_t *p = NULL;
  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SCALAR, &p, err, sizeof err), OPSCOPE_OK);
  opscope_exec_t *e = NULL;
  assert_int_equal(opscope_exec_new(p, &e, err, sizeof err), OPSCOPE_OK);
  struct opscope_tensor in;
  assert_true(opscope_model_input(m, 0, &in));
  float x[784] = {0};
  int64_t wrong_dims[2] = {1, 783};
  in.data = x;
  in.nbytes = sizeof x;
  in.dims = wrong_dims;
  assert_int_equal(opscope_exec_run(e, &in, 1, err, sizeof err), OPSCOPE_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(err, "has shape [1, 783], the model expects [1, 784]");
  in.dtype = OPSCOPE_DTYPE_I64;
  assert_int_equal(opscope_exec_run(e, &in, 1, err, sizeof err), OPSCOPE_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(err, "is i64, the model expects f32");
  assert_int_equal(opscope_exec_run(e, &in, 0, err, sizeof err), OPSCOPE_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(err, "0 inputs given, the model has 1");
  assert_true(opscope_exec_arena_bytes(e) > 0);
  opscope_exec_free(e);
  opscope_plan_free(p);
  opscope_model_free(m);
}

/* A model whose Reshape takes its shape from a graph input: refused until the input is bound,
 * then run for that value only. */
static void test_bind_input_value(void **state) {
  (void)state;
  char err[1024];
  opscope_model_t *m = NULL;
  int st = opscope_model_load(OPSCOPE_TEST_DATA_DIR "/models/reshape-by-input.json", &m, err,
                              sizeof err);
  if (st != OPSCOPE_OK) fail_msg("%s", err);
  opscope_plan_t *p = NULL;
  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SCALAR, &p, err, sizeof err), OPSCOPE_OK);
  struct opscope_plan_node n;
  assert_true(opscope_plan_node(p, 0, &n));
  assert_int_equal(n.assigned_unit, -1);
  OPS_ASSERT_CONTAINS(n.reason, "'shape' decides the output shape");
  opscope_plan_free(p);

  float x[6] = {1, 2, 3, 4, 5, 6};
  int64_t shape[2] = {3, 2}, other[2] = {6, 1};
  int64_t x_dims[2] = {2, 3}, shape_dims[1] = {2};
  struct opscope_tensor in[2] = {
      {.name = "x",
       .dtype = OPSCOPE_DTYPE_F32,
       .rank = 2,
       .dims = x_dims,
       .data = x,
       .nbytes = sizeof x},
      {.name = "shape",
       .dtype = OPSCOPE_DTYPE_I64,
       .rank = 1,
       .dims = shape_dims,
       .data = shape,
       .nbytes = sizeof shape},
  };
  for (int i = 0; i < 2; i++) {
    st = opscope_model_bind_input(m, &in[i], err, sizeof err);
    if (st != OPSCOPE_OK) fail_msg("%s", err);
  }
  /* Only the input read as a value is bound; x keeps just its shape. */
  assert_false(opscope_model_input_is_bound(m, 0));
  assert_true(opscope_model_input_is_bound(m, 1));
  struct opscope_tensor y;
  assert_true(opscope_model_output(m, 0, &y));
  assert_int_equal(y.rank, 2);
  assert_int_equal(y.dims[0], 3);
  assert_int_equal(y.dims[1], 2);

  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SCALAR, &p, err, sizeof err), OPSCOPE_OK);
  opscope_exec_t *e = NULL;
  st = opscope_exec_new(p, &e, err, sizeof err);
  if (st != OPSCOPE_OK) fail_msg("%s", err);
  st = opscope_exec_run(e, in, 2, err, sizeof err);
  if (st != OPSCOPE_OK) fail_msg("%s", err);
  assert_true(opscope_exec_output(e, 0, &y));
  assert_int_equal(y.nbytes, sizeof x);
  assert_memory_equal(y.data, x, sizeof x);
  /* Another value would need other output shapes: refused, not silently wrong. */
  in[1].data = other;
  assert_int_equal(opscope_exec_run(e, in, 2, err, sizeof err), OPSCOPE_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(err, "input 'shape' was bound to another value");
  opscope_exec_free(e);
  opscope_plan_free(p);

  /* A bound value of the wrong size is refused. */
  in[1].nbytes = sizeof shape[0];
  assert_int_equal(opscope_model_bind_input(m, &in[1], err, sizeof err), OPSCOPE_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(err, "8 bytes given for shape [2]");
  opscope_model_free(m);
}

/* The graph passes: level checked, run once at the first plan, then the level is fixed. */
static void test_opt_level(void **state) {
  (void)state;
  char err[1024];
  opscope_model_t *m = NULL;
  assert_int_equal(opscope_model_load("builtin:mnist", &m, err, sizeof err), OPSCOPE_OK);
  assert_int_equal(opscope_model_opt_level(m), 3);
  assert_int_equal(opscope_model_set_opt_level(m, 4, NULL, err, sizeof err), OPSCOPE_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(err, "outside O0..O3");
  size_t before = opscope_model_node_count(m);
  opscope_plan_t *p = NULL;
  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SCALAR, &p, err, sizeof err), OPSCOPE_OK);
  assert_true(opscope_model_node_count(m) < before); /* Relus fused into the Convs */
  assert_int_equal(opscope_plan_node_count(p), opscope_model_node_count(m));
  assert_int_equal(opscope_model_set_opt_level(m, 0, NULL, err, sizeof err), OPSCOPE_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(err, "ran already");
  opscope_plan_free(p);
  opscope_model_free(m);
}

static void test_plan_reports_fallbacks(void **state) {
  (void)state;
  char err[1024];
  opscope_model_t *m = NULL;
  /* Sin has no SIMD kernel: it falls back to scalar with NO_KERNEL. */
  assert_int_equal(
      opscope_model_load(OPSCOPE_TEST_DATA_DIR "/models/sin-no-simd.json", &m, err, sizeof err),
      OPSCOPE_OK);
  opscope_plan_t *p = NULL;
  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SIMD, &p, err, sizeof err), OPSCOPE_OK);
  size_t fallbacks = 0;
  for (size_t i = 0; i < opscope_plan_node_count(p); i++) {
    struct opscope_plan_node n;
    assert_true(opscope_plan_node(p, i, &n));
    if (!n.fallback) continue;
    fallbacks++;
    /* Every fallback carries a code, a specific reason and a hint. */
    assert_true(n.code[0] != '\0');
    assert_true(n.reason[0] != '\0');
    assert_true(n.hint[0] != '\0');
    assert_int_equal(n.assigned_unit, OPSCOPE_UNIT_SCALAR);
  }
  assert_int_equal(fallbacks, 1);
  opscope_plan_free(p);
  opscope_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ir_roundtrip_bit_identical), cmocka_unit_test(test_run_checks_inputs),
      cmocka_unit_test(test_bind_input_value),           cmocka_unit_test(test_opt_level),
      cmocka_unit_test(test_plan_reports_fallbacks),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
