/*
 * Per-node overrides: "run this node on unit X", applied to a plan that ops_plan_new() built.
 * The live view (`--tui`, key `o`) uses it for what-if placement: the node is placed again with
 * X as its request, and the override is kept only when X itself can run it. Otherwise the plan
 * is left as it was and the refusal carries the unit's own reason, so a person learns why.
 */
#include <stdio.h>

#include "planner/plan.h"

enum ops_status ops_plan_override(struct ops_plan *plan, size_t node_index, int unit,
                                  struct ops_diag *d) {
  if (plan == NULL || node_index >= plan->n_nodes) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "override: node %zu is not in the plan", node_index);
  }
  const struct ops_graph *g = plan->graph;
  struct ops_plan_node *pn = &plan->nodes[node_index];
  const struct ops_node *node = &g->nodes[pn->node];
  if (unit < OPSCOPE_UNIT_SCALAR || unit >= OPSCOPE_UNIT_ALL) {
    return ops_fail(d, OPS_ERR_BAD_INPUT,
                    "override: node '%s' (%s): unit %d is not scalar, simd or threads", node->name,
                    node->op_type, unit);
  }
  if (pn->kind == OPS_PLAN_CONSTANT) {
    return ops_fail(d, OPS_ERR_UNSUPPORTED,
                    "override: node '%s' (%s) is folded at compile time and runs on no unit",
                    node->name, node->op_type);
  }
  /* Placed into a copy so a refusal leaves the plan untouched. */
  struct ops_plan_node placed = *pn;
  ops_place_node(g, node, unit, &plan->model, &placed);
  if (placed.assigned != unit) {
    return ops_fail(d, OPS_ERR_UNSUPPORTED, "override: %s cannot run node '%s' (%s): %s",
                    opscope_unit_name(unit), node->name, node->op_type,
                    placed.reason_text[0] ? placed.reason_text : "no reason given");
  }
  /* The override is this node's request now, so it is not counted as a fallback. */
  *pn = placed;
  return OPS_OK;
}
