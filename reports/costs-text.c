/*
 * --costs: what the model costs and where the estimate says the time goes: totals per unit,
 * the most expensive ops with their share, every op's estimate on each unit; with --validate,
 * estimated against measured per op.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"
#include "src/size.h"

/* Estimated time of a plan node on the unit it was placed on (0 when not placed). */
static double placed_ms(const struct ops_plan_node *pn) {
  return pn->kind == OPS_PLAN_EXECUTABLE && pn->assigned >= 0 ? pn->est_ms[pn->assigned] : 0.0;
}

struct ranked_node {
  double ms;
  size_t index;
};

/* What a node computes, as --analyze and --profile name it: what passes fused into it
 * ("Conv+Relu+MaxPool"), else its op. */
static const char *op_label(const struct ops_node *node) {
  return node->fused.absorbed != NULL ? node->fused.absorbed : node->op_type;
}

static int compare_ranked_desc(const void *a, const void *b) {
  const struct ranked_node *x = a, *y = b;
  if (x->ms != y->ms) return x->ms > y->ms ? -1 : 1;
  return x->index < y->index ? -1 : (x->index > y->index ? 1 : 0);
}

static void print_totals(FILE *f, const struct ops_plan *plan) {
  double flops = 0, bytes = 0, on_unit[OPSCOPE_UNIT_ALL] = {0};
  size_t runs_on[OPSCOPE_UNIT_ALL] = {0}, executable = 0;
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    if (pn->kind != OPS_PLAN_EXECUTABLE) continue;
    executable++;
    flops += pn->cost.flops;
    bytes += pn->cost.bytes_read + pn->cost.bytes_written;
    for (int u = 0; u < OPSCOPE_UNIT_ALL; u++) {
      on_unit[u] += pn->est_ms[u];
      if (pn->supported[u]) runs_on[u]++;
    }
  }
  fprintf(f, "  %.4g GFLOP, %.4g MB moved (%.2f FLOP/byte) over %zu executable ops\n", flops / 1e9,
          bytes / 1e6, bytes > 0 ? flops / bytes : 0.0, executable);
  fprintf(f, "\n  %-8s %14s %16s %12s\n", "unit", "est. ms (all)", "ops it can run",
          "peak GFLOP/s");
  for (int u = 0; u < OPSCOPE_UNIT_ALL; u++) {
    fprintf(f, "  %-8s %14.4g %10zu of %-3zu %12.4g\n", opscope_unit_name(u), on_unit[u],
            runs_on[u], executable, plan->model.units[u].gflops);
  }
  fprintf(f,
          "  (est. ms (all): every executable op estimated on that unit, whether or not it has a "
          "kernel there)\n");
}

static void print_top(FILE *f, const struct ops_report *r) {
  const struct ops_plan *plan = r->plan;
  const struct ops_graph *g = r->graph;
  struct ops_plan_summary s;
  ops_plan_summarize(plan, &s);
  struct ranked_node *order = ops_calloc_array(plan->n_nodes ? plan->n_nodes : 1, sizeof *order);
  if (order == NULL) return;
  size_t n = 0;
  for (size_t i = 0; i < plan->n_nodes; i++) {
    if (plan->nodes[i].kind != OPS_PLAN_EXECUTABLE) continue;
    order[n++] = (struct ranked_node){placed_ms(&plan->nodes[i]), i};
  }
  qsort(order, n, sizeof *order, compare_ranked_desc);
  size_t top = r->top < n ? r->top : n;
  fprintf(f, "\nMost expensive ops (estimated on the unit each is placed on; %zu of %zu):\n", top,
          n);
  fprintf(f, "  %-28s %-18s %-14s %9s %9s %7s %10s %10s %10s %8s %6s\n", "node", "op", "class",
          "MFLOP", "KB", "FLOP/B", "scalar ms", "simd ms", "threads ms", "placed", "share");
  for (size_t k = 0; k < top; k++) {
    const struct ops_plan_node *pn = &plan->nodes[order[k].index];
    const struct ops_node *node = &g->nodes[pn->node];
    char ms[OPSCOPE_UNIT_ALL][24], name[64];
    for (int u = 0; u < OPSCOPE_UNIT_ALL; u++) {
      /* An estimate where the unit has no kernel is shown in brackets: what a kernel would cost. */
      snprintf(ms[u], sizeof ms[u], pn->supported[u] ? "%.4f" : "(%.4f)", pn->est_ms[u]);
    }
    fprintf(f, "  %-28.28s %-18.18s %-14s %9.3f %9.1f %7.2f %10s %10s %10s %8s %5.1f%%\n",
            ops_report_name_tail(node->name, 28, name, sizeof name), op_label(node),
            ops_op_class_name(pn->cost.cls), pn->cost.flops / 1e6,
            (pn->cost.bytes_read + pn->cost.bytes_written) / 1024.0, ops_cost_intensity(&pn->cost),
            ms[OPSCOPE_UNIT_SCALAR], ms[OPSCOPE_UNIT_SIMD], ms[OPSCOPE_UNIT_THREADS],
            pn->assigned >= 0 ? opscope_unit_name(pn->assigned) : "none",
            s.est_ms > 0 ? 100.0 * order[k].ms / s.est_ms : 0.0);
  }
  if (top < n)
    fprintf(f, "  (%zu more: --top N, or the JSON report (-o) lists every op)\n", n - top);
  fprintf(f, "  (an estimate in brackets is for a unit without a kernel for the op)\n");
  free(order);
}

static void print_validation(FILE *f, const struct ops_report *r) {
  const struct ops_report_validation *v = r->validation;
  const struct ops_graph *g = r->graph;
  double est = 0, meas = 0;
  for (size_t i = 0; i < v->n; i++) {
    est += v->estimated_ms[i];
    meas += v->measured_ms[i];
  }
  fprintf(f, "\nValidation on '%s' (%zu profiled runs, per-op mean):\n", opscope_unit_name(v->unit),
          v->runs);
  struct ranked_node *order = ops_calloc_array(v->n ? v->n : 1, sizeof *order);
  if (order != NULL) {
    for (size_t i = 0; i < v->n; i++)
      order[i] = (struct ranked_node){v->measured_ms[i], i};
    qsort(order, v->n, sizeof *order, compare_ranked_desc);
    size_t top = r->top < v->n ? r->top : v->n;
    fprintf(f, "  %-28s %-18s %12s %12s %8s\n", "node", "op", "estimated ms", "measured ms",
            "ratio");
    for (size_t k = 0; k < top; k++) {
      size_t i = order[k].index;
      const struct ops_node *node = &g->nodes[v->nodes[i]];
      char name[64];
      fprintf(f, "  %-28.28s %-18.18s %12.4f %12.4f %8.2f\n",
              ops_report_name_tail(node->name, 28, name, sizeof name), op_label(node),
              v->estimated_ms[i], v->measured_ms[i],
              v->measured_ms[i] > 0 ? v->estimated_ms[i] / v->measured_ms[i] : 0.0);
    }
    free(order);
  }
  if (isnan(v->spearman)) {
    fprintf(f, "  Spearman rank correlation: n/a (fewer than 2 ops, or a constant side)\n");
  } else {
    fprintf(f, "  Spearman rank correlation: %.3f over %zu ops\n", v->spearman, v->n);
  }
  fprintf(f,
          "  Whole model: estimated %.4g ms, measured %.4g ms (sum of per-op means), ratio %.2f\n",
          est, meas, v->model_ratio);
}

void ops_report_costs_text(FILE *f, const struct ops_report *r) {
  const struct ops_plan *plan = r->plan;
  const struct ops_cost_model *m = &plan->model;
  fprintf(f, "Costs of %s (cost model: %s;\n  caches L1 %.0f KiB, L2 %.0f KiB, L3 %.0f KiB%s):\n",
          r->graph->path, m->source, m->cache_bytes[0] / 1024, m->cache_bytes[1] / 1024,
          m->cache_bytes[2] / 1024, m->caches_detected ? "" : ", defaults: sysfs has none");
  print_totals(f, plan);
  print_top(f, r);
  if (r->validation != NULL) print_validation(f, r);
}
