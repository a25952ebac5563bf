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
    fprintf(f, "  %-4zu  %-32.32s %-20.20s %-8s %-8s %s%s\n", i, node->name, node->op_type,
            kind_name(pn->kind), unit, pn->kernel ? pn->kernel->name : "-",
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
    fprintf(f, "\n  Coverage: %.1f%% of executable ops placed\n", s.coverage_pct);
  } else {
    fprintf(f, "\n  Coverage of '%s': %.1f%% (%zu of %zu executable ops)\n", requested,
            s.coverage_pct, s.by_unit[plan->requested], s.executable);
  }
  if (r->arena_bytes) {
    fprintf(f, "  Arena: %zu bytes (%.1f%% of the %zu bytes without reuse)\n", r->arena_bytes,
            share(r->arena_bytes, r->naive_bytes), r->naive_bytes);
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

static int compare_time_desc(const void *a, const void *b) {
  double x = (*(const struct ops_op_time *const *)a)->mean_ms;
  double y = (*(const struct ops_op_time *const *)b)->mean_ms;
  return x > y ? -1 : (x < y ? 1 : 0);
}

#define TOP_OPS 15

static bool same_type_unit(const struct ops_graph *g, const struct ops_op_time *a,
                           const struct ops_op_time *b) {
  return a->unit == b->unit && strcmp(g->nodes[a->node].op_type, g->nodes[b->node].op_type) == 0;
}

/* Where the time goes: per op type, then the slowest ops. */
static void print_profile(FILE *f, const struct ops_graph *g, const struct ops_profile *p) {
  fprintf(f,
          "Time per op type and unit (mean of %llu profiled runs; %.4g ms in ops; timing every "
          "op cost %+.2f%% of the median latency):\n",
          (unsigned long long)p->runs, p->total_ms, p->overhead_pct);
  bool *done = calloc(p->n_ops ? p->n_ops : 1, sizeof *done);
  const struct ops_op_time **order = calloc(p->n_ops ? p->n_ops : 1, sizeof *order);
  if (done == NULL || order == NULL) goto out;
  for (;;) {
    /* The op type with the most time left: quadratic, but models have at most thousands. */
    const char *best = NULL;
    const struct ops_op_time *best_op = NULL;
    double best_ms = -1.0;
    size_t best_count = 0;
    for (size_t i = 0; i < p->n_ops; i++) {
      if (done[i]) continue;
      const char *type = g->nodes[p->ops[i].node].op_type;
      double ms = 0.0;
      size_t count = 0;
      for (size_t j = i; j < p->n_ops; j++) {
        if (!done[j] && same_type_unit(g, &p->ops[i], &p->ops[j])) {
          ms += p->ops[j].mean_ms;
          count++;
        }
      }
      if (ms > best_ms) {
        best_op = &p->ops[i];
        best = type;
        best_ms = ms;
        best_count = count;
      }
    }
    if (best == NULL) break;
    fprintf(f, "  %-22s %-8s %4zu ops %12.4f ms %6.1f%%\n", best, opscope_unit_name(best_op->unit),
            best_count, best_ms, p->total_ms > 0 ? 100.0 * best_ms / p->total_ms : 0.0);
    for (size_t j = 0; j < p->n_ops; j++) {
      if (!done[j] && same_type_unit(g, best_op, &p->ops[j])) done[j] = true;
    }
  }
  for (size_t i = 0; i < p->n_ops; i++)
    order[i] = &p->ops[i];
  qsort(order, p->n_ops, sizeof *order, compare_time_desc);
  size_t top = p->n_ops < TOP_OPS ? p->n_ops : TOP_OPS;
  fprintf(f, "Slowest ops:\n  %-32s %-18s %-8s %12s %7s %7s  %s\n", "node", "op", "unit", "ms",
          "share", "cumul", "kernel");
  double cumulative = 0.0;
  for (size_t i = 0; i < top; i++) {
    const struct ops_op_time *t = order[i];
    const struct ops_node *node = &g->nodes[t->node];
    double pct = p->total_ms > 0 ? 100.0 * t->mean_ms / p->total_ms : 0.0;
    cumulative += pct;
    fprintf(f, "  %-32.32s %-18.18s %-8s %12.4f %6.1f%% %6.1f%%  %s\n", node->name, node->op_type,
            opscope_unit_name(t->unit), t->mean_ms, pct, cumulative, t->kernel);
  }
  if (p->n_ops > top)
    fprintf(f, "  (%zu more; the JSON report (-o) lists every op)\n", p->n_ops - top);
out:
  free(done);
  free(order);
}

/* Counters per timed run; unavailable ones show their state and reason, never a number. */
static void print_counters(FILE *f, const struct ops_report_bench *b) {
  double runs = b->result->n ? (double)b->result->n : 1.0;
  fprintf(f, "Counters (per timed run, user space):\n");
  for (size_t i = 0; i < b->counters->n; i++) {
    const struct ops_pmu_counter *c = &b->counters->counters[i];
    if (c->state != OPS_COUNTER_OK && c->state != OPS_COUNTER_SCALED) {
      fprintf(f, "  %-18s n/a (%s: %s)\n", c->name, ops_counter_state_name(c->state), c->reason);
      continue;
    }
    if (strcmp(c->unit, "ns") == 0) {
      fprintf(f, "  %-18s %14.4f ms", c->name, c->value / runs / 1e6);
    } else {
      fprintf(f, "  %-18s %14.1f", c->name, c->value / runs);
    }
    if (c->state == OPS_COUNTER_SCALED) fprintf(f, "  (%s)", c->reason);
    fprintf(f, "\n");
  }
  for (size_t i = 0; i < b->n_metrics; i++) {
    const struct ops_metric_value *m = &b->metrics[i];
    if (m->available) {
      fprintf(f, "  %-18s %14.3f %s\n", m->name, m->value, m->unit);
    } else {
      fprintf(f, "  %-18s n/a (%s)\n", m->name, m->reason);
    }
  }
}

void ops_report_bench_text(FILE *f, const struct ops_report *r) {
  const struct ops_report_bench *b = r->bench;
  const struct ops_bench_stats *st = &b->result->stats;
  fprintf(f, "Benchmark %s on unit '%s' (%d warm-up, %zu timed runs, input: %s):\n", r->graph->path,
          opscope_unit_name(b->unit), b->config.warmup, st->n, b->input_source);
  fprintf(f, "  load %.3f ms   plan %.3f ms   compile %.3f ms   first run %.3f ms",
          r->timing.load_ms, r->timing.plan_ms, r->timing.compile_ms, b->result->first_run_ms);
  if (b->result->peak_rss_bytes >= 0) {
    fprintf(f, "   peak RSS %.1f MiB", (double)b->result->peak_rss_bytes / (1024.0 * 1024.0));
  }
  fprintf(f, "\n  %-9s %-9s %-9s %-9s %-9s %-9s %-9s (ms)\n", "mean", "median", "min", "max",
          "stddev", "p90", "p99");
  fprintf(f, "  %-9.4g %-9.4g %-9.4g %-9.4g %-9.3g %-9.4g %-9.4g\n", st->mean, st->median, st->min,
          st->max, st->stddev, st->p90, st->p99);
  if (b->counters != NULL) print_counters(f, b);
  if (b->result->profile.n_ops > 0) print_profile(f, r->graph, &b->result->profile);
}
