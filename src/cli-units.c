/*
 * The units of --benchmark-all, --compare and --test: one plan and one compiled model per unit,
 * from the same loaded model. A unit that cannot run the model (an op with no kernel anywhere)
 * is kept with its reason, so the reports can show it as failed rather than drop it.
 */
#include <stdio.h>
#include <string.h>

#include "profiler/clock.h"
#include "src/api-impl.h"
#include "src/cli.h"

int ops_cli_units_compile(struct ops_cli_session *s, const int *units, size_t n) {
  char err[1024];
  for (size_t i = 0; i < n && s->n_units < sizeof s->units / sizeof s->units[0]; i++) {
    struct ops_cli_unit *u = &s->units[s->n_units++];
    memset(u, 0, sizeof *u);
    u->unit = units[i];
    uint64_t t0 = ops_clock_ns();
    int st = opscope_plan_new(s->model, u->unit, &u->plan, err, sizeof err);
    if (st != OPSCOPE_OK) return ops_cli_fail(st, err);
    st = opscope_exec_new(u->plan, &u->exec, u->error, sizeof u->error);
    u->load_ms = s->report.timing.load_ms + (double)(ops_clock_ns() - t0) / 1e6;
    if (st == OPSCOPE_ERR_UNSUPPORTED || st == OPSCOPE_ERR_BAD_INPUT) continue;
    if (st != OPSCOPE_OK) return ops_cli_fail(st, u->error);
    int rc = ops_cli_inputs_set(s, u->exec);
    if (rc != OPS_EXIT_OK) return rc;
  }
  return OPS_EXIT_OK;
}

void ops_cli_units_done(struct ops_cli_session *s) {
  for (size_t i = 0; i < s->n_units; i++) {
    opscope_exec_free(s->units[i].exec);
    opscope_plan_free(s->units[i].plan);
  }
  s->n_units = 0;
}
