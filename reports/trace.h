/*
 * Chrome trace-event JSON of profiled runs (the "JSON Object Format" that chrome://tracing and
 * Perfetto open): one complete ("X") event per run and, nested in it, one per executed op, on
 * the thread that ran the model. Ops of the threads unit also ran on the pool's workers; their
 * events carry the pool's thread count rather than a span per worker.
 */
#ifndef OPSCOPE_REPORTS_TRACE_H
#define OPSCOPE_REPORTS_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/exec.h"
#include "src/diag.h"

struct ops_trace {
  const struct ops_exec *exec; /* the compiled model that ran (its steps name node and kernel) */
  const char *model;           /* the model as given with -m */
  int requested_unit;          /* enum opscope_unit */
  /* runs x (exec->n_steps + 1) CLOCK_MONOTONIC nanosecond times, as ops_exec_set_timeline
   * writes them: the start of every step, then the end of the run. */
  const uint64_t *timeline;
  size_t runs;
  int pid, tid;     /* of the process and the thread that ran the model */
  int pool_threads; /* threads of the threads unit's pool; 0 when no step used it */
};

/* Writes the trace to `path`. Fails with OPS_ERR_IO naming the file, or OPS_ERR_NO_MEMORY. */
enum ops_status ops_trace_write(const char *path, const struct ops_trace *t, struct ops_diag *d);

#endif /* OPSCOPE_REPORTS_TRACE_H */
