/* The compute plan: built from placement of every node, summarized for reports. */
#include "planner/plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/cpu.h"
#include "src/size.h"

static const char *const reason_codes[OPS_REASON_COUNT] = {
#define OPS_REASON(name, code, hint) code,
#include "planner/reason-list.inc"
#undef OPS_REASON
};
static const char *const reason_hints[OPS_REASON_COUNT] = {
#define OPS_REASON(name, code, hint) hint,
#include "planner/reason-list.inc"
#undef OPS_REASON
};

const char *ops_reason_code(enum ops_reason r) {
  return (unsigned)r < OPS_REASON_COUNT ? reason_codes[r] : "";
}

const char *ops_reason_hint(enum ops_reason r) {
  return (unsigned)r < OPS_REASON_COUNT ? reason_hints[r] : "";
}

/* A node whose every output value is known after shape inference is folded at compile time. */
static bool outputs_known(const struct ops_graph *g, const struct ops_node *n) {
  bool any = false;
  for (int i = 0; i < n->n_outputs; i++) {
    if (n->outputs[i] < 0) continue;
    if (g->tensors[n->outputs[i]].data == NULL) return false;
    any = true;
  }
  return any;
}

/* The cheapest supported unit of a node other than threads, or -1. */
static int best_without_threads(const struct ops_plan_node *pn) {
  int best = -1;
  for (int u = OPSCOPE_UNIT_SCALAR; u < OPSCOPE_UNIT_THREADS; u++) {
    if (pn->supported[u] && (best < 0 || pn->est_ms[u] < pn->est_ms[best])) best = u;
  }
  return best;
}

/* How long the pool's workers keep spinning after a run before they sleep (the pool spins
 * SPIN_IDLE pause iterations, about this long on current x86 cores); an approximation. */
#define POOL_SPIN_MS 0.1

/* `all` places node by node with the pool's per-op cost for awake workers. But the workers fall
 * asleep when no threads op has run for a while, and the next one pays to wake them: walking
 * the plan in run order, a threads op after such a gap keeps threads only if what it saves
 * over its next best unit pays for the wake; otherwise it moves there. */
static void keep_threads_where_waking_pays(struct ops_plan *plan) {
  double wake_ms = plan->model.units[OPSCOPE_UNIT_THREADS].wake_us * 1e-3;
  double gap_ms = INFINITY; /* the first threads op of a run always wakes the pool */
  for (size_t i = 0; i < plan->n_nodes; i++) {
    struct ops_plan_node *pn = &plan->nodes[i];
    if (pn->kind == OPS_PLAN_CONSTANT || pn->assigned < 0) continue;
    if (pn->assigned != OPSCOPE_UNIT_THREADS) {
      gap_ms += pn->est_ms[pn->assigned];
      continue;
    }
    int alt = best_without_threads(pn);
    double saved = alt >= 0 ? pn->est_ms[alt] - pn->est_ms[OPSCOPE_UNIT_THREADS] : INFINITY;
    if (gap_ms > POOL_SPIN_MS && saved < wake_ms) {
      pn->kernel = ops_registry_find(pn->kernel->op, alt, pn->kernel->dtype);
      if (alt == OPSCOPE_UNIT_SCALAR) pn->ukernel = NULL;
      pn->assigned = alt;
      gap_ms += pn->est_ms[alt];
      continue;
    }
    gap_ms = 0.0;
  }
}

enum ops_status ops_plan_new(const struct ops_graph *g, int requested, struct ops_plan **out,
                             struct ops_diag *d) {
  return ops_plan_new_with_model(g, requested, NULL, out, d);
}

enum ops_status ops_plan_new_with_model(const struct ops_graph *g, int requested,
                                        const struct ops_cost_model *model, struct ops_plan **out,
                                        struct ops_diag *d) {
  *out = NULL;
  if (requested < OPSCOPE_UNIT_SCALAR || requested > OPSCOPE_UNIT_ALL) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "unit %d is not a unit", requested);
  }
  struct ops_plan *plan = ops_calloc_array(1, sizeof *plan);
  if (plan == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory planning");
  plan->nodes = ops_calloc_array(g->n_nodes, sizeof *plan->nodes);
  if (plan->nodes == NULL) {
    free(plan);
    return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory planning %zu nodes", g->n_nodes);
  }
  plan->graph = g;
  if (model != NULL) {
    plan->model = *model;
  } else {
    const struct ops_cpu *cpu = ops_cpu_get();
    ops_cost_model_current(&plan->model, cpu->model, ops_cpu_isa_name());
  }
  plan->requested = requested;
  plan->n_nodes = g->n_nodes;
  for (size_t i = 0; i < g->n_nodes; i++) {
    const struct ops_node *node = &g->nodes[i];
    struct ops_plan_node *pn = &plan->nodes[i];
    pn->node = (int)i;
    pn->requested = requested;
    if (outputs_known(g, node)) {
      pn->kind = OPS_PLAN_CONSTANT;
      pn->assigned = -1;
      continue;
    }
    pn->kind = ops_op_is_metadata(node->op) ? OPS_PLAN_METADATA : OPS_PLAN_EXECUTABLE;
    ops_place_node(g, node, requested, &plan->model, pn);
  }
  if (requested == OPSCOPE_UNIT_ALL) keep_threads_where_waking_pays(plan);
  *out = plan;
  return OPS_OK;
}

void ops_plan_free(struct ops_plan *plan) {
  if (plan == NULL) return;
  free(plan->nodes);
  free(plan);
}

bool ops_plan_node_is_fallback(const struct ops_plan *plan, const struct ops_plan_node *pn) {
  return pn->kind != OPS_PLAN_CONSTANT && plan->requested != OPSCOPE_UNIT_ALL &&
         pn->assigned != pn->requested;
}

void ops_plan_summarize(const struct ops_plan *plan, struct ops_plan_summary *out) {
  memset(out, 0, sizeof *out);
  out->total = plan->n_nodes;
  size_t on_request = 0;
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    switch (pn->kind) {
      case OPS_PLAN_CONSTANT:
        out->constant++;
        continue;
      case OPS_PLAN_METADATA:
        out->metadata++;
        break;
      case OPS_PLAN_EXECUTABLE:
      case OPS_PLAN_KIND_COUNT:
        out->executable++;
        out->flops += pn->cost.flops;
        out->bytes += pn->cost.bytes_read + pn->cost.bytes_written;
        break;
    }
    if (pn->assigned < 0) out->unsupported++;
    if (ops_plan_node_is_fallback(plan, pn)) out->fallbacks++;
    if (pn->kind != OPS_PLAN_EXECUTABLE || pn->assigned < 0) continue;
    out->by_unit[pn->assigned]++;
    double ms = pn->est_ms[pn->assigned];
    out->est_ms += ms;
    out->est_ms_by_unit[pn->assigned] += ms;
    if (plan->requested == OPSCOPE_UNIT_ALL || pn->assigned == plan->requested) {
      on_request++;
      out->est_ms_on_request += ms;
    }
  }
  out->coverage_pct =
      out->executable ? 100.0 * (double)on_request / (double)out->executable : 100.0;
  out->coverage_time_pct = out->est_ms > 0 ? 100.0 * out->est_ms_on_request / out->est_ms : 100.0;
}

const char *ops_coverage_verdict(double pct) {
  if (pct >= 95.0) return "excellent";
  if (pct >= 80.0) return "good";
  if (pct >= 50.0) return "mixed";
  return "poor";
}
