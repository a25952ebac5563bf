/*
 * The JSON report (docs/report.md): one object whose sections the modes fill. json-c is called
 * only here and in the JSON IR loader (STYLE.md §7).
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include <json-c/json.h>

#include "profiler/symbolize.h"
#include "reports/environment.h"
#include "reports/gates.h"
#include "reports/report.h"
#include "reports/sample-text.h"

/* json-c takes ownership of values added to objects; a NULL value is written as null. */
static void put(json_object *obj, const char *key, json_object *value) {
  json_object_object_add(obj, key, value);
}

static json_object *string_or_null(const char *s) {
  return s != NULL ? json_object_new_string(s) : NULL;
}

/* Non-finite doubles are not JSON numbers: they become null. */
static json_object *number(double v) {
  return isfinite(v) ? json_object_new_double(v) : NULL;
}

static json_object *shape_json(const struct ops_shape *s) {
  if (s->rank < 0) return NULL;
  json_object *a = json_object_new_array();
  for (int i = 0; i < s->rank; i++) {
    json_object_array_add(a, s->dims[i] >= 0 ? json_object_new_int64(s->dims[i]) : NULL);
  }
  return a;
}

static json_object *tensor_list(const struct ops_graph *g, const int *idx, size_t n) {
  json_object *a = json_object_new_array();
  for (size_t i = 0; i < n; i++) {
    const struct ops_tensor *t = &g->tensors[idx[i]];
    json_object *o = json_object_new_object();
    put(o, "name", json_object_new_string(t->name));
    put(o, "dtype", json_object_new_string(ops_dtype_name(t->dtype)));
    put(o, "shape", shape_json(&t->shape));
    json_object_array_add(a, o);
  }
  return a;
}

static json_object *model_json(const struct ops_report *r) {
  const struct ops_graph *g = r->graph;
  json_object *m = json_object_new_object();
  put(m, "path", json_object_new_string(g->path ? g->path : ""));
  put(m, "name", string_or_null(g->name));
  put(m, "format", json_object_new_string(g->format ? g->format : ""));
  put(m, "producer", string_or_null(g->producer));
  put(m, "ir_version", g->ir_version ? json_object_new_int64(g->ir_version) : NULL);
  put(m, "opset", g->opset ? json_object_new_int64(g->opset) : NULL);
  put(m, "file_bytes",
      r->model_file_bytes >= 0 ? json_object_new_int64(r->model_file_bytes) : NULL);
  put(m, "node_count", json_object_new_int64((int64_t)g->n_nodes));
  put(m, "param_count", json_object_new_int64(ops_graph_param_count(g)));
  json_object *hist = json_object_new_object();
  for (size_t i = 0; i < g->n_nodes; i++) {
    const char *op = g->nodes[i].op_type;
    json_object *count = NULL;
    if (json_object_object_get_ex(hist, op, &count)) {
      json_object_set_int64(count, json_object_get_int64(count) + 1);
    } else {
      put(hist, op, json_object_new_int64(1));
    }
  }
  put(m, "op_histogram", hist);
  put(m, "inputs", tensor_list(g, g->inputs, g->n_inputs));
  put(m, "outputs", tensor_list(g, g->outputs, g->n_outputs));
  return m;
}

static const char *kind_name(enum ops_plan_kind kind) {
  static const char *const names[OPS_PLAN_KIND_COUNT] = {"executable", "metadata", "constant"};
  return (unsigned)kind < OPS_PLAN_KIND_COUNT ? names[kind] : "executable";
}

static json_object *unit_or_null(int unit) {
  return unit >= 0 ? json_object_new_string(opscope_unit_name(unit)) : NULL;
}

/* A node's cost: counts, class, and the estimate on each unit with whether it can run there. */
static json_object *node_cost_json(const struct ops_plan_node *pn) {
  json_object *c = json_object_new_object();
  put(c, "class", json_object_new_string(ops_op_class_name(pn->cost.cls)));
  put(c, "flops", pn->cost.known ? number(pn->cost.flops) : NULL);
  put(c, "bytes_read", pn->cost.known ? number(pn->cost.bytes_read) : NULL);
  put(c, "bytes_written", pn->cost.known ? number(pn->cost.bytes_written) : NULL);
  put(c, "intensity", pn->cost.known ? number(ops_cost_intensity(&pn->cost)) : NULL);
  json_object *est = json_object_new_object();
  for (int u = OPSCOPE_UNIT_SCALAR; u < OPSCOPE_UNIT_ALL; u++) {
    json_object *e = json_object_new_object();
    put(e, "ms", pn->cost.known ? number(pn->est_ms[u]) : NULL);
    put(e, "supported", json_object_new_boolean(pn->supported[u]));
    put(est, opscope_unit_name(u), e);
  }
  put(c, "estimated", est);
  return c;
}

static size_t sample_limit(size_t n, size_t top) {
  return top == 0 || n < top ? n : top;
}

static json_object *u64(uint64_t v) {
  return json_object_new_uint64(v);
}

struct json_object *ops_report_sample_json(const struct ops_sample_report *r, size_t top) {
  json_object *o = json_object_new_object();
  if (o == NULL) return NULL;
  bool ok = r->state == OPS_COUNTER_OK;
  put(o, "state", json_object_new_string(ops_counter_state_name(r->state)));
  put(o, "reason", ok ? NULL : json_object_new_string(r->reason));
  put(o, "event", ok && r->event ? json_object_new_string(r->event) : NULL);
  put(o, "note", r->note[0] ? json_object_new_string(r->note) : NULL);
  put(o, "frequency_hz",
      ok && r->frequency_hz > 0 ? json_object_new_double(r->frequency_hz) : NULL);
  put(o, "period", ok && r->period ? u64(r->period) : NULL);
  put(o, "threads", ok ? u64(r->n_threads) : NULL);
  put(o, "samples", ok ? u64(r->n_samples) : NULL);
  put(o, "lost", ok ? u64(r->lost) : NULL);
  put(o, "dropped", ok ? u64(r->dropped) : NULL);
  put(o, "corrupt_reads", ok ? u64(r->malformed) : NULL);
  put(o, "ring_full", ok ? u64(r->full) : NULL);
  put(o, "no_line", ok ? u64(r->no_line) : NULL);
  put(o, "no_symbol", ok ? u64(r->no_symbol) : NULL);
  put(o, "outside_runs", ok && r->attributed ? u64(r->outside_runs) : NULL);
  if (!ok) return o;
  json_object *funcs = json_object_new_array();
  for (size_t i = 0; i < sample_limit(r->n_funcs, top); i++) {
    const struct ops_sample_func *fn = &r->funcs[i];
    json_object *e = json_object_new_object();
    put(e, "function", json_object_new_string(fn->function));
    put(e, "module", json_object_new_string(fn->module));
    put(e, "symbolized", json_object_new_string(ops_symbol_quality_name(fn->quality)));
    put(e, "samples", u64(fn->count));
    put(e, "share", json_object_new_double(fn->share));
    json_object_array_add(funcs, e);
  }
  put(o, "functions", funcs);
  json_object *lines = json_object_new_array();
  for (size_t i = 0; i < sample_limit(r->n_lines, top); i++) {
    const struct ops_sample_line *l = &r->lines[i];
    json_object *e = json_object_new_object();
    put(e, "file", json_object_new_string(l->file));
    put(e, "line", json_object_new_int(l->line));
    put(e, "function", json_object_new_string(l->function));
    put(e, "module", json_object_new_string(l->module));
    put(e, "samples", u64(l->count));
    put(e, "share", json_object_new_double(l->share));
    json_object_array_add(lines, e);
  }
  put(o, "lines", lines);
  json_object *ops = NULL;
  if (r->attributed) {
    ops = json_object_new_array();
    for (size_t i = 0; i < sample_limit(r->n_ops, top); i++) {
      const struct ops_sample_op *op = &r->ops[i];
      json_object *e = json_object_new_object();
      put(e, "step", u64(op->step));
      put(e, "node", json_object_new_string(op->name));
      put(e, "op", json_object_new_string(op->op_type));
      put(e, "kernel", json_object_new_string(op->kernel));
      put(e, "samples", u64(op->count));
      put(e, "share", json_object_new_double(op->share));
      json_object_array_add(ops, e);
    }
  }
  put(o, "ops", ops);
  return o;
}

static json_object *costs_json(const struct ops_report *r) {
  const struct ops_plan *plan = r->plan;
  const struct ops_cost_model *m = &plan->model;
  json_object *c = json_object_new_object();
  put(c, "model", json_object_new_string(m->source));
  put(c, "calibrated", json_object_new_boolean(m->calibrated));
  json_object *caches = json_object_new_object();
  static const char *const levels[3] = {"L1", "L2", "L3"};
  for (int l = 0; l < 3; l++)
    put(caches, levels[l], json_object_new_int64((int64_t)m->cache_bytes[l]));
  put(caches, "detected", json_object_new_boolean(m->caches_detected));
  put(c, "cache_bytes", caches);
  double flops = 0, bytes = 0, est[OPSCOPE_UNIT_ALL] = {0};
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    if (pn->kind != OPS_PLAN_EXECUTABLE) continue;
    flops += pn->cost.flops;
    bytes += pn->cost.bytes_read + pn->cost.bytes_written;
    for (int u = 0; u < OPSCOPE_UNIT_ALL; u++)
      est[u] += pn->est_ms[u];
  }
  put(c, "flops", number(flops));
  put(c, "bytes", number(bytes));
  json_object *units = json_object_new_object();
  for (int u = 0; u < OPSCOPE_UNIT_ALL; u++) {
    const struct ops_unit_peaks *p = &m->units[u];
    json_object *e = json_object_new_object();
    put(e, "peak_gflops", number(p->gflops));
    json_object *gbs = json_object_new_object();
    for (int l = 0; l < OPS_MEM_LEVELS; l++)
      put(gbs, ops_mem_level_name((enum ops_mem_level)l), number(p->gbs[l]));
    put(e, "gbs", gbs);
    put(e, "overhead_us", number(p->overhead_us));
    put(e, "estimated_ms_all_ops", number(est[u]));
    put(units, opscope_unit_name(u), e);
  }
  put(c, "units", units);
  return c;
}

static json_object *validation_json(const struct ops_report *r) {
  const struct ops_report_validation *v = r->validation;
  json_object *o = json_object_new_object();
  put(o, "unit", json_object_new_string(opscope_unit_name(v->unit)));
  put(o, "runs", json_object_new_int64((int64_t)v->runs));
  put(o, "spearman", number(v->spearman));
  put(o, "model_ratio", number(v->model_ratio));
  json_object *ops = json_object_new_array();
  for (size_t i = 0; i < v->n; i++) {
    json_object *e = json_object_new_object();
    const struct ops_node *node = &r->graph->nodes[v->nodes[i]];
    put(e, "node", json_object_new_string(node->name));
    put(e, "op", json_object_new_string(node->op_type));
    put(e, "estimated_ms", number(v->estimated_ms[i]));
    put(e, "measured_ms", number(v->measured_ms[i]));
    json_object_array_add(ops, e);
  }
  put(o, "ops", ops);
  return o;
}

static json_object *analysis_json(const struct ops_report *r) {
  const struct ops_plan *plan = r->plan;
  const struct ops_graph *g = r->graph;
  struct ops_plan_summary s;
  ops_plan_summarize(plan, &s);
  json_object *a = json_object_new_object();
  put(a, "requested_unit", json_object_new_string(opscope_unit_name(plan->requested)));
  put(a, "total_ops", json_object_new_int64((int64_t)s.total));
  put(a, "constant_ops", json_object_new_int64((int64_t)s.constant));
  put(a, "metadata_ops", json_object_new_int64((int64_t)s.metadata));
  put(a, "executable_ops", json_object_new_int64((int64_t)s.executable));
  put(a, "unsupported_ops", json_object_new_int64((int64_t)s.unsupported));
  json_object *by_unit = json_object_new_object();
  for (int unit = 0; unit < OPSCOPE_UNIT_ALL; unit++) {
    put(by_unit, opscope_unit_name(unit), json_object_new_int64((int64_t)s.by_unit[unit]));
  }
  put(a, "by_unit", by_unit);
  put(a, "coverage_pct", json_object_new_double(s.coverage_pct));
  put(a, "coverage_time_pct", json_object_new_double(s.coverage_time_pct));
  put(a, "coverage_verdict", json_object_new_string(ops_coverage_verdict(s.coverage_time_pct)));
  put(a, "estimated_ms", json_object_new_double(s.est_ms));
  put(a, "cost_model", json_object_new_string(plan->model.source));
  json_object *fallbacks = json_object_new_array();
  json_object *nodes = json_object_new_array();
  for (size_t i = 0; i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    const struct ops_node *node = &g->nodes[pn->node];
    json_object *n = json_object_new_object();
    put(n, "node", json_object_new_string(node->name));
    put(n, "op", json_object_new_string(node->op_type));
    put(n, "fused", string_or_null(node->fused.absorbed));
    put(n, "kind", json_object_new_string(kind_name(pn->kind)));
    put(n, "requested_unit", json_object_new_string(opscope_unit_name(pn->requested)));
    put(n, "assigned_unit", unit_or_null(pn->assigned));
    put(n, "kernel", pn->kernel ? json_object_new_string(pn->kernel->name) : NULL);
    put(n, "ukernel", pn->ukernel ? json_object_new_string(pn->ukernel) : NULL);
    put(n, "code",
        pn->reason != OPS_REASON_NONE ? json_object_new_string(ops_reason_code(pn->reason)) : NULL);
    put(n, "reason",
        pn->reason != OPS_REASON_NONE ? json_object_new_string(pn->reason_text) : NULL);
    if (pn->kind != OPS_PLAN_CONSTANT) put(n, "cost", node_cost_json(pn));
    json_object_array_add(nodes, n);
    if (!ops_plan_node_is_fallback(plan, pn)) continue;
    json_object *fb = json_object_new_object();
    put(fb, "node", json_object_new_string(node->name));
    put(fb, "op", json_object_new_string(node->op_type));
    put(fb, "from", json_object_new_string(opscope_unit_name(pn->requested)));
    put(fb, "to", unit_or_null(pn->assigned));
    put(fb, "code", json_object_new_string(ops_reason_code(pn->reason)));
    put(fb, "reason", json_object_new_string(pn->reason_text));
    put(fb, "hint", json_object_new_string(ops_reason_hint(pn->reason)));
    json_object_array_add(fallbacks, fb);
  }
  put(a, "fallbacks", fallbacks);
  put(a, "nodes", nodes);
  if (r->arena_bytes) {
    put(a, "arena_bytes", json_object_new_int64((int64_t)r->arena_bytes));
    put(a, "arena_bytes_without_reuse", json_object_new_int64((int64_t)r->naive_bytes));
  }
  return a;
}

static json_object *verify_json(const struct ops_report_verify *v) {
  json_object *o = json_object_new_object();
  put(o, "dir", json_object_new_string(v->dir));
  put(o, "unit", json_object_new_string(opscope_unit_name(v->unit)));
  put(o, "rtol", json_object_new_double(v->rtol));
  put(o, "atol", json_object_new_double(v->atol));
  put(o, "pass", json_object_new_boolean(v->pass));
  json_object *outs = json_object_new_array();
  for (size_t i = 0; i < v->n_checks; i++) {
    const struct ops_report_check *c = &v->checks[i];
    json_object *e = json_object_new_object();
    put(e, "name", json_object_new_string(c->name));
    put(e, "dtype", json_object_new_string(opscope_dtype_name(c->dtype)));
    put(e, "shape", shape_json(&c->shape));
    put(e, "pass", json_object_new_boolean(c->pass));
    put(e, "elements", json_object_new_int64((int64_t)c->cmp.count));
    put(e, "mismatches", json_object_new_int64((int64_t)c->cmp.mismatches));
    put(e, "max_abs_err", number(c->cmp.max_abs_err));
    put(e, "max_rel_err", number(c->cmp.max_rel_err));
    json_object *worst = json_object_new_object();
    put(worst, "index", json_object_new_int64((int64_t)c->cmp.worst_index));
    put(worst, "got", number(c->cmp.worst_got));
    put(worst, "want", number(c->cmp.worst_want));
    put(worst, "tolerance_ratio", number(c->cmp.worst_ratio));
    put(e, "worst", worst);
    json_object_array_add(outs, e);
  }
  put(o, "outputs", outs);
  return o;
}

static json_object *profile_json(const struct ops_report *r, const struct ops_profile *p,
                                 const struct ops_pmu_set *counters) {
  const struct ops_graph *g = r->graph;
  json_object *o = json_object_new_object();
  put(o, "runs", json_object_new_int64((int64_t)p->runs));
  put(o, "total_ms", json_object_new_double(p->total_ms));
  put(o, "timing_overhead_pct", json_object_new_double(p->overhead_pct));
  json_object *ops = json_object_new_array();
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct ops_op_time *t = &p->ops[i];
    const struct ops_node *node = &g->nodes[t->node];
    json_object *e = json_object_new_object();
    put(e, "node", json_object_new_string(node->name));
    put(e, "op", json_object_new_string(node->op_type));
    put(e, "fused", string_or_null(node->fused.absorbed));
    put(e, "unit", json_object_new_string(opscope_unit_name(t->unit)));
    put(e, "kernel", json_object_new_string(t->kernel));
    put(e, "mean_ms", json_object_new_double(t->mean_ms));
    put(e, "share_pct",
        p->total_ms > 0 ? json_object_new_double(100.0 * t->mean_ms / p->total_ms) : NULL);
    double flops = r->plan != NULL && (size_t)t->node < r->plan->n_nodes
                       ? r->plan->nodes[t->node].cost.flops
                       : 0.0;
    put(e, "gflops", flops > 0 && t->mean_ms > 0 ? number(flops / (t->mean_ms * 1e6)) : NULL);
    if (p->counter_values != NULL && counters != NULL && p->n_counters == counters->n) {
      json_object *cv = json_object_new_object();
      for (size_t c = 0; c < counters->n; c++) {
        const struct ops_pmu_counter *k = &counters->counters[c];
        bool ok = k->state == OPS_COUNTER_OK || k->state == OPS_COUNTER_SCALED;
        put(cv, k->name, ok ? number(p->counter_values[i * counters->n + c]) : NULL);
      }
      put(e, "counters", cv);
    }
    json_object_array_add(ops, e);
  }
  put(o, "ops", ops);
  return o;
}

static json_object *ms_or_null(double ms);

/* load_ms is parse + plan + compile: what a user waits for before the first run. */
static json_object *bench_json(const struct ops_report *r, const struct ops_report_bench *b,
                               double load_ms) {
  const struct ops_bench_result *res = b->result;
  json_object *o = json_object_new_object();
  put(o, "unit", json_object_new_string(opscope_unit_name(b->unit)));
  put(o, "input", json_object_new_string(b->input_source));
  put(o, "warmup", json_object_new_int(b->config.warmup));
  if (b->load_ms >= 0) load_ms = b->load_ms;
  if (b->plan != NULL) {
    struct ops_plan_summary sum;
    ops_plan_summarize(b->plan, &sum);
    put(o, "coverage_pct", json_object_new_double(sum.coverage_pct));
  }
  if (res == NULL) {
    put(o, "status", json_object_new_string("failed"));
    put(o, "error", string_or_null(b->error));
    put(o, "load_ms", NULL);
    return o;
  }
  const struct ops_bench_stats *st = &res->stats;
  put(o, "iterations", json_object_new_int64((int64_t)st->n));
  put(o, "min_time_s", json_object_new_double(b->config.min_time_s));
  put(o, "first_run_ms", json_object_new_double(res->first_run_ms));
  put(o, "status", json_object_new_string("ok"));
  put(o, "load_ms", ms_or_null(load_ms));
  put(o, "mean_ms", json_object_new_double(st->mean));
  put(o, "median_ms", json_object_new_double(st->median));
  put(o, "min_ms", json_object_new_double(st->min));
  put(o, "max_ms", json_object_new_double(st->max));
  put(o, "stddev_ms", json_object_new_double(st->stddev));
  put(o, "p90_ms", json_object_new_double(st->p90));
  put(o, "p99_ms", json_object_new_double(st->p99));
  put(o, "flops_per_run", b->flops_per_run > 0 ? number(b->flops_per_run) : NULL);
  put(o, "gflops_median",
      b->flops_per_run > 0 && st->median > 0 ? number(b->flops_per_run / (st->median * 1e6))
                                             : NULL);
  json_object *samples = json_object_new_array();
  for (size_t i = 0; i < res->n; i++) {
    json_object_array_add(samples, json_object_new_double(res->samples_ms[i]));
  }
  put(o, "samples_ms", samples);
  if (b->counters != NULL) {
    double runs = res->n ? (double)res->n : 1.0;
    json_object *counters = json_object_new_object();
    for (size_t i = 0; i < b->counters->n; i++) {
      const struct ops_pmu_counter *c = &b->counters->counters[i];
      bool ok = c->state == OPS_COUNTER_OK || c->state == OPS_COUNTER_SCALED;
      json_object *e = json_object_new_object();
      put(e, "value", ok ? json_object_new_double(c->value / runs) : NULL);
      put(e, "state", json_object_new_string(ops_counter_state_name(c->state)));
      put(e, "reason", c->reason[0] ? json_object_new_string(c->reason) : NULL);
      put(e, "unit", json_object_new_string(c->unit));
      put(e, "total", ok ? json_object_new_double(c->value) : NULL);
      put(e, "running_pct", ok ? json_object_new_double(c->running_pct) : NULL);
      put(counters, c->name, e);
    }
    put(o, "counters", counters);
    json_object *metrics = json_object_new_array();
    for (size_t i = 0; i < b->n_metrics; i++) {
      const struct ops_metric_value *m = &b->metrics[i];
      json_object *e = json_object_new_object();
      put(e, "name", json_object_new_string(m->name));
      put(e, "unit", json_object_new_string(m->unit));
      put(e, "value", m->available ? number(m->value) : NULL);
      put(e, "formula", json_object_new_string(m->description));
      put(e, "reason", m->available ? NULL : json_object_new_string(m->reason));
      json_object_array_add(metrics, e);
    }
    put(o, "metrics", metrics);
  }
  if (res->profile.n_ops > 0) put(o, "profile", profile_json(r, &res->profile, b->counters));
  put(o, "peak_rss_bytes",
      res->peak_rss_bytes >= 0 ? json_object_new_int64(res->peak_rss_bytes) : NULL);
  return o;
}

static json_object *ms_or_null(double ms) {
  return ms >= 0 ? json_object_new_double(ms) : NULL;
}

/* "passes": the graph passes in run order (compiler/passes.h). */
static json_object *passes_json(const struct ops_pass_report *p) {
  json_object *o = json_object_new_object();
  put(o, "opt_level", json_object_new_int(p->level));
  put(o, "ms", json_object_new_double(p->ms));
  json_object *list = json_object_new_array();
  for (size_t i = 0; i < p->n; i++) {
    const struct ops_pass_stat *s = &p->stats[i];
    json_object *e = json_object_new_object();
    put(e, "name", json_object_new_string(s->name));
    put(e, "level", json_object_new_int(s->level));
    put(e, "nodes_before", json_object_new_int64((int64_t)s->nodes_before));
    put(e, "nodes_after", json_object_new_int64((int64_t)s->nodes_after));
    put(e, "rewrites", json_object_new_int64((int64_t)s->rewrites));
    put(e, "ms", json_object_new_double(s->ms));
    json_object_array_add(list, e);
  }
  put(o, "list", list);
  return o;
}

/* "memory": the compiled model's arena against the activations without reuse. */
static json_object *memory_json(const struct ops_report *r) {
  json_object *o = json_object_new_object();
  put(o, "arena_bytes", json_object_new_int64((int64_t)r->arena_bytes));
  put(o, "activation_bytes", json_object_new_int64((int64_t)r->activation_bytes));
  put(o, "naive_activation_bytes", json_object_new_int64((int64_t)r->naive_bytes));
  put(o, "scratch_bytes", json_object_new_int64((int64_t)r->scratch_bytes));
  put(o, "weights_packed_bytes", json_object_new_int64((int64_t)r->packed_bytes));
  put(o, "concats_in_place", json_object_new_int64((int64_t)r->concats_in_place));
  return o;
}

/* --benchmark-all's verdict: how the rounds were run and which unit was fastest by median. */
static json_object *bench_all_json(const struct ops_report *r) {
  json_object *o = json_object_new_object();
  put(o, "interleaved", json_object_new_boolean(true));
  const struct ops_report_bench *fastest = NULL;
  double scalar_median = -1.0;
  for (size_t i = 0; i < r->n_benches; i++) {
    const struct ops_report_bench *b = &r->benches[i];
    if (b->result == NULL) continue;
    if (b->unit == OPSCOPE_UNIT_SCALAR) scalar_median = b->result->stats.median;
    if (fastest == NULL || b->result->stats.median < fastest->result->stats.median) fastest = b;
  }
  put(o, "fastest_unit", fastest ? json_object_new_string(opscope_unit_name(fastest->unit)) : NULL);
  put(o, "fastest_median_ms",
      fastest ? json_object_new_double(fastest->result->stats.median) : NULL);
  json_object *speedups = json_object_new_object();
  for (size_t i = 0; i < r->n_benches; i++) {
    const struct ops_report_bench *b = &r->benches[i];
    bool ok = b->result != NULL && scalar_median > 0 && b->result->stats.median > 0;
    put(speedups, opscope_unit_name(b->unit),
        ok ? json_object_new_double(scalar_median / b->result->stats.median) : NULL);
  }
  put(o, "speedup_over_scalar", speedups);
  return o;
}

static json_object *compare_json(const struct ops_report_compare *c) {
  json_object *o = json_object_new_object();
  put(o, "reference_unit", json_object_new_string("scalar"));
  put(o, "input", json_object_new_string(c->input_source));
  put(o, "rtol", json_object_new_double(c->rtol));
  put(o, "atol", json_object_new_double(c->atol));
  put(o, "pass", json_object_new_boolean(c->pass));
  json_object *units = json_object_new_array();
  for (size_t u = 0; u < c->n_units; u++) {
    json_object *e = json_object_new_object();
    put(e, "unit", json_object_new_string(opscope_unit_name(c->units[u])));
    put(e, "status", json_object_new_string(c->errors[u] ? "failed" : "ok"));
    put(e, "error", string_or_null(c->errors[u]));
    json_object *outputs = json_object_new_array();
    for (size_t i = 0; i < c->n_checks; i++) {
      const struct ops_report_compare_check *k = &c->checks[i];
      if (k->unit != c->units[u]) continue;
      json_object *x = json_object_new_object();
      put(x, "name", json_object_new_string(k->name));
      put(x, "elements", json_object_new_int64((int64_t)k->cmp.count));
      put(x, "mismatches", json_object_new_int64((int64_t)k->cmp.mismatches));
      put(x, "max_abs_err", number(k->cmp.max_abs_err));
      put(x, "max_rel_err", number(k->cmp.max_rel_err));
      put(x, "pass", json_object_new_boolean(k->pass));
      json_object_array_add(outputs, x);
    }
    put(e, "outputs", outputs);
    json_object_array_add(units, e);
  }
  put(o, "units", units);
  return o;
}

enum ops_status ops_report_json_write(const char *path, const struct ops_report *r,
                                      struct ops_diag *d) {
  json_object *root = json_object_new_object();
  if (root == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory writing the report");
  put(root, "schema_version", json_object_new_int(OPS_REPORT_SCHEMA_VERSION));
  json_object *tool = json_object_new_object();
  put(tool, "name", json_object_new_string("opscope"));
  put(tool, "version", json_object_new_string(OPSCOPE_VERSION_STRING));
  put(root, "tool", tool);
  put(root, "command_line", string_or_null(r->command_line));
  if (r->env != NULL) put(root, "environment", ops_report_env_json(r->env));
  put(root, "model", model_json(r));
  json_object *timing = json_object_new_object();
  put(timing, "load_ms", ms_or_null(r->timing.load_ms));
  put(timing, "plan_ms", ms_or_null(r->timing.plan_ms));
  put(timing, "compile_ms", ms_or_null(r->timing.compile_ms));
  put(timing, "run_ms", ms_or_null(r->timing.run_ms));
  put(timing, "passes_ms", r->passes != NULL ? ms_or_null(r->timing.passes_ms) : NULL);
  put(root, "timing", timing);
  if (r->passes != NULL) put(root, "passes", passes_json(r->passes));
  if (r->arena_bytes) put(root, "memory", memory_json(r));
  if (r->plan != NULL) put(root, "analysis", analysis_json(r));
  if (r->verify != NULL) put(root, "verify", verify_json(r->verify));
  if (r->n_benches > 0) {
    json_object *benchmarks = json_object_new_array();
    double load_ms = 0.0;
    const double stages[] = {r->timing.load_ms, r->timing.passes_ms, r->timing.plan_ms,
                             r->timing.compile_ms};
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
      if (stages[i] > 0) load_ms += stages[i];
    }
    for (size_t i = 0; i < r->n_benches; i++) {
      json_object_array_add(benchmarks, bench_json(r, &r->benches[i], load_ms));
    }
    put(root, "benchmarks", benchmarks);
    if (r->bench_all) put(root, "benchmark_all", bench_all_json(r));
  }
  if (r->compare != NULL) put(root, "compare", compare_json(r->compare));
  if (r->costs && r->plan != NULL) put(root, "costs", costs_json(r));
  if (r->validation != NULL) put(root, "validation", validation_json(r));
  if (r->sampling != NULL) put(root, "sampling", ops_report_sample_json(r->sampling, r->top));
  if (r->gates != NULL) put(root, "gates", ops_gate_list_json(r->gates));

  enum ops_status status = OPS_OK;
  const char *text = json_object_to_json_string_ext(
      root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
  /* "-": stdout, which the CLI keeps for the report alone (human lines go to stderr). */
  bool to_stdout = strcmp(path, "-") == 0;
  FILE *f = to_stdout ? stdout : fopen(path, "w");
  if (f == NULL) {
    status = ops_fail(d, OPS_ERR_IO, "%s: cannot write the report: %s", path, strerror(errno));
  } else {
    if (fputs(text, f) == EOF || fputc('\n', f) == EOF) {
      status = ops_fail(d, OPS_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    }
    if ((to_stdout ? fflush(f) : fclose(f)) != 0 && status == OPS_OK) {
      status = ops_fail(d, OPS_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    }
  }
  json_object_put(root);
  return status;
}
