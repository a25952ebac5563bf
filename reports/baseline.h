/*
 * Earlier reports as baselines: the timing part of a JSON report (per-unit benchmark
 * statistics and per-op profile means) read back into plain data, so that --baseline can gate
 * on regressions and `opscope diff` can set two reports side by side.
 */
#ifndef OPSCOPE_REPORTS_BASELINE_H
#define OPSCOPE_REPORTS_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/gates.h"
#include "reports/report.h"
#include "reports/table.h"
#include "src/diag.h"

/* One op's mean time from a benchmark's per-op profile. */
struct ops_baseline_op {
  char *node; /* owned */
  char *op;   /* owned: the op type */
  double mean_ms;
};

/* One entry of `benchmarks`. */
struct ops_baseline_unit {
  char unit[16]; /* "scalar", "simd", "threads", "all" */
  bool ok;       /* status "ok": the statistics below are set */
  double median_ms, p90_ms, stddev_ms;
  size_t iterations;
  struct ops_baseline_op *ops; /* owned; n_ops entries (0 without --profile) */
  size_t n_ops;
};

/* What identifies the model, so a baseline of another model is refused. */
struct ops_baseline_model {
  char *path;   /* owned; as given with -m (informative: checkouts move) */
  char *name;   /* owned; graph name, or NULL */
  char *format; /* owned */
  long long node_count;
  long long param_count;
};

struct ops_baseline {
  char *file; /* owned: the report it was read from ("" for the current run) */
  int schema_version;
  struct ops_baseline_model model;
  struct ops_baseline_unit *units; /* owned; n_units entries */
  size_t n_units;
};

/* Reads the report at `path`. Fails with OPS_ERR_IO (unreadable), OPS_ERR_BAD_INPUT (not JSON,
 * not an opscope report, another schema version, or a field of the wrong type; the message
 * names the file and the field) or OPS_ERR_NO_MEMORY. On failure `out` is empty and safe to
 * pass to ops_baseline_done(). */
enum ops_status ops_baseline_load(const char *path, struct ops_baseline *out, struct ops_diag *d);

/* The same summary of the run in memory (its benchmarks). */
enum ops_status ops_baseline_from_report(const struct ops_report *r, struct ops_baseline *out,
                                         struct ops_diag *d);

void ops_baseline_done(struct ops_baseline *b);

/* Fails with OPS_ERR_BAD_INPUT, naming `old`'s file, when the two reports describe different
 * models (format, graph name, node count or parameter count differ). */
enum ops_status ops_baseline_check_model(const struct ops_baseline *old,
                                         const struct ops_baseline *cur, struct ops_diag *d);

/* Regression gates of `cur` against `old` (--max-regression PCT): one per unit benchmarked in
 * both, on the median, and one per op profiled in both (matched by node name and unit), on the
 * mean. A gate fails only when the slow-down exceeds both PCT percent and the baseline's spread
 * (docs/report.md, "Regression gates"). Appends to `out`; fails only with OPS_ERR_NO_MEMORY. */
enum ops_status ops_baseline_compare(const struct ops_baseline *old, const struct ops_baseline *cur,
                                     double max_pct, struct ops_gate_list *out, struct ops_diag *d);

/* `opscope diff`: per-unit medians and per-op means of `a` and `b` with their deltas, ops sorted
 * by absolute delta, written as two tables in `fmt`. Fails only with OPS_ERR_NO_MEMORY. */
enum ops_status ops_baseline_diff_write(FILE *f, const struct ops_baseline *a,
                                        const struct ops_baseline *b, enum ops_table_format fmt,
                                        struct ops_diag *d);

#endif /* OPSCOPE_REPORTS_BASELINE_H */
