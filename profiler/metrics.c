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

static const struct metric_def metrics[] = {
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

size_t ops_metrics_compute(const struct ops_pmu_set *set, struct ops_metric_value *out) {
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
      const struct ops_pmu_counter *c = ops_pmu_find(set, def->inputs[i]);
      if (c == NULL) {
        v->available = false;
        snprintf(v->reason, sizeof v->reason, "needs %s, which was not asked for", def->inputs[i]);
        break;
      }
      if (c->state != OPS_COUNTER_OK && c->state != OPS_COUNTER_SCALED) {
        v->available = false;
        snprintf(v->reason, sizeof v->reason, "needs %s: %s", c->name, c->reason);
        break;
      }
      in[i] = c->value;
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
