/*
 * The sampling profiler end to end on a real model (issue #7): mobilenet_v2 from
 * ../shared/models, compiled for the simd unit as `--sample simd` would (ops without a SIMD kernel
 * fall back to scalar), warmed up, then run once with per-op timing, sampling and a timeline. The
 * sample report is printed, and next to it the ops that per-op timing says are hottest.
 *
 * The checks are the ones that follow from mobilenet's arithmetic, not from timing: nearly all of
 * its work is convolution, so the hottest function and line must be a kernel's, and the op with
 * most samples must be a Conv (or the classifier's Gemm, which streams its weights from memory
 * and takes as long as the largest Conv) timed about as slow as the slowest op.
 */
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>

#include "test-util.h"

#include "compiler/exec.h"
#include "profiler/sample.h"
#include "profiler/symbolize.h"
#include "reports/sample-text.h"
#include "src/api-impl.h"

struct ranked {
  size_t step;
  uint64_t value;
};

static int by_value(const void *pa, const void *pb) {
  const struct ranked *a = pa, *b = pb;
  if (a->value != b->value) return (a->value < b->value) - (a->value > b->value);
  return (a->step > b->step) - (a->step < b->step);
}

/* The end of a long node name, where exported names differ. */
static const char *tail36(const char *s) {
  size_t len = strlen(s);
  return len > 36 ? s + len - 36 : s;
}

static void test_sample_mobilenet_v2(void **state) {
  (void)state;
  char path[1024], input[1024], err[1024];
  ops_test_model_path("mobilenet_v2", "model.onnx", path, sizeof path);
  ops_test_model_path("mobilenet_v2", "test_data_set_0/input_0.pb", input, sizeof input);
  struct ops_sampler s;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (ops_sampler_open(&s, NULL, &d) == OPS_ERR_UNAVAILABLE) {
    assert_true(strlen(s.reason) > 10);
    print_message("skipping: sampling is not possible here: %s\n", s.reason);
    skip();
  }
  struct ops_symbols *sym = NULL;
  assert_int_equal(ops_symbols_new(&sym, &d), OPS_OK);
  opscope_model_t *model = NULL;
  opscope_plan_t *plan = NULL;
  opscope_exec_t *exec = NULL;
  struct opscope_tensor x;
  assert_int_equal(opscope_model_load(path, &model, err, sizeof err), OPSCOPE_OK);
  assert_int_equal(opscope_tensor_load_pb(input, &x, err, sizeof err), OPSCOPE_OK);
  assert_int_equal(opscope_plan_new(model, OPSCOPE_UNIT_SIMD, &plan, err, sizeof err), OPSCOPE_OK);
  assert_int_equal(opscope_exec_new(plan, &exec, err, sizeof err), OPSCOPE_OK);
  struct ops_exec *e = exec->exec;
  const struct ops_graph *g = model->graph;
  assert_int_equal(g->n_inputs, 1);
  assert_int_equal(ops_exec_set_input(e, g->inputs[0], x.data, x.nbytes, &d), OPS_OK);

  /* A warm-up run (page faults, first touch of the arena), then runs both timed per op, as
   * --profile does, and sampled with its timeline, as --sample does: the same run, so the two
   * can differ only where wall time and CPU time do (a loaded machine). */
  assert_int_equal(ops_exec_run(e, &d), OPS_OK);
  /* Runs enough for a few hundred samples at 4 kHz now that the simd unit takes milliseconds. */
  enum { RUNS = 30 };
  size_t cap = (e->n_steps + 1) * RUNS;
  uint64_t *tl = calloc(cap, sizeof *tl);
  assert_non_null(tl);
  ops_exec_set_timeline(e, tl, cap);
  ops_exec_set_profiling(e, true);
  ops_sampler_start(&s);
  for (int run = 0; run < RUNS; run++)
    assert_int_equal(ops_exec_run(e, &d), OPS_OK);
  ops_sampler_stop(&s);
  ops_sampler_drain(&s);
  struct ranked *timed = calloc(e->n_steps, sizeof *timed);
  assert_non_null(timed);
  for (size_t i = 0; i < e->n_steps; i++)
    timed[i] = (struct ranked){i, e->step_ns[i]};
  qsort(timed, e->n_steps, sizeof *timed, by_value);
  ops_exec_set_profiling(e, false); /* this clears step_ns */
  const struct ops_sampler *list[] = {&s};
  struct ops_sample_report r;
  assert_int_equal(ops_sample_report_build(&r, list, 1, sym, e, &d), OPS_OK);
  printf("%s, unit simd (scalar fallback where SIMD has no kernel), %d runs after a warm-up\n",
         path, RUNS);
  ops_report_sample_text(stdout, &r, 10);

  printf("\nHottest ops by per-op timing (--profile) and by samples (--sample):\n");
  size_t agree = 0;
  for (size_t i = 0; i < 3 && i < e->n_steps && i < r.n_ops; i++) {
    const struct ops_node *n = &g->nodes[e->steps[timed[i].step].node];
    printf("  #%zu  profile: step %-3zu %-36s %7.1f ms    sample: step %-3zu %-36s %5.1f%%\n",
           i + 1, timed[i].step, tail36(n->name), (double)timed[i].value / 1e6, r.ops[i].step,
           tail36(r.ops[i].name), 100.0 * r.ops[i].share);
    for (size_t k = 0; k < 3 && k < r.n_ops; k++)
      agree += r.ops[k].step == timed[i].step;
  }
  printf("  %zu of the top three ops agree\n", agree);

  /* The samples land in the kernels that ran, and the op they find hottest is one that per-op
   * timing of the same run finds about as slow as its slowest. */
  assert_int_equal(r.state, OPS_COUNTER_OK);
  assert_true(r.n_samples > 100);
  assert_true(r.n_funcs > 0 && r.n_lines > 0 && r.n_ops > 0);
  /* The hottest line may be an inlined intrinsic's header line; its function is a kernel's. */
  bool hot_line_in_hot_function = false;
  for (size_t i = 0; i < r.n_funcs; i++)
    hot_line_in_hot_function |= strcmp(r.funcs[i].function, r.lines[0].function) == 0;
  assert_true(hot_line_in_hot_function);
  /* Several ops can tie within sampling noise (mobilenet_v2's three slowest are within 4% of
   * each other), so the test is that the op sampled hottest is timed close to the slowest: a
   * profiler that blamed the wrong op would be far off. */
  uint64_t top_op_ns = 0;
  for (size_t i = 0; i < e->n_steps; i++)
    if (timed[i].step == r.ops[0].step) top_op_ns = timed[i].value;
  if ((double)top_op_ns < 0.75 * (double)timed[0].value)
    fail_msg("the most sampled op, %s, took %.1f ms, under 75%% of the slowest op's %.1f ms",
             r.ops[0].name, (double)top_op_ns / 1e6, (double)timed[0].value / 1e6);
  /* Its classifier Gemm streams 5 MB of weights per run and ties with the largest Conv. */
  if (strcmp(r.ops[0].op_type, "Conv") != 0 && strcmp(r.ops[0].op_type, "Gemm") != 0)
    fail_msg("the most sampled op is a %s, not a Conv or the Gemm", r.ops[0].op_type);

  ops_sample_report_done(&r);
  ops_exec_set_timeline(e, NULL, 0);
  free(tl);
  free(timed);
  opscope_tensor_free(&x);
  opscope_exec_free(exec);
  opscope_plan_free(plan);
  opscope_model_free(model);
  ops_symbols_free(sym);
  ops_sampler_close(&s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sample_mobilenet_v2),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
