/*
 * --sample [UNIT]: sample the benchmark loop with perf_event_open (profiler/sample.c), symbolize
 * the addresses with libdwfl, and attribute each sample to the op running at its time through a
 * timeline of step start times. The same runs are timed per op, so the report can set the ops
 * the samples find hottest beside the ops per-op timing finds hottest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiler/sample.h"
#include "profiler/symbolize.h"
#include "reports/sample-text.h"
#include "src/api-impl.h"
#include "src/cli.h"
#include "src/size.h"

struct ranked_step {
  size_t step;
  uint64_t ns;
};

static int by_ns_desc(const void *a, const void *b) {
  const struct ranked_step *x = a, *y = b;
  if (x->ns != y->ns) return x->ns > y->ns ? -1 : 1;
  return (x->step > y->step) - (x->step < y->step);
}

/* Top three ops by per-op time against the top three by samples. */
static void print_agreement(const struct ops_exec *e, const uint64_t *step_ns, size_t runs,
                            const struct ops_sample_report *r) {
  struct ranked_step *timed = ops_calloc_array(e->n_steps ? e->n_steps : 1, sizeof *timed);
  if (timed == NULL) return;
  for (size_t i = 0; i < e->n_steps; i++)
    timed[i] = (struct ranked_step){i, step_ns[i]};
  qsort(timed, e->n_steps, sizeof *timed, by_ns_desc);
  printf("Hottest ops by per-op timing and by samples (the same runs):\n");
  size_t agree = 0, shown = 0;
  for (size_t i = 0; i < 3 && i < e->n_steps && i < r->n_ops; i++, shown++) {
    const struct ops_node *n = &e->graph->nodes[e->steps[timed[i].step].node];
    char a[64], b[64];
    printf("  #%zu  timed: %-34s %9.3f ms/run    sampled: %-34s %5.1f%%\n", i + 1,
           ops_report_name_tail(n->name, 34, a, sizeof a), (double)timed[i].ns / 1e6 / (double)runs,
           ops_report_name_tail(r->ops[i].name, 34, b, sizeof b), 100.0 * r->ops[i].share);
    for (size_t k = 0; k < 3 && k < r->n_ops; k++)
      agree += r->ops[k].step == timed[i].step;
  }
  printf("  %zu of the top %zu agree\n", agree, shown);
  free(timed);
}

int ops_cli_sample(struct ops_cli_session *s) {
  const struct ops_cli_options *o = s->opts;
  struct ops_exec *e = s->exec->exec;
  int rc = ops_cli_inputs_set(s, s->exec);
  if (rc != OPS_EXIT_OK) return rc;
  struct ops_diag d;
  ops_diag_init(&d, s->report.graph->path);
  for (int i = 0; i < o->warmup; i++) {
    if (ops_exec_run(e, &d) != OPS_OK) return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, d.msg);
  }
  struct ops_sampler *sampler = &s->sampler;
  ops_diag_init(&d, NULL);
  enum ops_status st = ops_sampler_open(sampler, NULL, &d);
  if (st != OPS_OK && st != OPS_ERR_UNAVAILABLE) return ops_cli_fail((int)st, d.msg);
  /* Where sampling is not possible the runs still happen, and the report says n/a and why. */
  struct ops_symbols *symbols = NULL;
  uint64_t *timeline = NULL;
  uint64_t *step_ns = NULL;
  size_t runs = o->iterations > 0 ? (size_t)o->iterations : 1;
  size_t cap;
  if (!ops_mul_size(runs, e->n_steps + 1, &cap) ||
      (timeline = ops_calloc_array(cap, sizeof *timeline)) == NULL ||
      (step_ns = ops_calloc_array(e->n_steps ? e->n_steps : 1, sizeof *step_ns)) == NULL) {
    rc = ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "out of memory for the sampling timeline");
    goto done;
  }
  if (ops_symbols_new(&symbols, &d) != OPS_OK) {
    rc = ops_cli_fail(OPSCOPE_ERR_UNAVAILABLE, d.msg);
    goto done;
  }
  ops_exec_set_timeline(e, timeline, cap);
  ops_exec_set_profiling(e, true);
  ops_diag_init(&d, s->report.graph->path);
  ops_sampler_start(sampler);
  for (size_t i = 0; i < runs; i++) {
    if (ops_exec_run(e, &d) != OPS_OK) {
      ops_sampler_stop(sampler);
      rc = ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, d.msg);
      goto done;
    }
    if (!o->quiet) ops_cli_progress(s, (double)(i + 1) / (double)runs);
  }
  ops_sampler_stop(sampler);
  ops_sampler_drain(sampler);
  ops_cli_progress_end(s);
  memcpy(step_ns, e->step_ns, e->n_steps * sizeof *step_ns);
  ops_exec_set_profiling(e, false);
  const struct ops_sampler *list[] = {sampler};
  ops_diag_init(&d, NULL);
  if (ops_sample_report_build(&s->sample_report, list, 1, symbols, e, &d) != OPS_OK) {
    rc = ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, d.msg);
    goto done;
  }
  s->report.sampling = &s->sample_report;
  printf("Sampling %s on unit '%s' (%zu runs after %d warm-up):\n", s->report.graph->path,
         opscope_unit_name(o->unit), runs, o->warmup);
  ops_report_sample_text(stdout, &s->sample_report, (size_t)o->top);
  if (s->sample_report.state == OPS_COUNTER_OK) {
    printf("\n");
    print_agreement(e, step_ns, runs, &s->sample_report);
  }
done:
  ops_exec_set_timeline(e, NULL, 0);
  ops_symbols_free(symbols);
  ops_sampler_close(sampler);
  free(timeline);
  free(step_ns);
  return rc;
}

void ops_cli_sample_done(struct ops_cli_session *s) {
  ops_sample_report_done(&s->sample_report);
  ops_sampler_close(&s->sampler);
}
