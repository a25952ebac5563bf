/*
 * --costs: the cost model's view of the model (reports/costs-text.c). With --validate UNIT the
 * model is also run with per-op timing on UNIT and each op's estimate is set against its
 * measured mean: Spearman's rank correlation says whether the model orders ops right, the
 * whole-model ratio whether its scale is right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiler/bench.h"
#include "src/api-impl.h"
#include "src/cli.h"
#include "src/size.h"

static int validate(struct ops_cli_session *s) {
  int rc = ops_cli_inputs_set(s, s->exec);
  if (rc != OPS_EXIT_OK) return rc;
  struct ops_bench_config cfg = {s->opts->warmup,
                                 s->opts->iterations,
                                 s->opts->min_time_s,
                                 true,
                                 s->opts->quiet ? NULL : ops_cli_progress,
                                 s};
  struct ops_diag d;
  ops_diag_init(&d, s->report.graph->path);
  enum ops_status st = ops_bench_run(s->exec->exec, &cfg, NULL, &s->bench_result, &d);
  ops_cli_progress_end(s);
  if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
  const struct ops_profile *p = &s->bench_result.profile;
  const struct ops_plan *plan = s->plan->plan;
  size_t n = p->n_ops;
  s->validation_nodes = ops_calloc_array(n ? n : 1, sizeof *s->validation_nodes);
  s->validation_est = ops_calloc_array(n ? n : 1, sizeof *s->validation_est);
  s->validation_meas = ops_calloc_array(n ? n : 1, sizeof *s->validation_meas);
  if (!s->validation_nodes || !s->validation_est || !s->validation_meas) {
    return ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "out of memory");
  }
  double est = 0, meas = 0;
  for (size_t i = 0; i < n; i++) {
    const struct ops_plan_node *pn = &plan->nodes[p->ops[i].node];
    s->validation_nodes[i] = p->ops[i].node;
    s->validation_est[i] = pn->est_ms[p->ops[i].unit];
    s->validation_meas[i] = p->ops[i].mean_ms;
    est += s->validation_est[i];
    meas += s->validation_meas[i];
  }
  struct ops_report_validation *v = &s->validation;
  v->unit = s->opts->unit;
  v->nodes = s->validation_nodes;
  v->estimated_ms = s->validation_est;
  v->measured_ms = s->validation_meas;
  v->n = n;
  v->runs = (size_t)p->runs;
  v->spearman = ops_stats_spearman(s->validation_est, s->validation_meas, n);
  v->model_ratio = meas > 0 ? est / meas : 0.0;
  s->report.validation = v;
  return OPS_EXIT_OK;
}

int ops_cli_costs(struct ops_cli_session *s) {
  s->report.costs = true;
  s->report.top = (size_t)s->opts->top;
  if (s->opts->validate) {
    int rc = validate(s);
    if (rc != OPS_EXIT_OK) return rc;
  }
  ops_report_costs_text(stdout, &s->report);
  return OPS_EXIT_OK;
}

void ops_cli_costs_done(struct ops_cli_session *s) {
  free(s->validation_nodes);
  free(s->validation_est);
  free(s->validation_meas);
  s->validation_nodes = NULL;
  s->validation_est = s->validation_meas = NULL;
}
