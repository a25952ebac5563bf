/*
 * Derived metrics, defined as data (STYLE.md §7): a name, a unit, the counters it needs and a
 * formula. A metric is unavailable when any of its inputs is, and then says which one and why.
 */
#ifndef OPSCOPE_PROFILER_METRICS_H
#define OPSCOPE_PROFILER_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "profiler/pmu.h"

#define OPS_METRIC_MAX 8

struct ops_metric_value {
  const char *name;        /* static: "IPC" */
  const char *unit;        /* static: "", "%", "GHz" */
  const char *description; /* static: the formula in words */
  bool available;
  double value;
  char reason[OPS_PMU_REASON_MAX + 64]; /* why unavailable, "" when available */
};

/* What the cost model says the measured runs did, in total over the timed runs: metrics may name
 * "model-flops" and "model-bytes" as inputs beside counters. Zero when unknown. */
struct ops_metric_work {
  double flops;
  double bytes;
};

/* Computes every metric from the counters of `set` (after ops_pmu_stop) and `work` (may be
 * NULL) into out[]; returns the number written (at most OPS_METRIC_MAX). */
size_t ops_metrics_compute(const struct ops_pmu_set *set, const struct ops_metric_work *work,
                           struct ops_metric_value *out);

#endif /* OPSCOPE_PROFILER_METRICS_H */
