/* The derived metrics table. To add a metric: one entry in `metrics` and its formula. */
#include "profiler/metrics.h"

#include <stdio.h>
#include <string.h>

struct metric_def {
  const char *name;
  const char *unit;
  const char *inputs[2]; /* counter names; NULL for unused slots */
  double (*formula)(const double *in);
  const char *description;
};

static double ratio(const double *in) {
  return in[0] / in[1];
}

static double percent(const double *in) {
  return 100.0 * in[0] / in[1];
}

static double per_kilo(const double *in) {
  return 1000.0 * in[0] / in[1];
}

static double ghz(const double *in) {
  return in[0] / in[1]; /* cycles per nanosecond of task-clock */
}

static double giga_per_ns(const double *in) {
  return in[0] / in[1]; /* operations (or bytes) per nanosecond = G per second */
}

static const struct metric_def metrics[] = {
    {"GFLOP/s",
     "",
     {"model-flops", "task-clock"},
     giga_per_ns,
     "cost-model FLOPs / task-clock (ns): CPU time, so it is per core busy"},
    {"GB/s", "", {"model-bytes", "task-clock"}, giga_per_ns, "cost-model bytes / task-clock (ns)"},
    {"IPC", "", {"instructions", "cycles"}, ratio, "instructions / cycles"},
    {"cache-miss-rate",
     "%",
     {"cache-misses", "cache-references"},
     percent,
     "100 * cache-misses / cache-references"},
    {"branch-mpki",
     "",
     {"branch-misses", "instructions"},
     per_kilo,
     "branch-misses per 1000 instructions"},
    {"frequency", "GHz", {"cycles", "task-clock"}, ghz, "cycles / task-clock (ns)"},
};
_Static_assert(sizeof metrics / sizeof metrics[0] <= OPS_METRIC_MAX, "metric table");

/* The value of input `name`: a counter of `set`, or the cost model's work. False with the reason
 * in v->reason when it is unavailable. */
static bool input_value(const struct ops_pmu_set *set, const struct ops_metric_work *work,
                        const char *name, struct ops_metric_value *v, double *out) {
  if (strncmp(name, "model-", 6) == 0) {
    double x = work == NULL ? 0.0 : strcmp(name, "model-flops") == 0 ? work->flops : work->bytes;
    if (x <= 0.0) {
      snprintf(v->reason, sizeof v->reason, "needs %s from the cost model, which has none", name);
      return false;
    }
    *out = x;
    return true;
  }
  const struct ops_pmu_counter *c = ops_pmu_find(set, name);
  if (c == NULL) {
    snprintf(v->reason, sizeof v->reason, "needs %s, which was not asked for", name);
    return false;
  }
  if (c->state != OPS_COUNTER_OK && c->state != OPS_COUNTER_SCALED) {
    snprintf(v->reason, sizeof v->reason, "needs %s: %s", c->name, c->reason);
    return false;
  }
  *out = c->value;
  return true;
}

size_t ops_metrics_compute(const struct ops_pmu_set *set, const struct ops_metric_work *work,
                           struct ops_metric_value *out) {
  size_t n = 0;
  for (size_t m = 0; m < sizeof metrics / sizeof metrics[0]; m++) {
    const struct metric_def *def = &metrics[m];
    double in[2] = {0, 0};
    struct ops_metric_value *v = &out[n];
    memset(v, 0, sizeof *v);
    v->name = def->name;
    v->unit = def->unit;
    v->description = def->description;
    v->available = true;
    for (int i = 0; i < 2 && def->inputs[i] != NULL; i++) {
      if (!input_value(set, work, def->inputs[i], v, &in[i])) {
        v->available = false;
        break;
      }
    }
    if (v->available && in[1] == 0.0) {
      v->available = false;
      snprintf(v->reason, sizeof v->reason, "%s was 0 over the interval", def->inputs[1]);
    }
    if (v->available) v->value = def->formula(in);
    n++;
  }
  return n;
}
