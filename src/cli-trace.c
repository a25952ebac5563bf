/*
 * --trace FILE: after the benchmark, as many runs again (at most MAX_TRACE_RUNS) with the
 * compiled model's timeline attached, written as a Chrome trace (reports/trace.c). The runs are
 * separate from the timed ones, so the clock reads never touch the statistics.
 */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "compiler/exec.h"
#include "kernels/threads/pool.h"
#include "reports/trace.h"
#include "src/api-impl.h"
#include "src/cli.h"
#include "src/size.h"

/* Enough runs to see variation, few enough that the trace stays a few MB on large models. */
#define MAX_TRACE_RUNS 100

int ops_cli_trace(struct ops_cli_session *s) {
  struct ops_exec *x = s->exec->exec;
  size_t runs = s->bench_result.n;
  if (runs == 0) runs = 1;
  if (runs > MAX_TRACE_RUNS) runs = MAX_TRACE_RUNS;
  size_t per_run, entries;
  if (!ops_add_size(x->n_steps, 1, &per_run) || !ops_mul_size(per_run, runs, &entries)) {
    return ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "--trace: the timeline's size overflows");
  }
  uint64_t *timeline = ops_calloc_array(entries, sizeof *timeline);
  if (timeline == NULL) return ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "--trace: out of memory");
  struct ops_diag d;
  ops_diag_init(&d, s->report.graph->path);
  ops_exec_set_timeline(x, timeline, entries);
  enum ops_status st = OPS_OK;
  for (size_t r = 0; r < runs && st == OPS_OK; r++)
    st = ops_exec_run(x, &d);
  size_t recorded = x->timeline_len / per_run;
  ops_exec_set_timeline(x, NULL, 0);
  int rc = OPS_EXIT_OK;
  if (st != OPS_OK) {
    rc = ops_cli_fail((int)st, d.msg);
  } else {
    bool threads = false;
    for (size_t i = 0; i < x->n_steps; i++)
      threads = threads || x->steps[i].unit == OPSCOPE_UNIT_THREADS;
    struct ops_trace t = {
        .exec = x,
        .model = s->opts->model,
        .requested_unit = s->opts->unit,
        .timeline = timeline,
        .runs = recorded,
        .pid = (int)getpid(),
        .tid = (int)syscall(SYS_gettid),
        .pool_threads = threads && x->pool != NULL ? ops_pool_threads(x->pool) : 0,
    };
    ops_diag_init(&d, NULL);
    st = ops_trace_write(s->opts->trace_path, &t, &d);
    if (st != OPS_OK) {
      rc = ops_cli_fail((int)st, d.msg);
    } else if (!s->opts->quiet) {
      printf("\nWrote %s: %zu runs of %zu ops (open it in chrome://tracing or Perfetto)\n",
             s->opts->trace_path, recorded, x->n_steps);
    }
  }
  free(timeline);
  return rc;
}
