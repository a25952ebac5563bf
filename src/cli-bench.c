/*
 * --benchmark UNIT and --benchmark-all: time the compiled model. Inputs are set once before
 * timing (src/cli-inputs.c), so runs are repeatable and every unit sees the same values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiler/bench.h"
#include "profiler/metrics.h"
#include "profiler/pmu.h"
#include "src/api-impl.h"
#include "src/cli.h"

static struct ops_bench_config bench_config(struct ops_cli_session *s) {
  struct ops_bench_config cfg = {
      s->opts->warmup, s->opts->iterations, s->opts->min_time_s, s->opts->per_op, NULL, NULL};
  if (!s->opts->quiet) {
    cfg.progress = ops_cli_progress;
    cfg.progress_ctx = s;
  }
  return cfg;
}

int ops_cli_benchmark(struct ops_cli_session *s) {
  int rc = ops_cli_inputs_set(s, s->exec);
  if (rc != OPS_EXIT_OK) return rc;
  struct ops_bench_config cfg = bench_config(s);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_pmu_set *pmu = NULL;
  if (s->opts->counters) {
    enum ops_status st = ops_pmu_open(&s->pmu, s->opts->counter_list, &d);
    if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
    pmu = &s->pmu;
  }
  ops_diag_init(&d, s->report.graph->path);
  enum ops_status st = ops_bench_run(s->exec->exec, &cfg, pmu, &s->bench_result, &d);
  ops_cli_progress_end(s);
  if (pmu != NULL) ops_pmu_close(pmu);
  if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
  struct ops_plan_summary sum;
  ops_plan_summarize(s->plan->plan, &sum);
  s->bench.flops_per_run = sum.flops;
  if (pmu != NULL) {
    /* Counters cover the timed runs, so the work does too. */
    double runs = (double)s->bench_result.n;
    struct ops_metric_work work = {sum.flops * runs, sum.bytes * runs};
    s->bench.counters = pmu;
    s->bench.metrics = s->metrics;
    s->bench.n_metrics = ops_metrics_compute(pmu, &work, s->metrics);
  }
  s->bench.unit = s->opts->unit;
  s->bench.config = cfg;
  s->bench.input_source = s->inputs.source;
  s->bench.result = &s->bench_result;
  s->bench.load_ms = -1.0;
  s->report.benches = &s->bench;
  s->report.n_benches = 1;
  ops_report_bench_text(stdout, &s->report);
  if (s->opts->trace_path != NULL) return ops_cli_trace(s);
  return OPS_EXIT_OK;
}

int ops_cli_benchmark_all(struct ops_cli_session *s) {
  static const int all_units[] = {OPSCOPE_UNIT_SCALAR, OPSCOPE_UNIT_SIMD, OPSCOPE_UNIT_THREADS,
                                  OPSCOPE_UNIT_ALL};
  const bool chosen = s->opts->n_bench_units > 0;
  const int *units = chosen ? s->opts->bench_units : all_units;
  const size_t n_units = chosen ? s->opts->n_bench_units : sizeof all_units / sizeof all_units[0];
  int rc = ops_cli_units_compile(s, units, n_units);
  if (rc != OPS_EXIT_OK) return rc;
  struct ops_exec *execs[4];
  size_t map[4], n = 0;
  for (size_t i = 0; i < s->n_units; i++) {
    if (s->units[i].exec == NULL) continue;
    map[n] = i;
    execs[n++] = s->units[i].exec->exec;
  }
  if (n == 0) {
    /* Every unit falls back to scalar in the end, so none can run the model. */
    char msg[1200];
    snprintf(msg, sizeof msg, "no unit can run the model: %s", s->units[0].error);
    return ops_cli_fail(OPSCOPE_ERR_UNSUPPORTED, msg);
  }
  struct ops_bench_config cfg = bench_config(s);
  cfg.per_op = false;
  struct ops_bench_result results[4];
  struct ops_diag d;
  ops_diag_init(&d, s->report.graph->path);
  enum ops_status st = ops_bench_run_interleaved(execs, n, &cfg, results, &d);
  ops_cli_progress_end(s);
  if (st != OPS_OK) {
    for (size_t k = 0; k < n; k++)
      ops_bench_result_done(&results[k]);
    return ops_cli_fail((int)st, d.msg);
  }
  for (size_t i = 0; i < s->n_units; i++) {
    struct ops_report_bench *b = &s->unit_benches[i];
    memset(b, 0, sizeof *b);
    b->unit = s->units[i].unit;
    b->config = cfg;
    b->input_source = s->inputs.source;
    b->load_ms = s->units[i].load_ms;
    b->error = s->units[i].exec == NULL ? s->units[i].error : NULL;
    b->plan = s->units[i].plan->plan;
  }
  for (size_t k = 0; k < n; k++) {
    s->unit_results[map[k]] = results[k];
    s->unit_benches[map[k]].result = &s->unit_results[map[k]];
  }
  s->report.benches = s->unit_benches;
  s->report.n_benches = s->n_units;
  s->report.bench_all = true;
  ops_report_bench_all_text(stdout, &s->report);
  /* A unit that cannot run the model is a failed check, as --compare treats it. */
  return n == s->n_units ? OPS_EXIT_OK : OPS_EXIT_FAILED;
}
