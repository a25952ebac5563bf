/*
 * CI gates: thresholds checked against what this run measured (coverage, fallbacks, latency)
 * and, with a baseline, against an earlier report. Each gate keeps its threshold, its value and
 * whether it passed; the CLI prints a line per miss and exits 3 (DESIGN.md), and the JSON report
 * lists every gate.
 */
#ifndef OPSCOPE_REPORTS_GATES_H
#define OPSCOPE_REPORTS_GATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/report.h"
#include "src/diag.h"

struct json_object;

enum ops_gate_kind {
  OPS_GATE_KIND_MIN,        /* passes when value >= threshold */
  OPS_GATE_KIND_MAX,        /* passes when value <= threshold */
  OPS_GATE_KIND_REGRESSION, /* passes unless value > threshold and the slow-down exceeds the
                               baseline's spread */
  OPS_GATE_KIND_COUNT
};

struct ops_gate {
  char name[256];     /* what was measured: "simd coverage", "simd latency", "op 'conv1' (simd)" */
  const char *flag;   /* the option that asked for it: "--min-coverage" */
  const char *suffix; /* printed after value and threshold: "%", " ms", "" */
  enum ops_gate_kind kind;
  double threshold;
  double value;    /* NaN when it could not be measured (the gate then fails) */
  double baseline; /* regression gates: the baseline's time in ms; NaN otherwise */
  double current;  /* regression gates: this run's time in ms; NaN otherwise */
  double spread;   /* regression gates: the baseline's spread in ms; NaN otherwise */
  char note[256];  /* why value is NaN, or "" */
  bool passed;
};

struct ops_gate_list {
  struct ops_gate *gates; /* owned; n entries */
  size_t n, cap;
};

/* What the gate options ask for. A NaN threshold, or a negative count, leaves a gate out. */
struct ops_gate_config {
  double min_coverage_pct;      /* --min-coverage PCT */
  double min_coverage_time_pct; /* --min-coverage-time PCT */
  long max_fallbacks;           /* --max-fallbacks N; -1 when not given */
  bool strict;                  /* --strict: any fallback fails */
  double max_latency_ms;        /* --max-latency MS UNIT */
  int max_latency_unit;         /* enum opscope_unit of --max-latency */
};

/* A config that checks nothing. */
void ops_gate_config_init(struct ops_gate_config *c);
/* Whether `c` asks for any gate. */
bool ops_gate_config_any(const struct ops_gate_config *c);

void ops_gate_list_init(struct ops_gate_list *l);
void ops_gate_list_done(struct ops_gate_list *l);
/* Appends a copy of `g`; OPS_ERR_NO_MEMORY leaves the list as it was. */
enum ops_status ops_gate_list_add(struct ops_gate_list *l, const struct ops_gate *g);
/* Gates that failed. */
size_t ops_gate_list_failed(const struct ops_gate_list *l);

/* Evaluates the gates of `c` against the report (its plan and benchmarks) and appends them to
 * `out`. Fails only with OPS_ERR_NO_MEMORY. */
enum ops_status ops_gates_evaluate(const struct ops_report *r, const struct ops_gate_config *c,
                                   struct ops_gate_list *out, struct ops_diag *d);

/* Writes "gate failed: simd coverage 54.5% < 95% (--min-coverage)", one line per failed gate,
 * and returns how many it wrote. */
size_t ops_gate_list_write_failures(FILE *f, const struct ops_gate_list *l);

/* The `gates` array of the JSON report (a new json-c object, owned by the caller), or NULL when
 * memory runs out. */
struct json_object *ops_gate_list_json(const struct ops_gate_list *l);

#endif /* OPSCOPE_REPORTS_GATES_H */
