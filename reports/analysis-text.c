/* Text reports of the compute plan (--analyze) and of --verify. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

static const char *kind_name(enum ops_plan_kind kind) {
  switch (kind) {
    case OPS_PLAN_EXECUTABLE:
      return "exec";
    case OPS_PLAN_METADATA:
      return "metadata";
    case OPS_PLAN_CONSTANT:
      return "constant";
    case OPS_PLAN_KIND_COUNT:
      break;
  }
  return "?";
}

static double share(size_t part, size_t whole) {
  return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static bool same_fallback(const struct ops_graph *g, const struct ops_plan_node *a,
                          const struct ops_plan_node *b) {
  return a->assigned == b->assigned && a->reason == b->reason &&
         strcmp(a->reason_text, b->reason_text) == 0 &&
         strcmp(g->nodes[a->node].op_type, g->nodes[b->node].op_type) == 0;
}

static void print_nodes(FILE *f, const struct ops_report *r) {
  const struct ops_plan *plan = r->plan;
  const struct ops_graph *g = r->graph;
  fprintf(f, "\nPlan (%zu nodes, in run order):\n", plan->n_nodes);
  fprintf(f, "  %-4s  %-32s %-20s %-8s %-8s %s\n", "#", "node", "op", "kind", "unit", "kernel");
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    const struct ops_node *node = &g->nodes[pn->node];
    const char *unit = pn->kind == OPS_PLAN_CONSTANT ? "folded" : opscope_unit_name(pn->assigned);
    /* A fused node shows what it absorbed ("Conv+Relu"), whole even past the column. */
    const char *op = node->fused.absorbed != NULL ? node->fused.absorbed : node->op_type;
    fprintf(f, "  %-4zu  %-32.32s %-20s %-8s %-8s %s%s%s%s\n", i, node->name, op,
            kind_name(pn->kind), unit, pn->kernel ? pn->kernel->name : "-",
            pn->ukernel ? " -> " : "", pn->ukernel ? pn->ukernel : "",
            ops_plan_node_is_fallback(plan, pn) ? "  (fallback)" : "");
  }
}

/* Fallbacks grouped by op type, destination and reason, most frequent first: a model with a
 * hundred MatMuls falling back for one reason needs one line, not a hundred (-v lists each). */
static void print_fallback_groups(FILE *f, const struct ops_report *r) {
  const struct ops_plan *plan = r->plan;
  const struct ops_graph *g = r->graph;
  bool *done = calloc(plan->n_nodes ? plan->n_nodes : 1, sizeof *done);
  if (done == NULL) return;
  for (;;) {
    size_t best = plan->n_nodes, best_count = 0;
    for (size_t i = 0; i < plan->n_nodes; i++) {
      const struct ops_plan_node *a = &plan->nodes[i];
      if (done[i] || !ops_plan_node_is_fallback(plan, a)) continue;
      size_t count = 0;
      for (size_t j = i; j < plan->n_nodes; j++) {
        if (!done[j] && same_fallback(g, a, &plan->nodes[j])) count++;
      }
      if (count > best_count) {
        best = i;
        best_count = count;
      }
    }
    if (best == plan->n_nodes) break;
    const struct ops_plan_node *pn = &plan->nodes[best];
    const struct ops_node *node = &g->nodes[pn->node];
    fprintf(f, "  %4zu x %-18s %s -> %-7s [%s] %s (first: %s)\n", best_count, node->op_type,
            opscope_unit_name(plan->requested), opscope_unit_name(pn->assigned),
            ops_reason_code(pn->reason), pn->reason_text, node->name);
    for (size_t j = best; j < plan->n_nodes; j++) {
      if (!done[j] && same_fallback(g, pn, &plan->nodes[j])) done[j] = true;
    }
  }
  free(done);
}

/* Executable ops by op type and assigned unit, in order of first appearance. */
static void print_type_unit_table(FILE *f, const struct ops_report *r) {
  const struct ops_graph *g = r->graph;
  const struct ops_plan *plan = r->plan;
  fprintf(f, "\n  %-24s %7s %7s %7s %7s\n", "op type", "scalar", "simd", "threads", "none");
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pi = &plan->nodes[i];
    if (pi->kind != OPS_PLAN_EXECUTABLE) continue;
    const char *type = g->nodes[pi->node].op_type;
    bool seen = false;
    for (size_t j = 0; j < i && !seen; j++) {
      const struct ops_plan_node *pj = &plan->nodes[j];
      seen = pj->kind == OPS_PLAN_EXECUTABLE && strcmp(g->nodes[pj->node].op_type, type) == 0;
    }
    if (seen) continue;
    size_t count[OPSCOPE_UNIT_ALL + 1] = {0};
    for (size_t j = i; j < plan->n_nodes; j++) {
      const struct ops_plan_node *pj = &plan->nodes[j];
      if (pj->kind != OPS_PLAN_EXECUTABLE || strcmp(g->nodes[pj->node].op_type, type) != 0)
        continue;
      count[pj->assigned >= 0 ? pj->assigned : OPSCOPE_UNIT_ALL]++;
    }
    fprintf(f, "  %-24s %7zu %7zu %7zu %7zu\n", type, count[OPSCOPE_UNIT_SCALAR],
            count[OPSCOPE_UNIT_SIMD], count[OPSCOPE_UNIT_THREADS], count[OPSCOPE_UNIT_ALL]);
  }
}

void ops_report_analysis_text(FILE *f, const struct ops_report *r, bool per_node) {
  const struct ops_graph *g = r->graph;
  const struct ops_plan *plan = r->plan;
  struct ops_plan_summary s;
  ops_plan_summarize(plan, &s);
  const char *requested = opscope_unit_name(plan->requested);

  fprintf(f, "Model: %s (%s", g->path, g->format);
  if (g->opset > 0) fprintf(f, ", opset %" PRId64, g->opset);
  fprintf(f, ", %zu nodes, %" PRId64 " parameters)\n", g->n_nodes, ops_graph_param_count(g));
  fprintf(f, "Compute plan for unit '%s':\n", requested);
  fprintf(f, "  total ops            %6zu\n", s.total);
  fprintf(f, "  constant (folded)    %6zu\n", s.constant);
  fprintf(f, "  metadata-only        %6zu\n", s.metadata);
  fprintf(f, "  executable ops       %6zu\n", s.executable);
  fprintf(f, "\n  %-10s %6s %8s\n", "unit", "ops", "share");
  for (int unit = 0; unit < OPSCOPE_UNIT_ALL; unit++) {
    fprintf(f, "  %-10s %6zu %7.1f%%\n", opscope_unit_name(unit), s.by_unit[unit],
            share(s.by_unit[unit], s.executable));
  }
  if (s.unsupported) {
    fprintf(f, "  %-10s %6zu\n", "none", s.unsupported);
  }
  if (plan->requested == OPSCOPE_UNIT_ALL) {
    fprintf(f, "\n  Coverage: %.1f%% of executable ops placed, each on its cheapest unit\n",
            s.coverage_pct);
  } else {
    fprintf(f,
            "\n  Coverage of '%s': %.1f%% of ops (%zu of %zu executable), %.1f%% of estimated time"
            " -> %s\n",
            requested, s.coverage_pct, s.by_unit[plan->requested], s.executable,
            s.coverage_time_pct, ops_coverage_verdict(s.coverage_time_pct));
  }
  fprintf(f, "  Estimated time %.3f ms (%s)\n", s.est_ms, plan->model.source);
  print_type_unit_table(f, r);
  if (r->arena_bytes) {
    /* Activations against activations: scratch has no counterpart in the naive sum. */
    fprintf(f,
            "  Arena: %zu bytes = activations %zu bytes (%.1f%% of the %zu bytes without reuse)"
            " + scratch %zu bytes; weights packed at compile time: %zu bytes",
            r->arena_bytes, r->activation_bytes, share(r->activation_bytes, r->naive_bytes),
            r->naive_bytes, r->scratch_bytes, r->packed_bytes);
    if (r->concats_in_place > 0)
      fprintf(f, "; %zu Concat%s in place (inputs written straight into the output)",
              r->concats_in_place, r->concats_in_place == 1 ? "" : "s");
    fprintf(f, "\n");
  }
  if (r->passes != NULL) {
    const struct ops_pass_report *p = r->passes;
    fprintf(f, "  Passes O%d:", p->level);
    if (p->n == 0) fprintf(f, " none (the graph as loaded)\n");
    for (size_t i = 0; i < p->n; i++) {
      fprintf(f, " %s %zu->%zu%s", p->stats[i].name, p->stats[i].nodes_before,
              p->stats[i].nodes_after, i + 1 < p->n ? "," : "");
    }
    if (p->n > 0) fprintf(f, " nodes (%.2f ms)\n", p->ms);
  }
  if (r->timing.plan_ms >= 0) {
    fprintf(f, "  Stages: load %.3f ms, passes %.3f ms, plan %.3f ms, compile %.3f ms\n",
            r->timing.load_ms, r->timing.passes_ms < 0 ? 0.0 : r->timing.passes_ms,
            r->timing.plan_ms, r->timing.compile_ms < 0 ? 0.0 : r->timing.compile_ms);
  }

  fprintf(f, "\nFallbacks (%zu):\n", s.fallbacks);
  if (s.fallbacks == 0) fprintf(f, "  none: every op runs on the requested unit\n");
  if (per_node) {
    for (size_t i = 0; i < plan->n_nodes; i++) {
      const struct ops_plan_node *pn = &plan->nodes[i];
      if (!ops_plan_node_is_fallback(plan, pn)) continue;
      const struct ops_node *node = &g->nodes[pn->node];
      fprintf(f, "  %-20s %-32s %s -> %s  [%s] %s\n", node->op_type, node->name, requested,
              opscope_unit_name(pn->assigned), ops_reason_code(pn->reason), pn->reason_text);
    }
  } else {
    print_fallback_groups(f, r);
  }
  /* Hints once per reason code, so a long list does not repeat them. */
  bool hinted[OPS_REASON_COUNT] = {false};
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    if (!ops_plan_node_is_fallback(plan, pn) || hinted[pn->reason]) continue;
    hinted[pn->reason] = true;
    fprintf(f, "  hint [%s]: %s\n", ops_reason_code(pn->reason), ops_reason_hint(pn->reason));
  }
  if (per_node) print_nodes(f, r);
}

/* Writes the multi-index of flat element `index` in `shape` as "[0, 3]". */
static void format_index(const struct ops_shape *shape, size_t index, char *buf, size_t len) {
  int64_t idx[OPS_MAX_RANK] = {0};
  for (int i = shape->rank - 1; i >= 0; i--) {
    int64_t dim = shape->dims[i] > 0 ? shape->dims[i] : 1;
    idx[i] = (int64_t)(index % (uint64_t)dim);
    index /= (uint64_t)dim;
  }
  struct ops_shape at = ops_shape_make(shape->rank, idx);
  ops_shape_format(&at, buf, len);
}

void ops_report_verify_text(FILE *f, const struct ops_report *r) {
  const struct ops_report_verify *v = r->verify;
  fprintf(f, "Verify %s on unit '%s' (rtol %g, atol %g):\n", v->dir, opscope_unit_name(v->unit),
          v->rtol, v->atol);
  for (size_t i = 0; i < v->n_checks; i++) {
    const struct ops_report_check *c = &v->checks[i];
    char shape[128], at[128];
    ops_shape_format(&c->shape, shape, sizeof shape);
    format_index(&c->shape, c->cmp.worst_index, at, sizeof at);
    fprintf(f, "  %-4s %s %s %s: %zu/%zu elements match, max abs err %.3g, max rel err %.3g\n",
            c->pass ? "ok" : "FAIL", c->name, opscope_dtype_name(c->dtype), shape,
            c->cmp.count - c->cmp.mismatches, c->cmp.count, c->cmp.max_abs_err, c->cmp.max_rel_err);
    if (c->cmp.count > 0) {
      fprintf(f, "       worst element %s: got %.9g, want %.9g (%.3g of the tolerance)\n", at,
              c->cmp.worst_got, c->cmp.worst_want, c->cmp.worst_ratio);
    }
  }
  fprintf(f, "%s: %zu output%s %s\n", v->pass ? "PASS" : "FAIL", v->n_checks,
          v->n_checks == 1 ? "" : "s", v->pass ? "match" : "do not all match");
}
