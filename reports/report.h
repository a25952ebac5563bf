/*
 * What a report is made of: pointers to the data objects the other stages produced. Reports
 * only format them (STYLE.md §1): they never run kernels or read files other than to write.
 */
#ifndef OPSCOPE_REPORTS_REPORT_H
#define OPSCOPE_REPORTS_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "compiler/passes.h"
#include "planner/plan.h"
#include "profiler/bench.h"
#include "profiler/metrics.h"
#include "profiler/pmu.h"
#include "profiler/compare.h"
#include "profiler/sample.h"
#include "src/diag.h"
#include "src/graph.h"

struct ops_gate_list;  /* reports/gates.h */
struct ops_report_env; /* reports/environment.h */

/* Version of the JSON report's schema (docs/report.md). Bump on any incompatible change. */
#define OPS_REPORT_SCHEMA_VERSION 1

/* One output checked by --verify. */
struct ops_report_check {
  const char *name;       /* output name */
  int dtype;              /* opscope_dtype of the model's output */
  struct ops_shape shape; /* the model's output shape */
  struct ops_compare_result cmp;
  bool pass;
};

struct ops_report_verify {
  const char *dir; /* the test data directory */
  int unit;        /* the requested unit it ran on */
  double rtol, atol;
  const struct ops_report_check *checks; /* n_checks entries */
  size_t n_checks;
  bool pass;
};

/* One --benchmark run of a unit (or one unit's column of --benchmark-all). */
struct ops_report_bench {
  int unit; /* the requested unit */
  struct ops_bench_config config;
  const char *input_source;               /* "seed 1" or the test data directory */
  const struct ops_bench_result *result;  /* NULL when the unit could not run the model */
  const struct ops_pmu_set *counters;     /* NULL without --counters */
  const struct ops_metric_value *metrics; /* n_metrics entries */
  size_t n_metrics;
  const char *error; /* why the unit could not run the model; NULL when it ran */
  double load_ms;    /* load + plan + compile for this unit; negative: use the report's timing */
  const struct ops_plan *plan; /* this unit's plan, for its coverage; NULL: the report's */
  double flops_per_run;        /* cost-model work of one run; 0 when unknown */
};

/* One output of one unit compared with the scalar unit (--compare, --test). */
struct ops_report_compare_check {
  int unit;         /* enum opscope_unit */
  const char *name; /* output name */
  struct ops_compare_result cmp;
  bool pass;
};

/* --compare / --test: every unit's outputs against scalar's on the same input. */
struct ops_report_compare {
  const char *input_source;
  double rtol, atol;
  const int *units;          /* the units compared (scalar first, the reference) */
  const char *const *errors; /* per unit: why it could not run, or NULL */
  size_t n_units;
  const struct ops_report_compare_check *checks; /* n_checks entries */
  size_t n_checks;
  bool pass;
};

/* --costs --validate UNIT: estimated against measured time per executed op. */
struct ops_report_validation {
  int unit;
  const int *nodes;           /* graph node of each executed op */
  const double *estimated_ms; /* the plan's estimate on the unit the op ran on */
  const double *measured_ms;  /* mean over the profiled runs */
  size_t n;
  double spearman;    /* rank correlation of the two; NaN with fewer than 2 ops */
  double model_ratio; /* sum of estimates over sum of measurements */
  size_t runs;        /* profiled runs averaged */
};

/* Time of each stage, in milliseconds; negative when the stage did not run. */
struct ops_report_timing {
  double load_ms;
  double plan_ms;
  double compile_ms;
  double run_ms;
  double passes_ms; /* the graph passes (compiler/passes.h), between load and plan */
};

struct ops_report {
  const char *command_line;      /* as typed, for the record */
  const struct ops_graph *graph; /* required */
  long long model_file_bytes;    /* -1 for built-in models */
  const struct ops_plan *plan;   /* NULL when the model was not planned */
  size_t arena_bytes;            /* 0 when not compiled */
  size_t naive_bytes;
  /* The arena's activations (comparable with naive_bytes), its scratch region after them, and
   * the weights packed at compile time outside it; the graph passes that ran (NULL: none). */
  size_t activation_bytes;
  size_t scratch_bytes;
  size_t packed_bytes;
  size_t concats_in_place; /* Concats whose inputs live inside their output (copy nothing) */
  const struct ops_pass_report *passes;
  const struct ops_report_verify *verify; /* NULL without --verify */
  const struct ops_report_bench *benches; /* n_benches entries; none without a benchmark */
  size_t n_benches;
  bool bench_all;                           /* --benchmark-all: benches are interleaved units */
  const struct ops_report_compare *compare; /* NULL without --compare / --test */
  bool costs;                               /* --costs: the costs section is wanted */
  size_t top;                               /* --top N: rows of the ranked lists */
  const struct ops_report_validation *validation; /* NULL without --validate */
  const struct ops_sample_report *sampling;       /* NULL without --sample */
  struct ops_report_timing timing;
  const struct ops_report_env *env;  /* the machine; NULL: no environment section */
  const struct ops_gate_list *gates; /* CI gates evaluated; NULL when none was asked for */
};

/* The last `width` characters of a long node name, marked with "..", into buf (or `name` itself
 * when it fits): exporters' names ("/features/features.18/conv/conv.0/Conv") differ at the end,
 * not the start. */
const char *ops_report_name_tail(const char *name, size_t width, char *buf, size_t len);

/* The compute-plan summary of --analyze: counts per kind and unit, coverage, and the fallback
 * list; with `per_node`, every node's placement too. */
void ops_report_analysis_text(FILE *f, const struct ops_report *r, bool per_node);

/* The result of --verify, one line per output with its worst element. */
void ops_report_verify_text(FILE *f, const struct ops_report *r);

/* The result of --benchmark: stage times, first run, statistics (benches[0]). */
void ops_report_bench_text(FILE *f, const struct ops_report *r);

/* The result of --benchmark-all: one row per unit with status and speed-up over scalar, then
 * the fastest unit. */
void ops_report_bench_all_text(FILE *f, const struct ops_report *r);

/* The result of --compare / --test: per unit and output, the errors against scalar. */
void ops_report_compare_text(FILE *f, const struct ops_report *r);

/* --costs: totals per unit, the most expensive ops, and each op's estimate on every unit; with
 * a validation, estimated against measured per op. */
void ops_report_costs_text(FILE *f, const struct ops_report *r);

/* Writes the JSON report (schema OPS_REPORT_SCHEMA_VERSION) to `path`. */
enum ops_status ops_report_json_write(const char *path, const struct ops_report *r,
                                      struct ops_diag *d);

#endif /* OPSCOPE_REPORTS_REPORT_H */
