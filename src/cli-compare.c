/*
 * --compare: every unit runs the model once on the same input and each output is compared,
 * element by element, with the scalar unit's (the reference, STYLE.md §3).
 * --test UNIT: the same for one unit; the exit code is the verdict (0 pass, 1 fail).
 */
#include <stdio.h>
#include <string.h>

#include "profiler/compare.h"
#include "src/api-impl.h"
#include "src/cli.h"

/* Runs unit `u` once; on failure its error is kept and the unit reported as failed. */
static bool run_once(struct ops_cli_unit *u) {
  if (u->exec == NULL) return false;
  struct ops_diag d;
  ops_diag_init(&d, u->exec->exec->graph->path);
  if (ops_exec_run(u->exec->exec, &d) != OPS_OK) {
    snprintf(u->error, sizeof u->error, "%s", d.msg);
    return false;
  }
  return true;
}

int ops_cli_compare(struct ops_cli_session *s) {
  const struct ops_cli_options *o = s->opts;
  int units[4] = {OPSCOPE_UNIT_SCALAR, OPSCOPE_UNIT_SIMD, OPSCOPE_UNIT_THREADS, OPSCOPE_UNIT_ALL};
  size_t n = 4;
  if (!o->compare) {
    units[1] = o->test_unit;
    n = 2;
  }
  int rc = ops_cli_units_compile(s, units, n);
  if (rc != OPS_EXIT_OK) return rc;
  struct ops_cli_unit *ref = &s->units[0];
  if (!run_once(ref)) {
    char msg[1200];
    snprintf(msg, sizeof msg, "the scalar unit, the reference, cannot run the model: %s",
             ref->error);
    return ops_cli_fail(OPSCOPE_ERR_UNSUPPORTED, msg);
  }
  struct ops_report_compare *c = &s->compare;
  memset(c, 0, sizeof *c);
  c->input_source = s->inputs.source;
  c->rtol = o->rtol;
  c->atol = o->atol;
  c->units = s->compare_units;
  c->errors = s->compare_errors;
  c->checks = s->compare_checks;
  c->pass = true;
  size_t n_out = opscope_exec_output_count(ref->exec);
  for (size_t i = 1; i < s->n_units; i++) {
    struct ops_cli_unit *u = &s->units[i];
    s->compare_units[c->n_units] = u->unit;
    s->compare_errors[c->n_units] = NULL;
    c->n_units++;
    if (!run_once(u)) {
      s->compare_errors[c->n_units - 1] = u->error;
      c->pass = false;
      continue;
    }
    for (size_t k = 0;
         k < n_out && c->n_checks < sizeof s->compare_checks / sizeof s->compare_checks[0]; k++) {
      struct opscope_tensor want, got;
      opscope_exec_output(ref->exec, k, &want);
      opscope_exec_output(u->exec, k, &got);
      struct ops_report_compare_check *chk = &s->compare_checks[c->n_checks++];
      memset(chk, 0, sizeof *chk);
      chk->unit = u->unit;
      chk->name = want.name;
      size_t esize = ops_dtype_size((enum ops_dtype)want.dtype);
      if (esize == 0 || got.nbytes != want.nbytes ||
          !ops_compare(got.data, want.data, want.dtype, want.nbytes / esize, o->rtol, o->atol,
                       &chk->cmp)) {
        char msg[512];
        snprintf(msg, sizeof msg, "output '%s': %s outputs cannot be compared", want.name,
                 opscope_dtype_name(want.dtype));
        return ops_cli_fail(OPSCOPE_ERR_UNSUPPORTED, msg);
      }
      chk->pass = chk->cmp.mismatches == 0;
      if (!chk->pass) c->pass = false;
    }
  }
  s->report.compare = c;
  if (o->quiet) {
    printf("%s\n", c->pass ? "PASS" : "FAIL");
  } else {
    ops_report_compare_text(stdout, &s->report);
  }
  return c->pass ? OPS_EXIT_OK : OPS_EXIT_FAILED;
}
