/*
 * profiler/bench.c: the interleaved benchmark (-B, the TUI's comparison) runs every model the
 * same number of rounds and stops once every model has its samples and the slowest model's
 * timed runs add up to the minimum time, so a fast unit next to scalar does not keep scalar
 * running many times the minimum.
 */
#include <stdlib.h>

#include "test-util.h"

#include "opscope.h"
#include "profiler/bench.h"
#include "src/api-impl.h"

struct compiled {
  opscope_model_t *model;
  opscope_plan_t *plan;
  opscope_exec_t *exec;
};

static void compile(struct compiled *c, const char *model, int unit) {
  char err[1024];
  if (opscope_model_load(model, &c->model, err, sizeof err) != OPSCOPE_OK) fail_msg("%s", err);
  assert_int_equal(opscope_plan_new(c->model, unit, &c->plan, err, sizeof err), OPSCOPE_OK);
  if (opscope_exec_new(c->plan, &c->exec, err, sizeof err) != OPSCOPE_OK) fail_msg("%s", err);
  struct opscope_tensor in;
  assert_true(opscope_model_input(c->model, 0, &in));
  size_t n = 1;
  for (int i = 0; i < in.rank; i++)
    n *= (size_t)in.dims[i];
  float *x = calloc(n, sizeof *x);
  for (size_t i = 0; i < n; i++)
    x[i] = (float)(i % 7) * 0.25f - 0.75f;
  in.data = x;
  in.nbytes = n * sizeof *x;
  assert_int_equal(opscope_exec_run(c->exec, &in, 1, err, sizeof err), OPSCOPE_OK);
  free(x);
}

static void release(struct compiled *c) {
  opscope_exec_free(c->exec);
  opscope_plan_free(c->plan);
  opscope_model_free(c->model);
}

static double sum(const struct ops_bench_result *r) {
  double s = 0;
  for (size_t i = 0; i < r->n; i++)
    s += r->samples_ms[i];
  return s;
}

static void test_slowest_decides(void **state) {
  (void)state;
  struct compiled slow, fast;
  compile(&slow, "builtin:mnist", OPSCOPE_UNIT_SCALAR);
  compile(&fast, "builtin:mnist", OPSCOPE_UNIT_SIMD);
  struct ops_exec *execs[2] = {slow.exec->exec, fast.exec->exec};
  const struct ops_bench_config cfg = {1, 3, 0.05, false, NULL, NULL};
  struct ops_bench_result out[2];
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_bench_run_interleaved(execs, 2, &cfg, out, &d), OPS_OK);
  assert_int_equal(out[0].n, out[1].n); /* every round runs every model */
  assert_true(out[0].n >= 3);
  /* The slowest model by its own runs: it has the minimum time, and one round fewer would
   * not have had it (unless the sample count was what kept the rounds going). */
  const struct ops_bench_result *s = sum(&out[0]) >= sum(&out[1]) ? &out[0] : &out[1];
  assert_true(sum(s) >= 50.0);
  if (s->n > 3 && !(sum(s) - s->samples_ms[s->n - 1] < 50.0))
    fail_msg("%zu rounds: the slowest model had its 50 ms before the last round (%.1f ms)", s->n,
             sum(s));
  ops_bench_result_done(&out[0]);
  ops_bench_result_done(&out[1]);
  release(&slow);
  release(&fast);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_slowest_decides),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
