/*
 * Table definitions of the report's sections. Each builder fills one struct ops_table from the
 * report; ops_report_tables_write() renders the ones that apply. Numbers are written with
 * enough digits to compare runs ("%.6g"; counts as integers), and a missing value is an empty
 * cell, never 0. To add a table: write a builder and call it from ops_report_tables_write().
 */
#include "reports/tables.h"

#include <math.h>
#include <string.h>

#include "reports/gates.h"

#define COLS(a) a, sizeof a / sizeof a[0]

/* One cell's text; the builders keep a few of these per row. */
struct cell {
  char s[64];
};

static const char *num(struct cell *c, double v) {
  if (!isfinite(v)) return "";
  snprintf(c->s, sizeof c->s, "%.6g", v);
  return c->s;
}

static const char *count(struct cell *c, unsigned long long v) {
  snprintf(c->s, sizeof c->s, "%llu", v);
  return c->s;
}

static const char *unit_or_empty(int unit) {
  return unit >= 0 ? opscope_unit_name(unit) : "";
}

static enum ops_status coverage_table(struct ops_table *t, const struct ops_report *r) {
  static const struct ops_table_col cols[] = {
      {"requested unit", false}, {"executable ops", true}, {"on scalar", true},
      {"on simd", true},         {"on threads", true},     {"fallbacks", true},
      {"unsupported", true},     {"coverage %", true},     {"coverage by time %", true},
      {"estimated ms", true},
  };
  ops_table_init(t, "Coverage", COLS(cols));
  struct ops_plan_summary s;
  ops_plan_summarize(r->plan, &s);
  struct cell c[9];
  const char *row[] = {opscope_unit_name(r->plan->requested),
                       count(&c[0], s.executable),
                       count(&c[1], s.by_unit[OPSCOPE_UNIT_SCALAR]),
                       count(&c[2], s.by_unit[OPSCOPE_UNIT_SIMD]),
                       count(&c[3], s.by_unit[OPSCOPE_UNIT_THREADS]),
                       count(&c[4], s.fallbacks),
                       count(&c[5], s.unsupported),
                       num(&c[6], s.coverage_pct),
                       num(&c[7], s.coverage_time_pct),
                       num(&c[8], s.est_ms)};
  return ops_table_add_row(t, row);
}

static enum ops_status placement_table(struct ops_table *t, const struct ops_report *r) {
  static const struct ops_table_col cols[] = {
      {"node", false},   {"op", false},   {"kind", false},   {"assigned unit", false},
      {"kernel", false}, {"code", false}, {"reason", false},
  };
  static const char *const kinds[OPS_PLAN_KIND_COUNT] = {"executable", "metadata", "constant"};
  ops_table_init(t, "Placement per node", COLS(cols));
  for (size_t i = 0; i < r->plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &r->plan->nodes[i];
    const struct ops_node *node = &r->graph->nodes[pn->node];
    bool why = pn->reason != OPS_REASON_NONE;
    const char *row[] = {node->name,
                         node->op_type,
                         (unsigned)pn->kind < OPS_PLAN_KIND_COUNT ? kinds[pn->kind] : "",
                         unit_or_empty(pn->assigned),
                         pn->kernel ? pn->kernel->name : "",
                         why ? ops_reason_code(pn->reason) : "",
                         why ? pn->reason_text : ""};
    enum ops_status st = ops_table_add_row(t, row);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

static enum ops_status costs_table(struct ops_table *t, const struct ops_report *r) {
  static const struct ops_table_col cols[] = {
      {"node", false},         {"op", false},         {"class", false},
      {"flops", true},         {"bytes", true},       {"intensity", true},
      {"scalar est ms", true}, {"simd est ms", true}, {"threads est ms", true},
  };
  ops_table_init(t, "Cost per executable op", COLS(cols));
  for (size_t i = 0; i < r->plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &r->plan->nodes[i];
    if (pn->kind != OPS_PLAN_EXECUTABLE) continue;
    const struct ops_node *node = &r->graph->nodes[pn->node];
    bool k = pn->cost.known;
    struct cell c[6];
    const char *row[] = {node->name,
                         node->op_type,
                         ops_op_class_name(pn->cost.cls),
                         num(&c[0], k ? pn->cost.flops : NAN),
                         num(&c[1], k ? pn->cost.bytes_read + pn->cost.bytes_written : NAN),
                         num(&c[2], k ? ops_cost_intensity(&pn->cost) : NAN),
                         num(&c[3], k ? pn->est_ms[OPSCOPE_UNIT_SCALAR] : NAN),
                         num(&c[4], k ? pn->est_ms[OPSCOPE_UNIT_SIMD] : NAN),
                         num(&c[5], k ? pn->est_ms[OPSCOPE_UNIT_THREADS] : NAN)};
    enum ops_status st = ops_table_add_row(t, row);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

static enum ops_status validation_table(struct ops_table *t, const struct ops_report *r) {
  static const struct ops_table_col cols[] = {
      {"node", false},
      {"op", false},
      {"estimated ms", true},
      {"measured ms", true},
  };
  const struct ops_report_validation *v = r->validation;
  ops_table_init(t, "Estimated against measured time per op", COLS(cols));
  for (size_t i = 0; i < v->n; i++) {
    const struct ops_node *node = &r->graph->nodes[v->nodes[i]];
    struct cell c[2];
    const char *row[] = {node->name, node->op_type, num(&c[0], v->estimated_ms[i]),
                         num(&c[1], v->measured_ms[i])};
    enum ops_status st = ops_table_add_row(t, row);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

static enum ops_status verify_table(struct ops_table *t, const struct ops_report *r) {
  static const struct ops_table_col cols[] = {
      {"output", false},     {"elements", true},    {"mismatches", true},
      {"max abs err", true}, {"max rel err", true}, {"result", false},
  };
  const struct ops_report_verify *v = r->verify;
  ops_table_init(t, "Verification against the test data", COLS(cols));
  for (size_t i = 0; i < v->n_checks; i++) {
    const struct ops_report_check *k = &v->checks[i];
    struct cell c[4];
    const char *row[] = {k->name,
                         count(&c[0], k->cmp.count),
                         count(&c[1], k->cmp.mismatches),
                         num(&c[2], k->cmp.max_abs_err),
                         num(&c[3], k->cmp.max_rel_err),
                         k->pass ? "PASS" : "FAIL"};
    enum ops_status st = ops_table_add_row(t, row);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

static enum ops_status bench_table(struct ops_table *t, const struct ops_report *r) {
  static const struct ops_table_col cols[] = {
      {"unit", false},     {"status", false}, {"runs", true},         {"mean ms", true},
      {"median ms", true}, {"min ms", true},  {"max ms", true},       {"stddev ms", true},
      {"p90 ms", true},    {"p99 ms", true},  {"first run ms", true}, {"speed-up", true},
  };
  ops_table_init(t, "Benchmark", COLS(cols));
  double scalar_median = NAN;
  for (size_t i = 0; i < r->n_benches; i++) {
    const struct ops_report_bench *b = &r->benches[i];
    if (b->unit == OPSCOPE_UNIT_SCALAR && b->result != NULL) {
      scalar_median = b->result->stats.median;
    }
  }
  for (size_t i = 0; i < r->n_benches; i++) {
    const struct ops_report_bench *b = &r->benches[i];
    const struct ops_bench_stats *s = b->result ? &b->result->stats : NULL;
    struct cell c[10];
    const char *row[] = {
        opscope_unit_name(b->unit),
        s ? "ok" : "failed",
        s ? count(&c[0], s->n) : "",
        num(&c[1], s ? s->mean : NAN),
        num(&c[2], s ? s->median : NAN),
        num(&c[3], s ? s->min : NAN),
        num(&c[4], s ? s->max : NAN),
        num(&c[5], s ? s->stddev : NAN),
        num(&c[6], s ? s->p90 : NAN),
        num(&c[7], s ? s->p99 : NAN),
        num(&c[8], s ? b->result->first_run_ms : NAN),
        num(&c[9], s && s->median > 0 ? scalar_median / s->median : NAN),
    };
    enum ops_status st = ops_table_add_row(t, row);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

static enum ops_status profile_table(struct ops_table *t, const struct ops_report *r,
                                     const struct ops_report_bench *b) {
  static const struct ops_table_col cols[] = {
      {"step", true},    {"node", false},   {"op", false},     {"unit", false},
      {"kernel", false}, {"mean ms", true}, {"share %", true},
  };
  const struct ops_profile *p = &b->result->profile;
  ops_table_init(t, "Time per op", COLS(cols));
  for (size_t i = 0; i < p->n_ops; i++) {
    const struct ops_op_time *o = &p->ops[i];
    const struct ops_node *node = &r->graph->nodes[o->node];
    struct cell c[3];
    const char *row[] = {count(&c[0], i),
                         node->name,
                         node->op_type,
                         opscope_unit_name(o->unit),
                         o->kernel,
                         num(&c[1], o->mean_ms),
                         num(&c[2], p->total_ms > 0 ? 100.0 * o->mean_ms / p->total_ms : NAN)};
    enum ops_status st = ops_table_add_row(t, row);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

static enum ops_status compare_table(struct ops_table *t, const struct ops_report *r) {
  static const struct ops_table_col cols[] = {
      {"unit", false},       {"output", false},     {"elements", true}, {"mismatches", true},
      {"max abs err", true}, {"max rel err", true}, {"result", false},
  };
  const struct ops_report_compare *c = r->compare;
  ops_table_init(t, "Every unit against scalar", COLS(cols));
  for (size_t u = 0; u < c->n_units; u++) {
    if (c->errors[u] != NULL) {
      const char *row[] = {opscope_unit_name(c->units[u]), "", "", "", "", "", c->errors[u]};
      enum ops_status st = ops_table_add_row(t, row);
      if (st != OPS_OK) return st;
      continue;
    }
    for (size_t i = 0; i < c->n_checks; i++) {
      const struct ops_report_compare_check *k = &c->checks[i];
      if (k->unit != c->units[u]) continue;
      struct cell x[4];
      const char *row[] = {opscope_unit_name(k->unit),     k->name,
                           count(&x[0], k->cmp.count),     count(&x[1], k->cmp.mismatches),
                           num(&x[2], k->cmp.max_abs_err), num(&x[3], k->cmp.max_rel_err),
                           k->pass ? "PASS" : "FAIL"};
      enum ops_status st = ops_table_add_row(t, row);
      if (st != OPS_OK) return st;
    }
  }
  return OPS_OK;
}

static enum ops_status sampling_table(struct ops_table *t, const struct ops_report *r) {
  static const struct ops_table_col cols[] = {
      {"function", false},
      {"module", false},
      {"samples", true},
      {"share %", true},
  };
  const struct ops_sample_report *s = r->sampling;
  ops_table_init(t, "Hot functions (sampled)", COLS(cols));
  if (s->state != OPS_COUNTER_OK) return OPS_OK;
  size_t n = r->top > 0 && s->n_funcs > r->top ? r->top : s->n_funcs;
  for (size_t i = 0; i < n; i++) {
    const struct ops_sample_func *fn = &s->funcs[i];
    struct cell c[2];
    const char *row[] = {fn->function, fn->module, count(&c[0], fn->count),
                         num(&c[1], 100.0 * fn->share)};
    enum ops_status st = ops_table_add_row(t, row);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

static enum ops_status gates_table(struct ops_table *t, const struct ops_report *r) {
  static const struct ops_table_col cols[] = {
      {"gate", false}, {"option", false}, {"threshold", true},
      {"value", true}, {"result", false}, {"note", false},
  };
  ops_table_init(t, "Gates", COLS(cols));
  for (size_t i = 0; i < r->gates->n; i++) {
    const struct ops_gate *g = &r->gates->gates[i];
    struct cell c[2];
    const char *row[] = {g->name,
                         g->flag,
                         num(&c[0], g->threshold),
                         num(&c[1], g->value),
                         g->passed ? "passed" : "FAILED",
                         g->note};
    enum ops_status st = ops_table_add_row(t, row);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

/* Renders one table (built by the caller into `t`) and frees its rows. */
static enum ops_status emit(FILE *f, struct ops_table *t, enum ops_status built,
                            enum ops_table_format fmt, bool *first) {
  if (built == OPS_OK) {
    if (!*first) fputc('\n', f);
    *first = false;
    ops_table_write(f, t, fmt);
  }
  ops_table_done(t);
  return built;
}

enum ops_status ops_report_tables_write(FILE *f, const struct ops_report *r,
                                        enum ops_table_format fmt, struct ops_diag *d) {
  struct ops_table t;
  bool first = true;
  enum ops_status st = OPS_OK;
  if (r->plan != NULL && st == OPS_OK) {
    st = emit(f, &t, coverage_table(&t, r), fmt, &first);
    if (st == OPS_OK) st = emit(f, &t, placement_table(&t, r), fmt, &first);
    if (st == OPS_OK && r->costs) st = emit(f, &t, costs_table(&t, r), fmt, &first);
  }
  if (r->validation != NULL && st == OPS_OK) {
    st = emit(f, &t, validation_table(&t, r), fmt, &first);
  }
  if (r->verify != NULL && st == OPS_OK) st = emit(f, &t, verify_table(&t, r), fmt, &first);
  if (r->n_benches > 0 && st == OPS_OK) st = emit(f, &t, bench_table(&t, r), fmt, &first);
  for (size_t i = 0; i < r->n_benches && st == OPS_OK; i++) {
    const struct ops_report_bench *b = &r->benches[i];
    if (b->result == NULL || b->result->profile.n_ops == 0) continue;
    st = emit(f, &t, profile_table(&t, r, b), fmt, &first);
  }
  if (r->compare != NULL && st == OPS_OK) st = emit(f, &t, compare_table(&t, r), fmt, &first);
  if (r->sampling != NULL && st == OPS_OK) st = emit(f, &t, sampling_table(&t, r), fmt, &first);
  if (r->gates != NULL && st == OPS_OK) st = emit(f, &t, gates_table(&t, r), fmt, &first);
  if (st != OPS_OK) return ops_fail(d, st, "out of memory writing the tables");
  return OPS_OK;
}
