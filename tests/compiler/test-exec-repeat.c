/*
 * A compiled model runs again on the inputs it was given: the benchmark (and an ahead-of-time
 * library's caller) sets the inputs once and runs many times, so the memory plan must never
 * hand an input's bytes to a later activation. Every built-in model on every unit gives the
 * same bits on the third run as on the first, and its inputs are still the values set.
 */
#include <stdint.h>
#include <stdlib.h>

#include "test-util.h"

#include "compiler/exec.h"
#include "opscope.h"
#include "src/api-impl.h"

static void check_repeat(const char *model, int unit) {
  char err[1024];
  opscope_model_t *m = NULL;
  if (opscope_model_load(model, &m, err, sizeof err) != OPSCOPE_OK) fail_msg("%s", err);
  opscope_plan_t *p = NULL;
  assert_int_equal(opscope_plan_new(m, unit, &p, err, sizeof err), OPSCOPE_OK);
  opscope_exec_t *e = NULL;
  if (opscope_exec_new(p, &e, err, sizeof err) != OPSCOPE_OK) fail_msg("%s", err);
  struct ops_exec *x = e->exec;
  const struct ops_graph *g = x->graph;
  struct ops_diag d;
  ops_diag_init(&d, NULL);

  void **inputs = calloc(g->n_inputs, sizeof *inputs);
  size_t *in_bytes = calloc(g->n_inputs, sizeof *in_bytes);
  for (size_t i = 0; i < g->n_inputs; i++) {
    assert_true(ops_tensor_byte_size(&g->tensors[g->inputs[i]], &in_bytes[i]));
    unsigned char *v = malloc(in_bytes[i]);
    /* Small floats whatever the dtype's width: bytes 0x00..0x3e repeating. */
    for (size_t k = 0; k < in_bytes[i]; k++)
      v[k] = (unsigned char)(k * 7 % 0x3f);
    assert_int_equal(ops_exec_set_input(x, g->inputs[i], v, in_bytes[i], &d), OPS_OK);
    inputs[i] = v;
  }
  void **first = calloc(g->n_outputs, sizeof *first);
  for (int run = 0; run < 3; run++) {
    if (ops_exec_run(x, &d) != OPS_OK) fail_msg("%s run %d: %s", model, run, d.msg);
    for (size_t o = 0; o < g->n_outputs; o++) {
      size_t n;
      assert_true(ops_tensor_byte_size(&g->tensors[g->outputs[o]], &n));
      const void *y = ops_exec_tensor(x, g->outputs[o]);
      if (run == 0) {
        first[o] = malloc(n);
        memcpy(first[o], y, n);
      } else if (memcmp(first[o], y, n) != 0) {
        fail_msg("%s on unit %d: output %zu of run %d differs from run 1", model, unit, o, run + 1);
      }
    }
    for (size_t i = 0; i < g->n_inputs; i++) {
      if (memcmp(inputs[i], ops_exec_tensor(x, g->inputs[i]), in_bytes[i]) != 0)
        fail_msg("%s on unit %d: input %zu was overwritten by run %d", model, unit, i, run + 1);
    }
  }
  for (size_t o = 0; o < g->n_outputs; o++)
    free(first[o]);
  for (size_t i = 0; i < g->n_inputs; i++)
    free(inputs[i]);
  free(first);
  free(inputs);
  free(in_bytes);
  opscope_exec_free(e);
  opscope_plan_free(p);
  opscope_model_free(m);
}

static void test_runs_repeat(void **state) {
  (void)state;
  static const int units[] = {OPSCOPE_UNIT_SCALAR, OPSCOPE_UNIT_SIMD, OPSCOPE_UNIT_THREADS,
                              OPSCOPE_UNIT_ALL};
  for (const char *const *names = opscope_builtin_names(); *names != NULL; names++) {
    char model[128];
    snprintf(model, sizeof model, "builtin:%s", *names);
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
      check_repeat(model, units[u]);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_runs_repeat),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
