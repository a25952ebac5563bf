/* planner/cost.c and planner/cost-model.c: operation and byte counts, the roofline estimate,
 * and cost-based placement for `all`. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test-util.h"

#include "planner/cost-model.h"
#include "planner/plan.h"
#include "src/load.h"

static struct ops_graph *load(const char *path) {
  struct ops_graph *g = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (ops_load_model(path, &g, &d) != OPS_OK) fail_msg("%s", d.msg);
  return g;
}

static double numel(const struct ops_tensor *t) {
  int64_t n;
  assert_true(ops_tensor_numel(t, &n));
  return (double)n;
}

static double bytes_of(const struct ops_tensor *t) {
  size_t b;
  assert_true(ops_tensor_byte_size(t, &b));
  return (double)b;
}

/* Every Conv of resnet-tiny: 2 * out * Cin/group * kh * kw, plus the bias; bytes are every
 * input and output once. Computed here from the shapes, independently of cost.c's route. */
static void test_conv_counts(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:resnet-tiny");
  size_t convs = 0;
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    if (strcmp(n->op_type, "Conv") != 0) continue;
    convs++;
    const struct ops_tensor *x = ops_node_input(g, n, 0), *w = ops_node_input(g, n, 1);
    const struct ops_tensor *y = &g->tensors[n->outputs[0]];
    double per_out = (double)w->shape.dims[1];
    for (int k = 2; k < w->shape.rank; k++)
      per_out *= (double)w->shape.dims[k];
    bool bias = n->n_inputs > 2 && n->inputs[2] >= 0;
    double want = 2.0 * numel(y) * per_out + (bias ? numel(y) : 0.0);
    double want_bytes =
        bytes_of(x) + bytes_of(w) + bytes_of(y) + (bias ? bytes_of(ops_node_input(g, n, 2)) : 0.0);
    struct ops_node_cost c;
    ops_cost_node(g, n, &c);
    assert_true(c.known);
    assert_true(c.cls == OPS_CLASS_CONV || c.cls == OPS_CLASS_DEPTHWISE);
    OPS_ASSERT_NEAR(c.flops, want, 0);
    OPS_ASSERT_NEAR(c.bytes_read + c.bytes_written, want_bytes, 0);
    assert_true(ops_cost_intensity(&c) > 0);
  }
  assert_true(convs > 0);
  ops_graph_free(g);
}

/* mlp's Gemms: 2*M*N*K plus M*N for the bias; Relu one per element; Reshape-like ops none. */
static void test_gemm_and_elementwise_counts(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:mlp");
  size_t gemms = 0;
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *n = &g->nodes[i];
    struct ops_node_cost c;
    ops_cost_node(g, n, &c);
    const struct ops_tensor *y = &g->tensors[n->outputs[0]];
    if (strcmp(n->op_type, "Gemm") == 0) {
      gemms++;
      const struct ops_tensor *a = ops_node_input(g, n, 0);
      double k = (double)a->shape.dims[1];
      assert_int_equal(c.cls, OPS_CLASS_GEMM);
      OPS_ASSERT_NEAR(c.flops, 2.0 * numel(y) * k + numel(y), 0);
    } else if (strcmp(n->op_type, "Relu") == 0) {
      assert_int_equal(c.cls, OPS_CLASS_ELEMENTWISE);
      OPS_ASSERT_NEAR(c.flops, numel(y), 0);
    }
  }
  assert_true(gemms > 0);
  ops_graph_free(g);
}

/* The roofline: compute-bound ops scale with FLOPs, memory-bound ones with bytes, and every
 * estimate carries the unit's per-op overhead. */
static void test_roofline(void **state) {
  (void)state;
  struct ops_cost_model m;
  ops_cost_model_defaults(&m);
  assert_non_null(strstr(m.source, "defaults"));
  assert_false(m.calibrated);
  struct ops_node_cost compute = {
      .cls = OPS_CLASS_GEMM, .flops = 1e9, .bytes_read = 1e3, .known = true};
  const struct ops_unit_peaks *s = &m.units[OPSCOPE_UNIT_SCALAR];
  double want =
      1e9 / (s->gflops * s->efficiency[OPS_CLASS_GEMM] * 1e9) * 1e3 + s->overhead_us * 1e-3;
  OPS_ASSERT_NEAR(ops_cost_estimate_ms(&m, OPSCOPE_UNIT_SCALAR, &compute), want, 1e-9);
  struct ops_node_cost move = {
      .cls = OPS_CLASS_MOVE, .bytes_read = 512e6, .bytes_written = 512e6, .known = true};
  assert_int_equal(ops_cost_mem_level(&m, 1024e6), OPS_MEM_DRAM);
  assert_int_equal(ops_cost_mem_level(&m, 1024), OPS_MEM_L1);
  want = 1024e6 / (s->gbs[OPS_MEM_DRAM] * 1e9) * 1e3 + s->overhead_us * 1e-3;
  OPS_ASSERT_NEAR(ops_cost_estimate_ms(&m, OPSCOPE_UNIT_SCALAR, &move), want, 1e-9);
  /* A wider unit is estimated faster on compute-bound work. */
  assert_true(ops_cost_estimate_ms(&m, OPSCOPE_UNIT_SIMD, &compute) <
              ops_cost_estimate_ms(&m, OPSCOPE_UNIT_SCALAR, &compute));
}

/* `all` puts each op on the supported unit of the lowest estimate, and the summary's time
 * coverage adds up. */
static void test_all_takes_cheapest_supported(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:resnet-tiny");
  struct ops_plan *plan;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_plan_new(g, OPSCOPE_UNIT_ALL, &plan, &d), OPS_OK);
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    if (pn->kind == OPS_PLAN_CONSTANT) continue;
    assert_true(pn->assigned >= 0);
    assert_true(pn->supported[pn->assigned]);
    for (int u = 0; u < OPSCOPE_UNIT_ALL; u++) {
      /* Threads may be dropped for the whole plan when waking the pool costs more than they
       * save; the op then takes its cheapest other unit. */
      if (!pn->supported[u] || (u == OPSCOPE_UNIT_THREADS && pn->assigned != u)) continue;
      assert_true(pn->est_ms[pn->assigned] <= pn->est_ms[u]);
    }
  }
  struct ops_plan_summary s;
  ops_plan_summarize(plan, &s);
  double sum = 0;
  for (int u = 0; u < OPSCOPE_UNIT_ALL; u++)
    sum += s.est_ms_by_unit[u];
  OPS_ASSERT_NEAR(sum, s.est_ms, 1e-9);
  assert_true(s.est_ms > 0);
  assert_string_equal(ops_coverage_verdict(96), "excellent");
  assert_string_equal(ops_coverage_verdict(80), "good");
  assert_string_equal(ops_coverage_verdict(50), "mixed");
  assert_string_equal(ops_coverage_verdict(49.9), "poor");
  ops_plan_free(plan);
  ops_graph_free(g);
}

/* `all` uses threads only when what they save pays for waking the pool once per run. */
static void test_all_weighs_waking_the_pool(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:resnet-tiny");
  struct ops_cost_model m;
  ops_cost_model_defaults(&m);
  size_t on_threads[2] = {0, 0};
  const double wake_us[2] = {0.0, 1e9};
  for (int k = 0; k < 2; k++) {
    m.units[OPSCOPE_UNIT_THREADS].wake_us = wake_us[k];
    struct ops_plan *plan;
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    assert_int_equal(ops_plan_new_with_model(g, OPSCOPE_UNIT_ALL, &m, &plan, &d), OPS_OK);
    for (size_t i = 0; i < plan->n_nodes; i++) {
      const struct ops_plan_node *pn = &plan->nodes[i];
      if (pn->assigned == OPSCOPE_UNIT_THREADS) on_threads[k]++;
      if (pn->kind != OPS_PLAN_CONSTANT) assert_true(pn->assigned >= 0 && pn->kernel != NULL);
    }
    ops_plan_free(plan);
  }
  assert_true(on_threads[0] > 0); /* free to wake: the big convolutions go to the pool */
  assert_int_equal(on_threads[1], 0);
  ops_graph_free(g);
}

/* The calibration file: what is saved loads back; a malformed line is refused with its number;
 * the cache path is keyed by CPU and ISA and holds no odd characters. */
static void test_calibration_file(void **state) {
  (void)state;
  struct ops_cost_model a, b;
  ops_cost_model_defaults(&a);
  a.units[OPSCOPE_UNIT_SCALAR].gflops = 1.25;
  a.units[OPSCOPE_UNIT_SIMD].gbs[OPS_MEM_L2] = 77.5;
  a.units[OPSCOPE_UNIT_THREADS].efficiency[OPS_CLASS_GEMM] = 0.875;
  /* Files go to a private directory, not the working directory, which may be a checkout. */
  char dir[] = "/tmp/opscope-calib-XXXXXX", good[64], bad[64];
  assert_non_null(mkdtemp(dir));
  snprintf(good, sizeof good, "%s/calibration-test.txt", dir);
  snprintf(bad, sizeof bad, "%s/calibration-bad.txt", dir);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_cost_model_save(&a, good, "Test CPU", "avx2", &d), OPS_OK);
  ops_cost_model_defaults(&b);
  assert_int_equal(ops_cost_model_load(&b, good, &d), OPS_OK);
  assert_true(b.calibrated);
  OPS_ASSERT_CONTAINS(b.source, "/calibration-test.txt)");
  OPS_ASSERT_NEAR(b.units[OPSCOPE_UNIT_SCALAR].gflops, 1.25, 1e-9);
  OPS_ASSERT_NEAR(b.units[OPSCOPE_UNIT_SIMD].gbs[OPS_MEM_L2], 77.5, 1e-9);
  OPS_ASSERT_NEAR(b.units[OPSCOPE_UNIT_THREADS].efficiency[OPS_CLASS_GEMM], 0.875, 1e-9);

  FILE *f = fopen(bad, "w");
  assert_non_null(f);
  fputs("scalar.gflops 2\nsimd.gbs.L9 4\n", f);
  fclose(f);
  ops_cost_model_defaults(&b);
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_cost_model_load(&b, bad, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "calibration-bad.txt:2: unknown key 'simd.gbs.L9'");
  f = fopen(bad, "w");
  assert_non_null(f);
  fputs("scalar.gflops -3\n", f);
  fclose(f);
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_cost_model_load(&b, bad, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, ":1: scalar.gflops must be a positive number");
  assert_int_equal(ops_cost_model_load(&b, "no-such-file.txt", &d), OPS_ERR_IO);
  remove(good);
  remove(bad);
  rmdir(dir);

  char path[512];
  setenv("XDG_CACHE_HOME", "/tmp/xdg-test", 1);
  assert_true(ops_cost_model_cache_path(path, sizeof path, "AMD EPYC 9R14 (96-Core)", "avx512f"));
  assert_string_equal(path,
                      "/tmp/xdg-test/opscope/calibration-AMD_EPYC_9R14__96-Core_-avx512f.txt");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_conv_counts),
      cmocka_unit_test(test_gemm_and_elementwise_counts),
      cmocka_unit_test(test_roofline),
      cmocka_unit_test(test_all_takes_cheapest_supported),
      cmocka_unit_test(test_all_weighs_waking_the_pool),
      cmocka_unit_test(test_calibration_file),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
