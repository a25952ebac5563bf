/*
 * Text reports of the profiler's results: --benchmark (statistics, counters, per-op profile),
 * --benchmark-all (one row per unit) and --compare / --test (errors against scalar).
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/report.h"

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
static void print_profile(FILE *f, const struct ops_report *r, const struct ops_profile *p) {
  const struct ops_graph *g = r->graph;
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
  fprintf(f, "Slowest ops:\n  %-32s %-18s %-8s %12s %7s %7s %9s  %s\n", "node", "op", "unit", "ms",
          "share", "cumul", "GFLOP/s", "kernel");
  double cumulative = 0.0;
  for (size_t i = 0; i < top; i++) {
    const struct ops_op_time *t = order[i];
    const struct ops_node *node = &g->nodes[t->node];
    double pct = p->total_ms > 0 ? 100.0 * t->mean_ms / p->total_ms : 0.0;
    cumulative += pct;
    /* Achieved rate from the cost model's count; "-" for ops that count no operations. */
    char rate[32] = "-";
    if (r->plan != NULL && (size_t)t->node < r->plan->n_nodes && t->mean_ms > 0) {
      double flops = r->plan->nodes[t->node].cost.flops;
      if (flops > 0) snprintf(rate, sizeof rate, "%.3g", flops / (t->mean_ms * 1e6));
    }
    fprintf(f, "  %-32.32s %-18s %-8s %12.4f %6.1f%% %6.1f%% %9s  %s\n", node->name,
            node->fused.absorbed != NULL ? node->fused.absorbed : node->op_type,
            opscope_unit_name(t->unit), t->mean_ms, pct, cumulative, rate, t->kernel);
  }
  if (p->n_ops > top)
    fprintf(f, "  (%zu more; the JSON report (-o) lists every op)\n", p->n_ops - top);
out:
  free(done);
  free(order);
}

/* Each of the slowest ops' share of every counter, per run; counters the machine cannot read
 * are named once with their state, never shown as 0. */
static void print_op_counters(FILE *f, const struct ops_graph *g,
                              const struct ops_report_bench *b) {
  const struct ops_profile *p = &b->result->profile;
  const struct ops_pmu_set *set = b->counters;
  if (p->counter_values == NULL || set == NULL || p->n_counters != set->n) return;
  size_t order_n = p->n_ops;
  const struct ops_op_time **order = calloc(order_n ? order_n : 1, sizeof *order);
  if (order == NULL) return;
  for (size_t i = 0; i < order_n; i++)
    order[i] = &p->ops[i];
  qsort(order, order_n, sizeof *order, compare_time_desc);
  fprintf(f, "Counters per op (mean of %llu runs of their own, user space):\n  %-32s",
          (unsigned long long)p->counter_runs, "node");
  for (size_t c = 0; c < set->n; c++) {
    const struct ops_pmu_counter *k = &set->counters[c];
    if (k->state == OPS_COUNTER_OK || k->state == OPS_COUNTER_SCALED) {
      fprintf(f, " %16s", strcmp(k->unit, "ns") == 0 ? "task-clock ms" : k->name);
    }
  }
  fprintf(f, "\n");
  size_t top = order_n < TOP_OPS ? order_n : TOP_OPS;
  for (size_t i = 0; i < top; i++) {
    size_t s = (size_t)(order[i] - p->ops);
    fprintf(f, "  %-32.32s", g->nodes[p->ops[s].node].name);
    for (size_t c = 0; c < set->n; c++) {
      const struct ops_pmu_counter *k = &set->counters[c];
      if (k->state != OPS_COUNTER_OK && k->state != OPS_COUNTER_SCALED) continue;
      double v = p->counter_values[s * set->n + c];
      if (isnan(v)) {
        fprintf(f, " %16s", "n/a");
      } else if (strcmp(k->unit, "ns") == 0) {
        fprintf(f, " %16.4f", v / 1e6);
      } else {
        fprintf(f, " %16.1f", v);
      }
    }
    fprintf(f, "\n");
  }
  for (size_t c = 0; c < set->n; c++) {
    const struct ops_pmu_counter *k = &set->counters[c];
    if (k->state == OPS_COUNTER_OK || k->state == OPS_COUNTER_SCALED) continue;
    fprintf(f, "  %-18s n/a per op, as per run (%s: %s)\n", k->name,
            ops_counter_state_name(k->state), k->reason);
  }
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
  const struct ops_report_bench *b = &r->benches[0];
  const struct ops_bench_stats *st = &b->result->stats;
  fprintf(f, "Benchmark %s on unit '%s' (%d warm-up, %zu timed runs, input: %s):\n", r->graph->path,
          opscope_unit_name(b->unit), b->config.warmup, st->n, b->input_source);
  fprintf(f, "  load %.3f ms   passes %.3f ms   plan %.3f ms   compile %.3f ms   first run %.3f ms",
          r->timing.load_ms, r->timing.passes_ms < 0 ? 0.0 : r->timing.passes_ms, r->timing.plan_ms,
          r->timing.compile_ms, b->result->first_run_ms);
  if (r->arena_bytes) {
    fprintf(f, "\n  arena %zu bytes: activations %zu (%.1f%% of %zu without reuse), scratch %zu",
            r->arena_bytes, r->activation_bytes,
            r->naive_bytes ? 100.0 * (double)r->activation_bytes / (double)r->naive_bytes : 0.0,
            r->naive_bytes, r->scratch_bytes);
  }
  if (b->result->peak_rss_bytes >= 0) {
    fprintf(f, "   peak RSS %.1f MiB", (double)b->result->peak_rss_bytes / (1024.0 * 1024.0));
  }
  fprintf(f, "\n  %-9s %-9s %-9s %-9s %-9s %-9s %-9s (ms)\n", "mean", "median", "min", "max",
          "stddev", "p90", "p99");
  fprintf(f, "  %-9.4g %-9.4g %-9.4g %-9.4g %-9.3g %-9.4g %-9.4g\n", st->mean, st->median, st->min,
          st->max, st->stddev, st->p90, st->p99);
  if (b->flops_per_run > 0 && st->median > 0) {
    fprintf(f, "  %.4g GFLOP per run (cost model): %.3g GFLOP/s at the median\n",
            b->flops_per_run / 1e9, b->flops_per_run / (st->median * 1e6));
  }
  if (b->counters != NULL) print_counters(f, b);
  if (b->result->profile.n_ops > 0) print_profile(f, r, &b->result->profile);
  if (b->counters != NULL && b->result->profile.counter_values != NULL)
    print_op_counters(f, r->graph, b);
}

/* Stage times of one unit: its own load + plan + compile when recorded, else the report's. */
static double unit_load_ms(const struct ops_report *r, const struct ops_report_bench *b) {
  if (b->load_ms >= 0) return b->load_ms;
  double sum = 0.0;
  const double stages[] = {r->timing.load_ms, r->timing.passes_ms, r->timing.plan_ms,
                           r->timing.compile_ms};
  for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++)
    if (stages[i] > 0) sum += stages[i];
  return sum;
}

void ops_report_bench_all_text(FILE *f, const struct ops_report *r) {
  const struct ops_report_bench *first = &r->benches[0];
  size_t rounds = 0;
  for (size_t i = 0; i < r->n_benches; i++)
    if (r->benches[i].result != NULL) rounds = r->benches[i].result->stats.n;
  char names[64] = "";
  for (size_t i = 0, at = 0; i < r->n_benches && at < sizeof names; i++)
    at += (size_t)snprintf(names + at, sizeof names - at, "%s%s", i > 0 ? ", " : "",
                           opscope_unit_name(r->benches[i].unit));
  fprintf(f, "Benchmark of %s, %s (%d warm-up rounds, %zu timed rounds interleaved, input: %s):\n",
          names, r->graph->path, first->config.warmup, rounds, first->input_source);
  /* Speed-ups are over scalar, or over the first unit listed when --units left scalar out. */
  double ref_median = -1.0;
  const struct ops_report_bench *ref = &r->benches[0];
  for (size_t i = 0; i < r->n_benches; i++)
    if (r->benches[i].unit == OPSCOPE_UNIT_SCALAR) ref = &r->benches[i];
  if (ref->result != NULL) ref_median = ref->result->stats.median;
  fprintf(f, "  %-8s %-6s %10s %10s %10s %10s %10s %10s %9s  %s\n", "unit", "status", "mean",
          "median", "min", "max", "p90", "load", "speed-up", "coverage");
  const struct ops_report_bench *fastest = NULL;
  for (size_t i = 0; i < r->n_benches; i++) {
    const struct ops_report_bench *b = &r->benches[i];
    char coverage[64] = "-";
    const struct ops_plan *plan = b->plan ? b->plan : r->plan;
    if (plan != NULL) {
      struct ops_plan_summary sum;
      ops_plan_summarize(plan, &sum);
      if (sum.executable > 0) {
        snprintf(coverage, sizeof coverage, "%.0f%% of %zu ops", sum.coverage_pct, sum.executable);
      } else {
        snprintf(coverage, sizeof coverage, "no executable ops");
      }
    }
    /* The status mark is one column wide but three bytes long, so it is padded by hand. */
    if (b->result == NULL) {
      fprintf(f, "  %-8s \u2717      %10s %10s %10s %10s %10s %10s %9s  %s\n",
              opscope_unit_name(b->unit), "-", "-", "-", "-", "-", "-", "-", coverage);
      continue;
    }
    const struct ops_bench_stats *st = &b->result->stats;
    char speedup[32] = "-";
    if (ref_median > 0 && st->median > 0) {
      snprintf(speedup, sizeof speedup, "%.2fx", ref_median / st->median);
    }
    fprintf(f, "  %-8s \u2713      %10.4g %10.4g %10.4g %10.4g %10.4g %10.4g %9s  %s\n",
            opscope_unit_name(b->unit), st->mean, st->median, st->min, st->max, st->p90,
            unit_load_ms(r, b), speedup, coverage);
    if (fastest == NULL || st->median < fastest->result->stats.median) fastest = b;
  }
  fprintf(f,
          "  (times in ms; load is parse + plan + compile; speed-up is %s's median over the "
          "unit's;\n   coverage: executable ops placed on the unit itself, the rest fell back)\n",
          opscope_unit_name(ref->unit));
  for (size_t i = 0; i < r->n_benches; i++) {
    const struct ops_report_bench *b = &r->benches[i];
    if (b->error != NULL) fprintf(f, "  %s: %s\n", opscope_unit_name(b->unit), b->error);
  }
  if (fastest != NULL) {
    fprintf(f, "Fastest: %s (%.4g ms median)\n", opscope_unit_name(fastest->unit),
            fastest->result->stats.median);
  } else {
    fprintf(f, "Fastest: none (no unit could run the model)\n");
  }
}

void ops_report_compare_text(FILE *f, const struct ops_report *r) {
  const struct ops_report_compare *c = r->compare;
  fprintf(f,
          "Compare with scalar on input %s (an element passes when |x - scalar| <= %g + %g * "
          "|scalar|):\n",
          c->input_source, c->atol, c->rtol);
  fprintf(f, "  %-8s %-24s %12s %12s %11s  %s\n", "unit", "output", "max abs err", "max rel err",
          "mismatches", "result");
  for (size_t u = 0; u < c->n_units; u++) {
    if (c->errors[u] != NULL) {
      fprintf(f, "  %-8s %-24s %12s %12s %11s  %s\n", opscope_unit_name(c->units[u]), "-", "-", "-",
              "-", "FAIL");
      fprintf(f, "           %s\n", c->errors[u]);
    }
  }
  for (size_t i = 0; i < c->n_checks; i++) {
    const struct ops_report_compare_check *k = &c->checks[i];
    fprintf(f, "  %-8s %-24s %12.3g %12.3g %11zu  %s\n", opscope_unit_name(k->unit), k->name,
            k->cmp.max_abs_err, k->cmp.max_rel_err, k->cmp.mismatches, k->pass ? "PASS" : "FAIL");
  }
  fprintf(f, "Result: %s\n", c->pass ? "PASS" : "FAIL");
}
