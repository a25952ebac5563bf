/* reports/gates.c and reports/baseline.c: gates pass and fail on the values they are given, an
 * unmeasured value fails, and a regression needs both the percentage and the spread. */
#include <math.h>
#include <stdlib.h>

#include "test-util.h"

#include "reports/baseline.h"
#include "reports/gates.h"
#include "src/api-impl.h"

static void test_coverage_and_fallback_gates(void **state) {
  (void)state;
  char err[1024];
  opscope_model_t *m = NULL;
  assert_int_equal(opscope_model_load("builtin:mlp", &m, err, sizeof err), OPSCOPE_OK);
  opscope_plan_t *p = NULL;
  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SCALAR, &p, err, sizeof err), OPSCOPE_OK);
  struct ops_report r = {0};
  r.graph = m->graph;
  r.plan = p->plan;
  struct ops_gate_config c;
  ops_gate_config_init(&c);
  assert_false(ops_gate_config_any(&c));
  c.min_coverage_pct = 100.0; /* scalar runs every op: 100% */
  c.max_fallbacks = 0;
  c.strict = true;
  struct ops_gate_list l;
  ops_gate_list_init(&l);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_gates_evaluate(&r, &c, &l, &d), OPS_OK);
  assert_int_equal(l.n, 3);
  assert_int_equal(ops_gate_list_failed(&l), 0);
  OPS_ASSERT_NEAR(l.gates[0].value, 100.0, 1e-9);
  assert_string_equal(l.gates[0].name, "scalar coverage");
  ops_gate_list_done(&l);

  /* Without a plan nothing was measured: the gate fails and says why. */
  r.plan = NULL;
  ops_gate_config_init(&c);
  c.min_coverage_pct = 1.0;
  assert_int_equal(ops_gates_evaluate(&r, &c, &l, &d), OPS_OK);
  assert_int_equal(ops_gate_list_failed(&l), 1);
  assert_true(isnan(l.gates[0].value));
  assert_string_equal(l.gates[0].note, "the model was not planned");
  ops_gate_list_done(&l);
  opscope_plan_free(p);
  opscope_model_free(m);
}

static void test_latency_gate(void **state) {
  (void)state;
  double samples[] = {2.0, 4.0, 3.0};
  struct ops_bench_result res = {.samples_ms = samples, .n = 3};
  ops_bench_stats_compute(samples, 3, &res.stats);
  struct ops_report_bench b = {.unit = OPSCOPE_UNIT_SIMD, .result = &res};
  struct ops_report r = {.benches = &b, .n_benches = 1};
  struct ops_gate_config c;
  ops_gate_config_init(&c);
  c.max_latency_ms = 3.0; /* the median is 3: passes at equality */
  c.max_latency_unit = OPSCOPE_UNIT_SIMD;
  struct ops_gate_list l;
  ops_gate_list_init(&l);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_gates_evaluate(&r, &c, &l, &d), OPS_OK);
  assert_int_equal(ops_gate_list_failed(&l), 0);
  c.max_latency_ms = 2.5;
  assert_int_equal(ops_gates_evaluate(&r, &c, &l, &d), OPS_OK);
  assert_int_equal(ops_gate_list_failed(&l), 1);
  /* A unit that did not run fails the gate with a note. */
  c.max_latency_unit = OPSCOPE_UNIT_THREADS;
  assert_int_equal(ops_gates_evaluate(&r, &c, &l, &d), OPS_OK);
  assert_int_equal(ops_gate_list_failed(&l), 2);
  OPS_ASSERT_CONTAINS(l.gates[2].note, "no benchmark of threads ran");
  ops_gate_list_done(&l);
}

/* A one-unit summary with one op. */
static void summary(struct ops_baseline *b, struct ops_baseline_unit *u, struct ops_baseline_op *op,
                    double median, double p90, double op_ms) {
  memset(b, 0, sizeof *b);
  memset(u, 0, sizeof *u);
  snprintf(u->unit, sizeof u->unit, "simd");
  u->ok = true;
  u->median_ms = median;
  u->p90_ms = p90;
  op->node = "conv1";
  op->op = "Conv";
  op->mean_ms = op_ms;
  u->ops = op;
  u->n_ops = 1;
  b->units = u;
  b->n_units = 1;
}

static void test_regression_needs_pct_and_spread(void **state) {
  (void)state;
  struct ops_baseline old, cur;
  struct ops_baseline_unit ou, nu;
  struct ops_baseline_op oo, no;
  struct ops_gate_list l;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  /* +20% on 10 ms with a spread of 1 ms: a regression, unit and op alike. */
  summary(&old, &ou, &oo, 10.0, 11.0, 4.0);
  summary(&cur, &nu, &no, 12.0, 12.5, 4.8);
  ops_gate_list_init(&l);
  assert_int_equal(ops_baseline_compare(&old, &cur, 10.0, &l, &d), OPS_OK);
  assert_int_equal(l.n, 2);
  assert_int_equal(ops_gate_list_failed(&l), 2);
  OPS_ASSERT_NEAR(l.gates[0].value, 20.0, 1e-9);
  OPS_ASSERT_NEAR(l.gates[0].spread, 1.0, 1e-9);
  OPS_ASSERT_NEAR(l.gates[1].spread, 0.4, 1e-9); /* the op's mean times the unit's 10% */
  ops_gate_list_done(&l);
  /* The same +20% inside a 3 ms spread is noise. */
  summary(&old, &ou, &oo, 10.0, 13.0, 4.0);
  ops_gate_list_init(&l);
  assert_int_equal(ops_baseline_compare(&old, &cur, 10.0, &l, &d), OPS_OK);
  assert_int_equal(ops_gate_list_failed(&l), 0);
  ops_gate_list_done(&l);
  /* Past the spread but under the percentage passes too. */
  summary(&old, &ou, &oo, 10.0, 10.0, 4.0);
  ops_gate_list_init(&l);
  assert_int_equal(ops_baseline_compare(&old, &cur, 25.0, &l, &d), OPS_OK);
  assert_int_equal(ops_gate_list_failed(&l), 0);
  ops_gate_list_done(&l);
  /* A unit that ran in the baseline and no longer does fails. */
  summary(&old, &ou, &oo, 10.0, 10.0, 4.0);
  nu.ok = false;
  nu.n_ops = 0;
  ops_gate_list_init(&l);
  assert_int_equal(ops_baseline_compare(&old, &cur, 25.0, &l, &d), OPS_OK);
  assert_int_equal(ops_gate_list_failed(&l), 1);
  OPS_ASSERT_CONTAINS(l.gates[0].note, "ran in the baseline but not in this run");
  ops_gate_list_done(&l);
}

static void test_baseline_load_refuses_bad_files(void **state) {
  (void)state;
  static const struct {
    const char *text, *message;
  } cases[] = {
      {"", "not valid JSON"},
      {"{\"schema_version\": 1", "not valid JSON"},
      {"[1, 2]", "not an opscope report"},
      {"{\"tool\": {\"name\": \"opscope\"}, \"schema_version\": 7}", "schema_version 7"},
      {"{\"tool\": {\"name\": \"opscope\"}, \"schema_version\": 1}", "model is missing"},
      {"{\"tool\": {\"name\": \"opscope\"}, \"schema_version\": 1, \"model\": {\"path\": \"m\", "
       "\"format\": \"onnx\", \"node_count\": 3, \"param_count\": 9}, \"benchmarks\": "
       "[{\"unit\": \"simd\", \"status\": \"ok\", \"median_ms\": \"fast\"}]}",
       "benchmarks[0].median_ms is not a number"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    FILE *f = fopen("bad-baseline.json", "w");
    assert_non_null(f);
    fputs(cases[i].text, f);
    fclose(f);
    struct ops_baseline b;
    struct ops_diag d;
    assert_int_equal(ops_baseline_load("bad-baseline.json", &b, &d), OPS_ERR_BAD_INPUT);
    OPS_ASSERT_CONTAINS(d.msg, "bad-baseline.json");
    OPS_ASSERT_CONTAINS(d.msg, cases[i].message);
    ops_baseline_done(&b);
  }
  remove("bad-baseline.json");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_coverage_and_fallback_gates),
      cmocka_unit_test(test_latency_gate),
      cmocka_unit_test(test_regression_needs_pct_and_spread),
      cmocka_unit_test(test_baseline_load_refuses_bad_files),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
