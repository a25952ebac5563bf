/*
 * opscope's main: load the model, then run the requested modes in a fixed order
 * (verify's test data first, since it fixes input shapes; then plan and compile; then analyze,
 * verify, and the JSON report). The exit code is the worst of the modes'.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kernels/cpu.h"
#include "profiler/clock.h"
#include "src/api-impl.h"
#include "src/cli.h"

static double ms_since(uint64_t t0) {
  return (double)(ops_clock_ns() - t0) / 1e6;
}

static int list_builtins(void) {
  for (const char *const *name = opscope_builtin_names(); *name != NULL; name++) {
    printf("builtin:%-18s %s\n", *name, opscope_builtin_describe(*name));
  }
  printf("\nCalibration microbenchmarks (one op each; --calibrate times them on every unit):\n");
  for (const char *const *name = opscope_builtin_micro_names(); *name != NULL; name++) {
    printf("builtin:%-18s %s\n", *name, opscope_builtin_describe(*name));
  }
  return OPS_EXIT_OK;
}

static int apply_input_shapes(struct ops_cli_session *s) {
  char err[1024];
  for (size_t i = 0; i < s->opts->n_shapes; i++) {
    const struct ops_cli_shape *sh = &s->opts->shapes[i];
    int st = opscope_model_set_input_shape(s->model, sh->name, sh->rank, sh->dims, err, sizeof err);
    if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
  }
  return OPS_EXIT_OK;
}

static int load(struct ops_cli_session *s) {
  char err[1024];
  uint64_t t0 = ops_clock_ns();
  int st = opscope_model_load(s->opts->model, &s->model, err, sizeof err);
  if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
  opscope_model_set_max_memory(s->model, s->opts->max_memory);
  st = opscope_model_set_opt_level(s->model, s->opts->opt_level, s->opts->dump_ir, err, sizeof err);
  if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
  s->report.timing.load_ms = ms_since(t0);
  s->report.graph = s->model->graph;
  struct stat sb;
  s->report.model_file_bytes = stat(s->opts->model, &sb) == 0 ? (long long)sb.st_size : -1;
  return OPS_EXIT_OK;
}

/* Plans for the requested unit and, when every op can run somewhere, compiles. */
static int plan_and_compile(struct ops_cli_session *s) {
  char err[1024];
  /* The passes run before the first plan anyway; run them here to time them apart. */
  uint64_t t0 = ops_clock_ns();
  int st = opscope_model_optimize(s->model, err, sizeof err);
  if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
  s->report.timing.passes_ms = ms_since(t0);
  s->report.passes = s->model->passes->done ? &s->model->passes->report : NULL;
  t0 = ops_clock_ns();
  st = opscope_plan_new(s->model, s->opts->unit, &s->plan, err, sizeof err);
  if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
  s->report.timing.plan_ms = ms_since(t0);
  s->report.plan = s->plan->plan;
  struct ops_plan_summary sum;
  ops_plan_summarize(s->plan->plan, &sum);
  if (sum.unsupported > 0) return OPS_EXIT_OK; /* analysis reports it; verify refuses below */
  t0 = ops_clock_ns();
  st = opscope_exec_new(s->plan, &s->exec, err, sizeof err);
  if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
  s->report.timing.compile_ms = ms_since(t0);
  s->report.arena_bytes = s->exec->exec->arena_bytes;
  s->report.naive_bytes = s->exec->exec->naive_bytes;
  s->report.activation_bytes = s->exec->exec->activation_bytes;
  s->report.scratch_bytes = s->exec->exec->scratch_bytes;
  s->report.concats_in_place = s->exec->exec->concats_in_place;
  for (size_t i = 0; i < s->exec->exec->n_steps; i++)
    s->report.packed_bytes += s->exec->exec->steps[i].bind.packed_bytes;
  return OPS_EXIT_OK;
}

static int worst(int a, int b) {
  /* Bad input outranks a failed check, which outranks a missed gate, which outranks success:
   * a gate judges results, and a run whose results are wrong or missing has none to judge. */
  static const int rank[] = {
      [OPS_EXIT_OK] = 0, [OPS_EXIT_GATE] = 1, [OPS_EXIT_FAILED] = 2, [OPS_EXIT_BAD_INPUT] = 3};
  return rank[b] > rank[a] ? b : a;
}

/* --isa and OPSCOPE_ISA: the cap must be set before any kernel is chosen. */
static int apply_isa(const struct ops_cli_options *o) {
  if (o->isa != NULL) {
    char msg[512];
    enum ops_status st = ops_cpu_set_isa_cap(o->isa, msg, sizeof msg);
    if (st != OPS_OK) {
      char full[600];
      snprintf(full, sizeof full, "--isa: %s", msg);
      return ops_cli_fail((int)st, full);
    }
  }
  const struct ops_cpu *cpu = ops_cpu_get();
  if (cpu->env_note[0] != '\0') fprintf(stderr, "opscope: %s\n", cpu->env_note);
  return OPS_EXIT_OK;
}

static int run(struct ops_cli_session *s) {
  const struct ops_cli_options *o = s->opts;
  int isa_rc = apply_isa(o);
  if (isa_rc != OPS_EXIT_OK) return isa_rc;
  if (o->threads > 0) ops_exec_set_pool_threads(o->threads); /* before any pool is made */
  if (o->calibrate) {
    /* First, so that a model given too is planned with the new calibration. */
    int rc = ops_cli_calibrate(s);
    if (rc != OPS_EXIT_OK || o->model == NULL) return rc;
  }
  int rc = load(s);
  if (rc == OPS_EXIT_OK) rc = apply_input_shapes(s);
  if (rc == OPS_EXIT_OK && o->verify_dir) rc = ops_cli_verify_prepare(s);
  if (rc == OPS_EXIT_OK) rc = ops_cli_inputs_load(s);
  if (rc != OPS_EXIT_OK) return rc;
  if (o->tui) return ops_cli_tui(s); /* a mode of its own, after the inputs are bound */
  if (o->compile_unit >= 0) {
    rc = ops_cli_compile(s);
    if (rc != OPS_EXIT_OK) return rc;
  }
  if (o->export_ir) {
    char err[1024];
    int st = opscope_model_export_ir(s->model, o->export_ir, err, sizeof err);
    if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
    if (!o->quiet) printf("Wrote %s and its weights\n", o->export_ir);
  }
  bool multi_unit = o->benchmark_all || o->compare || o->test_unit >= 0;
  if (!o->analyze && !o->verify_dir && !o->benchmark && !multi_unit && !o->costs && !o->sample) {
    return rc;
  }
  rc = plan_and_compile(s);
  if (rc != OPS_EXIT_OK) return rc;
  if (o->benchmark || multi_unit || o->validate || o->sample) {
    rc = ops_cli_inputs_build(s);
    if (rc != OPS_EXIT_OK) return rc;
  }
  if (o->analyze) rc = worst(rc, ops_cli_analyze(s));
  if (o->verify_dir) {
    if (o->analyze) printf("\n");
    if (s->exec == NULL) {
      /* The plan holds an op no unit can run; name it rather than run a partial model. */
      char err[1024];
      int st = opscope_exec_new(s->plan, &s->exec, err, sizeof err);
      return worst(rc, ops_cli_fail(st != OPSCOPE_OK ? st : OPSCOPE_ERR_INTERNAL, err));
    }
    uint64_t t0 = ops_clock_ns();
    rc = worst(rc, ops_cli_verify(s));
    s->report.timing.run_ms = ms_since(t0);
  }
  if (o->benchmark && rc != OPS_EXIT_BAD_INPUT) {
    if (o->analyze || o->verify_dir) printf("\n");
    if (s->exec == NULL) {
      char err[1024];
      int st = opscope_exec_new(s->plan, &s->exec, err, sizeof err);
      return worst(rc, ops_cli_fail(st != OPSCOPE_OK ? st : OPSCOPE_ERR_INTERNAL, err));
    }
    rc = worst(rc, ops_cli_benchmark(s));
  }
  if (o->costs && rc != OPS_EXIT_BAD_INPUT) {
    if (o->analyze || o->verify_dir || o->benchmark) printf("\n");
    if (o->validate && s->exec == NULL) {
      char err[1024];
      int st = opscope_exec_new(s->plan, &s->exec, err, sizeof err);
      return worst(rc, ops_cli_fail(st != OPSCOPE_OK ? st : OPSCOPE_ERR_INTERNAL, err));
    }
    rc = worst(rc, ops_cli_costs(s));
  }
  if (o->sample && rc != OPS_EXIT_BAD_INPUT) {
    if (o->analyze || o->verify_dir || o->costs) printf("\n");
    if (s->exec == NULL) {
      char err[1024];
      int st = opscope_exec_new(s->plan, &s->exec, err, sizeof err);
      return worst(rc, ops_cli_fail(st != OPSCOPE_OK ? st : OPSCOPE_ERR_INTERNAL, err));
    }
    rc = worst(rc, ops_cli_sample(s));
  }
  if ((o->compare || o->test_unit >= 0) && rc != OPS_EXIT_BAD_INPUT) {
    if (o->analyze || o->verify_dir || o->benchmark) printf("\n");
    rc = worst(rc, ops_cli_compare(s));
  }
  if (o->benchmark_all && rc != OPS_EXIT_BAD_INPUT) {
    if (o->analyze || o->verify_dir || o->benchmark || o->compare || o->test_unit >= 0) {
      printf("\n");
    }
    /* --compare compiled the units already; the benchmark compiles its own. */
    ops_cli_units_done(s);
    rc = worst(rc, ops_cli_benchmark_all(s));
  }
  rc = worst(rc, ops_cli_report_finish(s));
  if (o->report_path) {
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    enum ops_status st = ops_report_json_write(o->report_path, &s->report, &d);
    if (st != OPS_OK) rc = worst(rc, ops_cli_fail((int)st, d.msg));
  }
  return rc;
}

int main(int argc, char **argv) {
  struct ops_cli_options opts;
  /* `opscope diff A.json B.json`: a subcommand with its own arguments. */
  if (argc >= 2 && strcmp(argv[1], "diff") == 0) return ops_cli_diff(argc - 1, argv + 1);
  if (!ops_cli_parse(argc, argv, &opts)) {
    ops_cli_options_done(&opts);
    return OPS_EXIT_BAD_INPUT;
  }
  int rc = OPS_EXIT_OK;
  if (!opts.unit_given && opts.model != NULL && ops_aot_is_library(opts.model)) {
    /* An ahead-of-time library runs on the unit it was compiled for unless told otherwise. */
    struct ops_aot_lib *lib = NULL;
    if (ops_aot_open(opts.model, &lib, NULL) == OPS_OK) opts.unit = lib->unit;
    ops_aot_close(lib);
  }
  if (opts.help) {
    ops_cli_print_help();
  } else if (opts.version) {
    printf("opscope %s\n", OPSCOPE_VERSION_STRING);
  } else if (opts.list_builtins) {
    rc = list_builtins();

  } else {
    struct ops_cli_session *s = calloc(1, sizeof *s);
    if (s == NULL) {
      rc = ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "out of memory");
    } else {
      s->opts = &opts;
      s->report.command_line = opts.command_line;
      s->report.top = (size_t)opts.top;
      s->report.timing = (struct ops_report_timing){-1, -1, -1, -1, -1};
      rc = ops_cli_report_begin(s);
      if (rc == OPS_EXIT_OK) rc = run(s);
      ops_cli_report_done(s);
      ops_cli_verify_done(s);
      ops_cli_inputs_done(s);
      ops_cli_costs_done(s);
      ops_cli_sample_done(s);
      ops_cli_units_done(s);
      ops_bench_result_done(&s->bench_result);
      for (size_t i = 0; i < sizeof s->unit_results / sizeof s->unit_results[0]; i++)
        ops_bench_result_done(&s->unit_results[i]);
      opscope_exec_free(s->exec);
      opscope_plan_free(s->plan);
      opscope_model_free(s->model);
      free(s);
    }
  }
  ops_cli_options_done(&opts);
  return rc;
}
