/* planner/: placement answers from the registry, with a reason for every refusal. */
#include <stdlib.h>

#include "test-util.h"

#include "planner/plan.h"
#include "src/load.h"
#include "src/size.h"

static struct ops_graph *load(const char *path) {
  struct ops_graph *g = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (ops_load_model(path, &g, &d) != OPS_OK) fail_msg("%s", d.msg);
  return g;
}

static void test_scalar_places_everything(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:resnet-tiny");
  struct ops_plan *plan;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_plan_new(g, OPSCOPE_UNIT_SCALAR, &plan, &d), OPS_OK);
  struct ops_plan_summary s;
  ops_plan_summarize(plan, &s);
  assert_int_equal(s.total, g->n_nodes);
  assert_int_equal(s.fallbacks, 0);
  assert_int_equal(s.unsupported, 0);
  OPS_ASSERT_NEAR(s.coverage_pct, 100.0, 0);
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    if (pn->kind == OPS_PLAN_CONSTANT) continue;
    assert_non_null(pn->kernel);
    /* The kernel's name says op and unit (STYLE.md §3). */
    OPS_ASSERT_CONTAINS(pn->kernel->name, "__scalar");
  }
  ops_plan_free(plan);
  ops_graph_free(g);
}

static void test_fallback_chain_has_reasons(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:mlp");
  for (int unit = OPSCOPE_UNIT_SIMD; unit <= OPSCOPE_UNIT_THREADS; unit++) {
    struct ops_plan *plan;
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    assert_int_equal(ops_plan_new(g, unit, &plan, &d), OPS_OK);
    for (size_t i = 0; i < plan->n_nodes; i++) {
      const struct ops_plan_node *pn = &plan->nodes[i];
      assert_int_equal(pn->requested, unit);
      if (!ops_plan_node_is_fallback(plan, pn)) continue;
      /* Whatever the unit lacks, the op still lands on a unit below, with a reason. */
      assert_true(pn->assigned >= OPSCOPE_UNIT_SCALAR && pn->assigned < unit);
      if (pn->reason == OPS_REASON_TOO_SMALL) {
        /* Threads refuse work too small to split; the SIMD unit takes it. */
        assert_int_equal(unit, OPSCOPE_UNIT_THREADS);
        assert_int_equal(pn->assigned, OPSCOPE_UNIT_SIMD);
        OPS_ASSERT_CONTAINS(pn->reason_text, "work too small for threads");
        continue;
      }
      assert_true(pn->reason == OPS_REASON_NO_KERNEL || pn->reason == OPS_REASON_DTYPE);
      OPS_ASSERT_CONTAINS(pn->reason_text, g->nodes[pn->node].op_type);
    }
    ops_plan_free(plan);
  }
  ops_graph_free(g);
}

static void test_unknown_op_is_reported(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:mlp");
  /* Rename one op to something opscope does not know; the plan must say so, not crash. */
  struct ops_node *n = &g->nodes[1];
  free(n->op_type);
  n->op_type = ops_strdup("FancyOp");
  free(n->domain);
  n->domain = ops_strdup("com.example");
  n->op = OPS_OP_UNKNOWN;
  struct ops_plan *plan;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_plan_new(g, OPSCOPE_UNIT_SCALAR, &plan, &d), OPS_OK);
  const struct ops_plan_node *pn = &plan->nodes[1];
  assert_int_equal(pn->assigned, -1);
  assert_int_equal(pn->reason, OPS_REASON_UNKNOWN_OP);
  assert_string_equal(pn->reason_text,
                      "no kernel for op 'FancyOp' (domain 'com.example') on any unit");
  struct ops_plan_summary s;
  ops_plan_summarize(plan, &s);
  assert_int_equal(s.unsupported, 1);
  ops_plan_free(plan);
  ops_graph_free(g);
}

/* mlp (batch 1) on threads: the 784x256 Gemm (401 kFLOP) goes to the pool, the 256x128 and
 * 128x10 ones are TOO_SMALL and run on simd, and so are the two Relus, which move far less than
 * the 512 KiB a memory-bound kernel needs to pay for waking the pool. */
static void test_threads_reasons(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:mlp");
  struct ops_plan *plan;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_plan_new(g, OPSCOPE_UNIT_THREADS, &plan, &d), OPS_OK);
  size_t on_threads = 0, too_small = 0, no_kernel = 0;
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    const char *op = g->nodes[pn->node].op_type;
    if (pn->assigned == OPSCOPE_UNIT_THREADS) on_threads++;
    if (pn->reason == OPS_REASON_TOO_SMALL) {
      too_small++;
      assert_int_equal(pn->assigned, OPSCOPE_UNIT_SIMD);
      OPS_ASSERT_CONTAINS(pn->reason_text,
                          strcmp(op, "Gemm") == 0 ? "threshold 256 kFLOP" : "threshold 512 KiB");
    }
    if (pn->reason == OPS_REASON_NO_KERNEL) {
      no_kernel++;
      assert_string_equal(op, "Relu");
      assert_int_equal(pn->assigned, OPSCOPE_UNIT_SCALAR);
    }
  }
  assert_int_equal(on_threads, 1);
  assert_int_equal(too_small, 4);
  assert_int_equal(no_kernel, 0);
  ops_plan_free(plan);
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_scalar_places_everything),
      cmocka_unit_test(test_fallback_chain_has_reasons),
      cmocka_unit_test(test_threads_reasons),
      cmocka_unit_test(test_unknown_op_is_reported),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
