/*
 * --compile UNIT: the model compiled for UNIT as usual (passes, plan, bind, memory plan), then
 * written out as an ahead-of-time library (compiler/aot-emit.h), with a summary of what was
 * written.
 */
#include <stdio.h>

#include "compiler/aot-emit.h"
#include "kernels/cpu.h"
#include "profiler/clock.h"
#include "src/api-impl.h"
#include "src/cli.h"
#include "src/size.h"

int ops_cli_compile(struct ops_cli_session *s) {
  const struct ops_cli_options *o = s->opts;
  char err[1024];
  if (s->model->aot != NULL) {
    snprintf(err, sizeof err,
             "%s is a compiled library already; --compile the model it came from (%s)", o->model,
             s->model->aot->source);
    return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, err);
  }
  opscope_plan_t *plan = NULL;
  opscope_exec_t *exec = NULL;
  uint64_t t0 = ops_clock_ns();
  int st = opscope_plan_new(s->model, o->compile_unit, &plan, err, sizeof err);
  if (st == OPSCOPE_OK) st = opscope_exec_new(plan, &exec, err, sizeof err);
  if (st != OPSCOPE_OK) {
    opscope_plan_free(plan);
    return ops_cli_fail(st, err);
  }
  double compile_ms = (double)(ops_clock_ns() - t0) / 1e6;
  char prefix[256];
  if (o->prefix != NULL) {
    snprintf(prefix, sizeof prefix, "%s", o->prefix);
  } else {
    ops_aot_default_prefix(o->model, prefix, sizeof prefix);
  }
  struct ops_aot_options opts = {
      .out_dir = o->output_dir != NULL ? o->output_dir : ".",
      .prefix = prefix,
      .source = o->model,
      .opt_level = s->model->passes->level,
      .build = true,
  };
  struct ops_aot_result res;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  enum ops_status est = ops_aot_emit(exec->exec, &opts, &res, &d);
  int rc = OPS_EXIT_OK;
  if (est != OPS_OK) {
    rc = ops_cli_fail((int)est, d.msg);
  } else if (!o->quiet) {
    char w[32], a[32];
    printf("Compiled %s for %s (%s) at O%d: %zu ops, weights %s, arena %s\n", o->model,
           opscope_unit_name(o->compile_unit), ops_cpu_isa_name(), opts.opt_level, res.n_ops,
           ops_format_bytes(res.weights_bytes, w, sizeof w),
           ops_format_bytes(exec->exec->arena_bytes, a, sizeof a));
    printf("  %s.c  %s.h  %s.weights\n", res.base, res.base, res.base);
    printf("  %s.so  (compiled in %.0f ms, built in %.0f ms)\n", res.base, compile_ms,
           res.build_ms);
    printf("Run it: opscope -m %s.so -b %s   (or link it and call %s_new / %s_run)\n", res.base,
           opscope_unit_name(o->compile_unit), res.symbol, res.symbol);
  }
  opscope_exec_free(exec);
  opscope_plan_free(plan);
  return rc;
}
