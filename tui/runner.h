/*
 * The live view's benchmark thread: runs the compiled model over and over with per-op timing
 * and publishes what it measured into a struct ops_tui_live (tui/snapshot.h). Everything that
 * touches the plan or the compiled model happens on this thread, between runs: a unit change,
 * an override, the every-unit comparison of key `b` and the JSON export of key `e`, so the
 * screen never waits on a run and never sees a plan being rebuilt.
 */
#ifndef OPSCOPE_TUI_RUNNER_H
#define OPSCOPE_TUI_RUNNER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "opscope.h"
#include "profiler/pmu.h"
#include "src/diag.h"
#include "tui/snapshot.h"

struct ops_tui_runner_config {
  const opscope_model_t *model;        /* borrowed; outlives the runner */
  int unit;                            /* the first requested unit */
  const struct opscope_tensor *inputs; /* borrowed; the input of every run */
  size_t n_inputs;
  const int *overrides;       /* graph->n_nodes units to force (-1: none), copied; may be NULL */
  const char *overrides_path; /* where accepted overrides are saved; NULL: not saved */
  const char *report_path;    /* the JSON report of key `e` */
  const char *input_source;   /* "seed 1", for the report */
  const char *command_line;   /* for the report */
  double load_ms;             /* model load time, for the report; negative when unknown */
};

struct ops_tui_runner {
  struct ops_tui_runner_config cfg;
  struct ops_tui_live *live; /* borrowed */
  const struct ops_graph *graph;
  pthread_t thread;
  bool started;
  opscope_plan_t *plan; /* owned; NULL before the first plan */
  opscope_exec_t *exec; /* owned; NULL when the plan cannot be compiled */
  int requested;
  int *overrides;               /* owned; graph->n_nodes entries */
  struct ops_tui_snapshot work; /* the runner's own copy, published under the lock */
  uint64_t *prev_step_ns;       /* owned; per step, exec->step_ns at the last run */
  double *bucket_ms;            /* owned; per node, time summed since the last publish */
  uint64_t bucket_runs;
  double bucket_lat_ms;
  uint64_t last_publish_ns;
  double *samples_ms; /* owned; the latest SAMPLES_CAP latencies of this plan, a ring */
  size_t samples_len, samples_head;
  double first_run_ms;
  struct ops_pmu_set pmu;
  bool pmu_open;
  double *counter_sum; /* owned; n_nodes x OPS_PMU_MAX_EVENTS, summed over counter runs */
  double counter_prev[OPS_PMU_MAX_EVENTS];
  double counter_now[OPS_PMU_MAX_EVENTS];
  int counter_step_node; /* the node of the step the counters are running in, -1 before */
};

/* Prepares the runner and starts its thread. On failure nothing runs, `d` says why, and
 * ops_tui_runner_stop() is still safe. OPS_ERR_NO_MEMORY, or OPS_ERR_UNAVAILABLE when the
 * system refuses the thread. */
enum ops_status ops_tui_runner_start(struct ops_tui_runner *r,
                                     const struct ops_tui_runner_config *cfg,
                                     struct ops_tui_live *live, struct ops_diag *d);
/* Asks the thread to quit, joins it after its current run, and frees what it owned. */
void ops_tui_runner_stop(struct ops_tui_runner *r);

#endif /* OPSCOPE_TUI_RUNNER_H */
