/*
 * --calibrate: measures what each unit reaches on this machine, for the cost model.
 *
 * Each calibration microbenchmark (builtin:micro-*, one op each) is compiled for every unit that
 * runs it entirely on its own kernels and timed (median of repeated runs). The cost model's
 * operation and byte counts over the median give achieved GFLOP/s per op class and GB/s per
 * memory level; a unit's peak is its best compute class, and each class's efficiency its share
 * of that peak. What a unit cannot run (no kernel for the op there) keeps its default, and the
 * result says so.
 */
#ifndef OPSCOPE_PROFILER_CALIBRATE_H
#define OPSCOPE_PROFILER_CALIBRATE_H

#include <stdbool.h>
#include <stddef.h>

#include "planner/cost-model.h"
#include "profiler/bench.h"
#include "src/diag.h"

#define OPS_CALIBRATE_MAX 64

/* One microbenchmark on one unit. */
struct ops_calibration_entry {
  const char *model; /* "micro-gemm" (static) */
  int unit;          /* enum opscope_unit */
  bool measured;     /* false: the unit cannot run it alone; `skipped` says why */
  double median_ms;
  double flops, bytes; /* per run, from the cost model */
  double rate;         /* GFLOP/s, or GB/s for the streaming ones */
  const char *what;    /* "GFLOP/s conv", "GB/s L2" (static) */
  char skipped[192];
};

struct ops_calibration {
  struct ops_calibration_entry entries[OPS_CALIBRATE_MAX];
  size_t n;
  double seconds;      /* wall time the calibration took */
  double pool_hot_us;  /* an empty pool run with the workers spinning: threads' per-op overhead */
  double pool_wake_us; /* the same after the workers slept: paid once per run that uses threads;
                          both 0 when no pool of two or more threads could be made */
};

/* Calibrates *m (which starts from ops_cost_model_defaults) by timing every microbenchmark on
 * every unit with `cfg` (warm-up, iterations, min time); `out` lists what was measured. */
enum ops_status ops_calibrate(struct ops_cost_model *m, const struct ops_bench_config *cfg,
                              struct ops_calibration *out, struct ops_diag *d);

#endif /* OPSCOPE_PROFILER_CALIBRATE_H */
