/* planner/override.c: one node re-placed on a unit of the user's choice, or refused with why. */
#include <stdlib.h>

#include "test-util.h"

#include "planner/plan.h"
#include "src/load.h"

static struct ops_graph *load(const char *path) {
  struct ops_graph *g = NULL;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (ops_load_model(path, &g, &d) != OPS_OK) fail_msg("%s", d.msg);
  return g;
}

/* The first node placed on `unit` that is not constant, or -1. */
static int first_on(const struct ops_plan *plan, int unit) {
  for (size_t i = 0; i < plan->n_nodes; i++) {
    if (plan->nodes[i].kind != OPS_PLAN_CONSTANT && plan->nodes[i].assigned == unit) return (int)i;
  }
  return -1;
}

static void test_override_moves_one_node(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:mnist");
  struct ops_plan *plan;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_plan_new(g, OPSCOPE_UNIT_SIMD, &plan, &d), OPS_OK);
  int i = first_on(plan, OPSCOPE_UNIT_SIMD);
  assert_true(i >= 0);
  struct ops_plan_summary before;
  ops_plan_summarize(plan, &before);
  assert_int_equal(ops_plan_override(plan, (size_t)i, OPSCOPE_UNIT_SCALAR, &d), OPS_OK);
  const struct ops_plan_node *pn = &plan->nodes[i];
  assert_int_equal(pn->assigned, OPSCOPE_UNIT_SCALAR);
  assert_int_equal(pn->requested, OPSCOPE_UNIT_SCALAR);
  OPS_ASSERT_CONTAINS(pn->kernel->name, "__scalar");
  /* An override is a request, not a fallback; the other nodes keep their places. */
  assert_false(ops_plan_node_is_fallback(plan, pn));
  struct ops_plan_summary after;
  ops_plan_summarize(plan, &after);
  assert_int_equal(after.by_unit[OPSCOPE_UNIT_SIMD] + 1, before.by_unit[OPSCOPE_UNIT_SIMD]);
  assert_int_equal(after.by_unit[OPSCOPE_UNIT_SCALAR], before.by_unit[OPSCOPE_UNIT_SCALAR] + 1);
  assert_int_equal(after.fallbacks, before.fallbacks);
  ops_plan_free(plan);
  ops_graph_free(g);
}

static void test_refusal_keeps_plan_and_says_why(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:mnist");
  struct ops_plan *plan;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_plan_new(g, OPSCOPE_UNIT_THREADS, &plan, &d), OPS_OK);
  /* A node that threads refused (too small, or no kernel) is refused again when forced. */
  int i = -1;
  for (size_t k = 0; k < plan->n_nodes && i < 0; k++) {
    if (ops_plan_node_is_fallback(plan, &plan->nodes[k]) && plan->nodes[k].assigned >= 0) {
      i = (int)k;
    }
  }
  if (i < 0) {
    /* Every node ran on threads: nothing to refuse on this build. */
    ops_plan_free(plan);
    ops_graph_free(g);
    skip();
  }
  struct ops_plan_node saved = plan->nodes[i];
  assert_int_equal(ops_plan_override(plan, (size_t)i, OPSCOPE_UNIT_THREADS, &d),
                   OPS_ERR_UNSUPPORTED);
  OPS_ASSERT_CONTAINS(d.msg, "threads cannot run node");
  OPS_ASSERT_CONTAINS(d.msg, g->nodes[saved.node].name);
  assert_int_equal(plan->nodes[i].assigned, saved.assigned);
  assert_int_equal(plan->nodes[i].requested, saved.requested);
  assert_ptr_equal(plan->nodes[i].kernel, saved.kernel);
  ops_plan_free(plan);
  ops_graph_free(g);
}

static void test_bad_arguments(void **state) {
  (void)state;
  struct ops_graph *g = load("builtin:mnist");
  struct ops_plan *plan;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_plan_new(g, OPSCOPE_UNIT_SCALAR, &plan, &d), OPS_OK);
  assert_int_equal(ops_plan_override(plan, plan->n_nodes, OPSCOPE_UNIT_SIMD, &d),
                   OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "is not in the plan");
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_plan_override(plan, 0, OPSCOPE_UNIT_ALL, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "is not scalar, simd or threads");
  ops_plan_free(plan);
  ops_graph_free(g);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_override_moves_one_node),
      cmocka_unit_test(test_refusal_keeps_plan_and_says_why),
      cmocka_unit_test(test_bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
