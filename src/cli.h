/*
 * The command-line front end: options, modes and the mapping of statuses to exit codes.
 * The CLI is a thin layer: it drives the stages through the public API (include/opscope.h) and
 * hands what they produced to reports/.
 */
#ifndef OPSCOPE_SRC_CLI_H
#define OPSCOPE_SRC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opscope.h"
#include "profiler/sample.h"
#include "reports/environment.h"
#include "reports/gates.h"
#include "reports/report.h"
#include "reports/table.h"

/* Exit codes (DESIGN.md). */
enum ops_cli_exit {
  OPS_EXIT_OK = 0,        /* success */
  OPS_EXIT_FAILED = 1,    /* a test, comparison or verification failed */
  OPS_EXIT_BAD_INPUT = 2, /* usage error, or an unreadable, malformed or unsupported model */
  OPS_EXIT_GATE = 3,      /* a CI gate was missed */
};

#define OPS_CLI_MAX_SHAPES 16
#define OPS_CLI_MAX_INPUT_FILES 64

struct ops_cli_shape {
  char name[256];
  int rank;
  int64_t dims[8];
};

struct ops_cli_options {
  const char *model;            /* -m */
  int unit;                     /* -u, enum opscope_unit */
  bool unit_given;              /* a unit was asked for (-u, -b, --profile, --sample...) */
  int compile_unit;             /* --compile UNIT: emit an ahead-of-time library; -1: no */
  const char *output_dir;       /* --output-dir DIR of --compile (default ".") */
  const char *prefix;           /* --prefix NAME of --compile (default: the model's name) */
  bool analyze;                 /* --analyze */
  const char *verify_dir;       /* --verify DIR */
  const char *export_ir;        /* --export-ir FILE */
  bool benchmark;               /* -b UNIT */
  bool benchmark_all;           /* -B: every unit, interleaved */
  int bench_units[4];           /* --units LIST: the units -B runs, in this order */
  size_t n_bench_units;         /* 0: scalar, simd, threads and all */
  bool compare;                 /* -c: every unit against scalar */
  int test_unit;                /* -t UNIT: that unit against scalar; -1 when not given */
  bool costs;                   /* --costs */
  int top;                      /* --top N (default 10) */
  bool validate;                /* --validate UNIT (the unit goes to `unit`) */
  bool calibrate;               /* --calibrate */
  bool sample;                  /* --sample [UNIT] (the unit goes to `unit`) */
  const char *isa;              /* --isa NAME: cap the instruction sets kernels may use */
  int threads;                  /* -j N: threads of the threads unit; 0: one per online CPU */
  size_t max_memory;            /* --max-memory BYTES: cap on a compiled model; 0: none */
  int opt_level;                /* --opt-level O0..O3 (or OPSCOPE_OPT_LEVEL); default 3 */
  const char *dump_ir;          /* --dump-ir DIR, or NULL */
  int warmup;                   /* -w N */
  int iterations;               /* -n N */
  double min_time_s;            /* --min-time S */
  unsigned long seed;           /* --seed N: seeds the benchmark's input */
  bool counters;                /* --counters[=LIST] */
  bool per_op;                  /* --profile UNIT: per-op timing */
  const char *counter_list;     /* NULL: the default events */
  const char *report_path;      /* -o FILE */
  bool tui;                     /* --tui: the live view */
  const char *overrides_path;   /* --overrides FILE (with --tui) */
  int format;                   /* --format: enum ops_table_format of the tables */
  const char *trace_path;       /* --trace FILE: Chrome trace of profiled runs */
  struct ops_gate_config gates; /* --min-coverage, --max-fallbacks, --strict, --max-latency */
  const char *baseline_path;    /* --baseline OLD.json */
  double max_regression_pct;    /* --max-regression PCT; NaN when not given */
  double rtol, atol;
  bool verbose, quiet;
  bool list_builtins, help, version;
  struct ops_cli_shape shapes[OPS_CLI_MAX_SHAPES]; /* --input-shape */
  size_t n_shapes;
  const char *input_files[OPS_CLI_MAX_INPUT_FILES]; /* --input NAME=FILE.pb, as given */
  size_t n_input_files;
  char *command_line; /* owned: argv joined, for the report */
};

/* Parses argv into `o`. On a usage error prints the problem to stderr and returns false. */
bool ops_cli_parse(int argc, char **argv, struct ops_cli_options *o);
void ops_cli_options_done(struct ops_cli_options *o);
void ops_cli_print_help(void);

/* The exit code for a library status (OPSCOPE_* code). */
int ops_cli_exit_code(int status);

/* Prints "opscope: MESSAGE" to stderr and returns the exit code for `status`. */
int ops_cli_fail(int status, const char *message);

#define OPS_CLI_MAX_TENSORS 64

/* The test data of --verify and the result of comparing with it. */
struct ops_cli_verify_state {
  struct opscope_tensor inputs[OPS_CLI_MAX_TENSORS]; /* owned */
  size_t n_inputs;
  struct opscope_tensor outputs[OPS_CLI_MAX_TENSORS]; /* owned */
  size_t n_outputs;
  struct ops_report_check checks[OPS_CLI_MAX_TENSORS];
  struct ops_report_verify result;
};

/* The input every run of this invocation gets, one per model input, in the model's order. */
struct ops_cli_inputs {
  struct opscope_tensor tensors[OPS_CLI_MAX_TENSORS];
  bool owned[OPS_CLI_MAX_TENSORS]; /* false: borrowed from the --verify test data */
  size_t n;
  char source[512]; /* "seed 1", the test data directory, or "files" */
};

/* One unit compiled for --benchmark-all, --compare or --test. */
struct ops_cli_unit {
  int unit;
  opscope_plan_t *plan; /* owned */
  opscope_exec_t *exec; /* owned; NULL when the unit cannot run the model */
  double load_ms;       /* model load + this unit's plan + compile */
  char error[1024];     /* why exec is NULL */
};

/* State shared by the modes of one invocation. */
struct ops_cli_session {
  const struct ops_cli_options *opts;
  opscope_model_t *model; /* owned */
  opscope_plan_t *plan;   /* owned */
  opscope_exec_t *exec;   /* owned */
  struct ops_report report;
  struct ops_cli_verify_state verify;
  uint64_t progress_t0; /* when the current measured loop began */
  bool progress_drawn;  /* a bar is on screen and must be cleared */
  struct ops_bench_result bench_result;
  struct ops_report_bench bench;
  struct ops_pmu_set pmu;
  struct ops_metric_value metrics[OPS_METRIC_MAX];
  struct ops_cli_inputs inputs;
  struct ops_cli_unit units[4]; /* scalar, simd, threads, all */
  size_t n_units;
  struct ops_bench_result unit_results[4];
  struct ops_report_bench unit_benches[4];
  struct ops_report_compare compare;
  struct ops_report_compare_check compare_checks[4 * OPS_CLI_MAX_TENSORS];
  const char *compare_errors[4];
  int compare_units[4];
  struct ops_sampler sampler;
  struct ops_sample_report sample_report;
  struct ops_report_validation validation;
  int *validation_nodes; /* owned, validation.n entries each */
  double *validation_est, *validation_meas;
  struct ops_report_env env;      /* the machine, for the report */
  struct ops_gate_list gate_list; /* gates evaluated at the end */
  int report_stdout_fd;           /* with -o -: the real stdout, kept for the report; else -1 */
};

/* Modes. Each returns an exit code. */
int ops_cli_analyze(struct ops_cli_session *s);
/* Loads the test data and fixes the model's input shapes from it (before planning). */
int ops_cli_verify_prepare(struct ops_cli_session *s);
/* Runs the compiled model on the test inputs and compares the outputs. */
int ops_cli_verify(struct ops_cli_session *s);
void ops_cli_verify_done(struct ops_cli_session *s);
/* Times the compiled model on the test data (with --verify) or a seeded input. */
int ops_cli_benchmark(struct ops_cli_session *s);
/* --benchmark-all: every unit, interleaved round by round. */
int ops_cli_benchmark_all(struct ops_cli_session *s);
/* --compare (every unit) or --test UNIT: outputs against scalar's on the same input. */
int ops_cli_compare(struct ops_cli_session *s);

/* --sample: sampled and per-op timed runs, hot functions, lines and ops. */
int ops_cli_sample(struct ops_cli_session *s);
void ops_cli_sample_done(struct ops_cli_session *s);

/* --tui: the live terminal view (tui/); -o names the report of its `e` key. */
int ops_cli_tui(struct ops_cli_session *s);

/* --compile UNIT: write and build the ahead-of-time library of the model for UNIT. */
int ops_cli_compile(struct ops_cli_session *s);

/* --calibrate: measure the units and cache the peaks for this CPU and ISA. */
int ops_cli_calibrate(struct ops_cli_session *s);

/* --costs, with --validate: per-op timing against the estimates. */
int ops_cli_costs(struct ops_cli_session *s);
void ops_cli_costs_done(struct ops_cli_session *s);

/* Reports (src/cli-report.c). With -o - (or --format json) sends stdout to stderr so that only
 * the JSON report reaches stdout; call before any output. */
int ops_cli_report_begin(struct ops_cli_session *s);
/* After the modes: collects the environment, evaluates the gates and the baseline, prints one
 * line per missed gate, and gives stdout back for the report. Returns OPS_EXIT_GATE when a gate
 * was missed, OPS_EXIT_BAD_INPUT for an unusable baseline, else OPS_EXIT_OK. */
int ops_cli_report_finish(struct ops_cli_session *s);
void ops_cli_report_done(struct ops_cli_session *s);
/* The machine (src/cli-env.c). */
void ops_cli_env_collect(struct ops_report_env *e);
/* --trace FILE after a benchmark: as many runs again with step times recorded (src/cli-trace.c). */
int ops_cli_trace(struct ops_cli_session *s);
/* `opscope diff A.json B.json [--format text|md|csv]` (src/cli-diff.c); argv[0] is "diff". */
int ops_cli_diff(int argc, char **argv);

/* Inputs (src/cli-inputs.c). Before planning: loads --input files and binds them to the model
 * (their shapes, and values that decide shapes). */
int ops_cli_inputs_load(struct ops_cli_session *s);
/* After planning: the input of every run (test data, --input files, else seeded values). */
int ops_cli_inputs_build(struct ops_cli_session *s);
/* Copies the inputs into `exec`. */
int ops_cli_inputs_set(struct ops_cli_session *s, opscope_exec_t *exec);
void ops_cli_inputs_done(struct ops_cli_session *s);

/* Units (src/cli-units.c): plans and compiles the model for each of `units`; a unit that cannot
 * run it keeps its reason in error. Fails only on a library error other than an unsupported
 * model. */
int ops_cli_units_compile(struct ops_cli_session *s, const int *units, size_t n);
void ops_cli_units_done(struct ops_cli_session *s);

/* Draws a progress bar on stderr (when it is a terminal and the run has lasted a second). */
void ops_cli_progress(void *session, double done);
void ops_cli_progress_end(struct ops_cli_session *s);

#endif /* OPSCOPE_SRC_CLI_H */
