/*
 * profiler/pmu.c and metrics.c: counters either count or say why not, never a silent 0.
 * Hardware counters exist on some machines and not others (VMs); the tests accept both states
 * and check that each is reported honestly.
 */
#include <stdlib.h>
#include <time.h>

#include "test-util.h"

#include "profiler/metrics.h"
#include "profiler/pmu.h"
#include "reports/report.h"

static volatile double sink;

static double thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* `ms` milliseconds of this thread's CPU time (not wall time: on a loaded machine the thread may
 * get only part of the wall clock, and task-clock counts CPU time). */
static void spin(double ms) {
  double t0 = thread_cpu_ns();
  double x = 1.0;
  while (thread_cpu_ns() - t0 < ms * 1e6) {
    for (int i = 0; i < 1000; i++)
      x = x * 1.0000001 + 1e-9;
  }
  sink = x;
}

static void test_states_are_honest(void **state) {
  (void)state;
  struct ops_pmu_set set;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_pmu_open(&set, NULL, &d), OPS_OK);
  assert_true(set.n >= 9);
  ops_pmu_start(&set);
  spin(30);
  ops_pmu_stop(&set);
  for (size_t i = 0; i < set.n; i++) {
    const struct ops_pmu_counter *c = &set.counters[i];
    switch (c->state) {
      case OPS_COUNTER_OK:
        assert_true(c->value >= 0.0);
        assert_string_equal(c->reason, "");
        break;
      case OPS_COUNTER_SCALED:
        assert_true(c->running_pct > 0.0 && c->running_pct < 100.0);
        OPS_ASSERT_CONTAINS(c->reason, "multiplexed");
        break;
      case OPS_COUNTER_NOT_COUNTED:
      case OPS_COUNTER_NOT_SUPPORTED:
        /* Whatever the machine lacks, the reason says so in words. */
        assert_true(strlen(c->reason) > 10);
        break;
      case OPS_COUNTER_PERMISSION_DENIED:
        OPS_ASSERT_CONTAINS(c->reason, "perf_event_paranoid");
        break;
      case OPS_COUNTER_STATE_COUNT:
        fail_msg("%s: invalid state", c->name);
    }
  }
  const struct ops_pmu_counter *tc = ops_pmu_find(&set, "task-clock");
  assert_non_null(tc);
  if (tc->state == OPS_COUNTER_NOT_SUPPORTED || tc->state == OPS_COUNTER_PERMISSION_DENIED) {
    print_message("skipping the task-clock check: %s\n", tc->reason);
  } else {
    /* 30 ms of the thread's CPU time is well over 10 ms of task-clock, however loaded. */
    assert_true(tc->value > 10e6);
  }
  struct ops_metric_value m[OPS_METRIC_MAX];
  size_t n = ops_metrics_compute(&set, NULL, m);
  assert_true(n >= 4);
  for (size_t i = 0; i < n; i++) {
    if (!m[i].available) OPS_ASSERT_CONTAINS(m[i].reason, "needs ");
  }
  ops_pmu_close(&set);
}

static void test_unknown_event(void **state) {
  (void)state;
  struct ops_pmu_set set;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_pmu_open(&set, "task-clock,flops", &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "unknown event 'flops' (known: cycles");
}

/* A counter that could not be read is printed as n/a with its reason, never as a number. */
static void test_report_never_prints_zero(void **state) {
  (void)state;
  struct ops_pmu_set set;
  memset(&set, 0, sizeof set);
  set.n = 2;
  set.counters[0] =
      (struct ops_pmu_counter){.name = "cycles", .unit = "", .state = OPS_COUNTER_NOT_SUPPORTED};
  snprintf(set.counters[0].reason, sizeof set.counters[0].reason, "not exposed (test)");
  set.counters[1] = (struct ops_pmu_counter){
      .name = "task-clock", .unit = "ns", .state = OPS_COUNTER_OK, .value = 4e6};
  double samples[2] = {1.0, 1.0};
  struct ops_bench_result res = {.first_run_ms = 1, .samples_ms = samples, .n = 2};
  ops_bench_stats_compute(samples, 2, &res.stats);
  struct ops_metric_value metrics[OPS_METRIC_MAX];
  size_t n_metrics = ops_metrics_compute(&set, NULL, metrics);
  struct ops_report_bench bench = {.config = {.iterations = 2},
                                   .input_source = "seed 1",
                                   .result = &res,
                                   .counters = &set,
                                   .metrics = metrics,
                                   .n_metrics = n_metrics,
                                   .load_ms = -1};
  struct ops_graph g = {.path = "test"};
  struct ops_report r = {.graph = &g, .benches = &bench, .n_benches = 1};
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  ops_report_bench_text(f, &r);
  fclose(f);
  OPS_ASSERT_CONTAINS(text, "cycles             n/a (not supported: not exposed (test))");
  OPS_ASSERT_CONTAINS(text, "task-clock                 2.0000 ms");
  OPS_ASSERT_CONTAINS(text, "IPC                n/a (needs ");
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_states_are_honest),
      cmocka_unit_test(test_unknown_event),
      cmocka_unit_test(test_report_never_prints_zero),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
