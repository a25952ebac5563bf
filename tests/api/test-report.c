/* The JSON report (reports/json.c) holds the fields docs/report.md promises, with real values. */
#include <stdlib.h>

#include <json-c/json.h>

#include "test-util.h"

#include "reports/report.h"
#include "src/api-impl.h"

static json_object *get(json_object *o, const char *key) {
  json_object *v = NULL;
  if (!json_object_object_get_ex(o, key, &v)) fail_msg("the report has no '%s'", key);
  return v;
}

static void test_analysis_report(void **state) {
  (void)state;
  char err[1024];
  opscope_model_t *m = NULL;
  assert_int_equal(opscope_model_load("builtin:mnist", &m, err, sizeof err), OPSCOPE_OK);
  opscope_plan_t *p = NULL;
  assert_int_equal(opscope_plan_new(m, OPSCOPE_UNIT_SIMD, &p, err, sizeof err), OPSCOPE_OK);
  struct ops_report r = {0};
  r.command_line = "opscope -m builtin:mnist --analyze -u simd";
  r.graph = m->graph;
  r.model_file_bytes = -1;
  r.plan = p->plan;
  r.timing = (struct ops_report_timing){1.5, 0.25, -1, -1, 0.125};
  r.passes = &m->passes->report;
  r.arena_bytes = 4096;
  r.activation_bytes = 1024;
  r.naive_bytes = 3072;
  r.scratch_bytes = 3072;
  r.packed_bytes = 512;
  double samples[] = {3.0, 1.0, 2.0, 4.0};
  struct ops_bench_result res = {
      .first_run_ms = 9.0, .samples_ms = samples, .n = 4, .peak_rss_bytes = -1};
  ops_bench_stats_compute(samples, 4, &res.stats);
  struct ops_report_bench bench = {.unit = OPSCOPE_UNIT_SCALAR,
                                   .config = {.warmup = 2, .iterations = 4},
                                   .input_source = "seed 1",
                                   .result = &res,
                                   .load_ms = -1};
  r.benches = &bench;
  r.n_benches = 1;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_report_json_write("report-test.json", &r, &d), OPS_OK);

  json_object *root = json_object_from_file("report-test.json");
  assert_non_null(root);
  assert_int_equal(json_object_get_int(get(root, "schema_version")), OPS_REPORT_SCHEMA_VERSION);
  json_object *model = get(root, "model");
  assert_string_equal(json_object_get_string(get(model, "path")), "builtin:mnist");
  assert_int_equal(json_object_get_int64(get(model, "param_count")),
                   ops_graph_param_count(m->graph));
  assert_null(get(model, "file_bytes"));
  json_object *hist = get(model, "op_histogram");
  assert_int_equal(json_object_get_int(get(hist, "Conv")), 2);
  json_object *timing = get(root, "timing");
  OPS_ASSERT_NEAR(json_object_get_double(get(timing, "load_ms")), 1.5, 0);
  assert_null(get(timing, "run_ms"));
  OPS_ASSERT_NEAR(json_object_get_double(get(timing, "passes_ms")), 0.125, 0);
  /* The passes ran at the plan, at the default level, and are listed in run order. */
  json_object *passes = get(root, "passes");
  assert_int_equal(json_object_get_int(get(passes, "opt_level")), 3);
  json_object *list = get(passes, "list");
  assert_int_equal(json_object_array_length(list), m->passes->report.n);
  json_object *first = json_object_array_get_idx(list, 0);
  assert_string_equal(json_object_get_string(get(first, "name")), "fold");
  json_object *last = json_object_array_get_idx(list, json_object_array_length(list) - 1);
  assert_int_equal(json_object_get_int64(get(last, "nodes_after")), (int64_t)m->graph->n_nodes);
  json_object *mem = get(root, "memory");
  assert_int_equal(json_object_get_int64(get(mem, "activation_bytes")), 1024);
  assert_int_equal(json_object_get_int64(get(mem, "naive_activation_bytes")), 3072);
  assert_int_equal(json_object_get_int64(get(mem, "scratch_bytes")), 3072);
  assert_int_equal(json_object_get_int64(get(mem, "weights_packed_bytes")), 512);

  json_object *b = json_object_array_get_idx(get(root, "benchmarks"), 0);
  assert_string_equal(json_object_get_string(get(b, "unit")), "scalar");
  assert_int_equal(json_object_get_int(get(b, "iterations")), 4);
  OPS_ASSERT_NEAR(json_object_get_double(get(b, "mean_ms")), 2.5, 1e-12);
  OPS_ASSERT_NEAR(json_object_get_double(get(b, "median_ms")), 2.5, 1e-12);
  OPS_ASSERT_NEAR(json_object_get_double(get(b, "p90_ms")), 3.7, 1e-12);
  OPS_ASSERT_NEAR(json_object_get_double(get(b, "stddev_ms")), 1.2909944487358056, 1e-12);
  /* load_ms sums the stages that ran: load 1.5 + passes 0.125 + plan 0.25 (no compile). */
  OPS_ASSERT_NEAR(json_object_get_double(get(b, "load_ms")), 1.875, 1e-12);
  assert_string_equal(json_object_get_string(get(b, "status")), "ok");
  assert_int_equal(json_object_array_length(get(b, "samples_ms")), 4);
  assert_null(get(b, "peak_rss_bytes"));

  json_object *a = get(root, "analysis");
  assert_string_equal(json_object_get_string(get(a, "requested_unit")), "simd");
  struct ops_plan_summary s;
  ops_plan_summarize(p->plan, &s);
  assert_int_equal(json_object_get_int64(get(a, "total_ops")), (int64_t)s.total);
  assert_int_equal(json_object_get_int64(get(a, "executable_ops")), (int64_t)s.executable);
  assert_int_equal(json_object_get_int64(get(get(a, "by_unit"), "scalar")), (int64_t)s.by_unit[0]);
  OPS_ASSERT_NEAR(json_object_get_double(get(a, "coverage_pct")), s.coverage_pct, 1e-9);
  json_object *fallbacks = get(a, "fallbacks");
  assert_int_equal(json_object_array_length(fallbacks), s.fallbacks);
  if (s.fallbacks > 0) {
    json_object *fb = json_object_array_get_idx(fallbacks, 0);
    assert_string_equal(json_object_get_string(get(fb, "from")), "simd");
    assert_string_equal(json_object_get_string(get(fb, "to")), "scalar");
    assert_true(strlen(json_object_get_string(get(fb, "reason"))) > 0);
    assert_true(strlen(json_object_get_string(get(fb, "code"))) > 0);
  }
  assert_int_equal(json_object_array_length(get(a, "nodes")), m->graph->n_nodes);
  json_object_put(root);
  opscope_plan_free(p);
  opscope_model_free(m);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_analysis_report),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
