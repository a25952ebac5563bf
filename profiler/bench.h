/*
 * The benchmark harness: warm-up runs that never enter a statistic, then timed runs until both
 * the iteration count and the minimum time are reached, then order statistics.
 *
 * It times ops_exec_run() alone: inputs are set once before, so copying them is not measured.
 */
#ifndef OPSCOPE_PROFILER_BENCH_H
#define OPSCOPE_PROFILER_BENCH_H

#include <stddef.h>

#include "compiler/exec.h"
#include "profiler/pmu.h"
#include "src/diag.h"

/* Called after every run with the share of the work done so far (0..1, an estimate while
 * --min-time decides the end); the CLI draws its progress bar from it. */
typedef void (*ops_bench_progress_fn)(void *ctx, double done);

struct ops_bench_config {
  int warmup;        /* runs before timing; 0 allowed */
  int iterations;    /* timed runs at least */
  double min_time_s; /* and keep going until the timed runs add up to this many seconds */
  bool per_op;       /* after the timed runs, as many runs again with per-op timing */
  ops_bench_progress_fn progress; /* may be NULL */
  void *progress_ctx;
};

/* Time of one op, averaged over the profiled runs. */
struct ops_op_time {
  int node;           /* index into graph->nodes */
  int unit;           /* enum opscope_unit it ran on */
  const char *kernel; /* static kernel name */
  double mean_ms;
};

/* Where the time goes: every step of a run, in run order. */
struct ops_profile {
  struct ops_op_time *ops; /* owned; n_ops entries */
  size_t n_ops;
  uint64_t runs;       /* profiled runs averaged */
  double total_ms;     /* sum of the ops' means */
  double overhead_pct; /* median latency with per-op timing over the median without, minus 1, in
                          percent */
  /* With counters (--profile with --counters): each op's share of every counter of the set,
   * per run, read at the op's boundaries in runs of their own. n_ops x n_counters, row per op;
   * NAN where a counter is unavailable. */
  double *counter_values; /* owned */
  size_t n_counters;
  uint64_t counter_runs;
};

/* Statistics of the timed runs, in milliseconds. Percentiles interpolate linearly between the
 * two nearest order statistics. */
struct ops_bench_stats {
  size_t n;
  double mean, median, min, max, stddev, p90, p99;
};

struct ops_bench_result {
  double first_run_ms; /* the first run after compiling: cold caches, page faults */
  double *samples_ms;  /* owned; n timed runs in the order they ran */
  size_t n;
  struct ops_bench_stats stats;
  long long peak_rss_bytes;   /* of the whole process after the runs; -1 when unreadable */
  struct ops_profile profile; /* per-op times when cfg->per_op; n_ops 0 otherwise */
};

/* Runs `exec` (inputs already set) as `cfg` says. The first run is reported apart and counts as
 * one of the warm-up runs when cfg->warmup > 0. When `pmu` is not NULL (opened), its counters
 * cover exactly the timed runs. */
enum ops_status ops_bench_run(struct ops_exec *exec, const struct ops_bench_config *cfg,
                              struct ops_pmu_set *pmu, struct ops_bench_result *out,
                              struct ops_diag *d);
void ops_bench_result_done(struct ops_bench_result *r);

/* Benchmarks n compiled models (inputs already set) round by round: each round runs every
 * model once, the first one rotating from round to round, so drift of the machine (frequency,
 * other load) hits all of them alike, as it would not if one ran after another. Warm-up is
 * cfg->warmup rounds; timing goes on until every model has cfg->iterations samples and the
 * slowest model's timed runs add up to cfg->min_time_s (so the others get as many rounds). out[k] receives model k's result (no counters, no per-op
 * profile). */
enum ops_status ops_bench_run_interleaved(struct ops_exec *const *execs, size_t n,
                                          const struct ops_bench_config *cfg,
                                          struct ops_bench_result *out, struct ops_diag *d);

/* Fills `out` from `n` samples (milliseconds); n may be 0 (all fields 0). */
void ops_bench_stats_compute(const double *samples, size_t n, struct ops_bench_stats *out);

/* Spearman's rank correlation of x and y (n pairs; tied values get their mean rank). NaN when
 * n < 2, when either side is constant, or when memory runs out. */
double ops_stats_spearman(const double *x, const double *y, size_t n);

#endif /* OPSCOPE_PROFILER_BENCH_H */
