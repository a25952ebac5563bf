/*
 * Gate evaluation and output. A gate that cannot be measured (no plan, a unit that could not
 * run) fails with a note rather than passing quietly: a CI job must not go green because the
 * thing it guards was never checked.
 */
#include "reports/gates.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "src/size.h"

void ops_gate_config_init(struct ops_gate_config *c) {
  c->min_coverage_pct = NAN;
  c->min_coverage_time_pct = NAN;
  c->max_fallbacks = -1;
  c->strict = false;
  c->max_latency_ms = NAN;
  c->max_latency_unit = -1;
}

bool ops_gate_config_any(const struct ops_gate_config *c) {
  return !isnan(c->min_coverage_pct) || !isnan(c->min_coverage_time_pct) || c->max_fallbacks >= 0 ||
         c->strict || !isnan(c->max_latency_ms);
}

void ops_gate_list_init(struct ops_gate_list *l) {
  memset(l, 0, sizeof *l);
}

void ops_gate_list_done(struct ops_gate_list *l) {
  free(l->gates);
  memset(l, 0, sizeof *l);
}

enum ops_status ops_gate_list_add(struct ops_gate_list *l, const struct ops_gate *g) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 8;
    struct ops_gate *grown = ops_realloc_array(l->gates, cap, sizeof *grown);
    if (grown == NULL) return OPS_ERR_NO_MEMORY;
    l->gates = grown;
    l->cap = cap;
  }
  l->gates[l->n++] = *g;
  return OPS_OK;
}

size_t ops_gate_list_failed(const struct ops_gate_list *l) {
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++)
    n += !l->gates[i].passed;
  return n;
}

static struct ops_gate new_gate(enum ops_gate_kind kind, const char *flag, const char *suffix,
                                double threshold, double value) {
  struct ops_gate g;
  memset(&g, 0, sizeof g);
  g.kind = kind;
  g.flag = flag;
  g.suffix = suffix;
  g.threshold = threshold;
  g.value = value;
  g.baseline = g.current = g.spread = NAN;
  /* NaN compares false both ways, so an unmeasured value fails either kind. */
  g.passed = kind == OPS_GATE_KIND_MIN ? value >= threshold : value <= threshold;
  return g;
}

static enum ops_status add(struct ops_gate_list *out, const struct ops_gate *g,
                           struct ops_diag *d) {
  if (ops_gate_list_add(out, g) != OPS_OK) {
    return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory evaluating the gates");
  }
  return OPS_OK;
}

static enum ops_status plan_gates(const struct ops_report *r, const struct ops_gate_config *c,
                                  struct ops_gate_list *out, struct ops_diag *d) {
  struct ops_plan_summary s;
  memset(&s, 0, sizeof s);
  const char *unit = "requested unit";
  if (r->plan != NULL) {
    ops_plan_summarize(r->plan, &s);
    unit = opscope_unit_name(r->plan->requested);
  }
  const char *no_plan = "the model was not planned";
  enum ops_status st = OPS_OK;
  if (!isnan(c->min_coverage_pct)) {
    struct ops_gate g = new_gate(OPS_GATE_KIND_MIN, "--min-coverage", "%", c->min_coverage_pct,
                                 r->plan ? s.coverage_pct : NAN);
    snprintf(g.name, sizeof g.name, "%s coverage", unit);
    if (r->plan == NULL) snprintf(g.note, sizeof g.note, "%s", no_plan);
    if ((st = add(out, &g, d)) != OPS_OK) return st;
  }
  if (!isnan(c->min_coverage_time_pct)) {
    struct ops_gate g = new_gate(OPS_GATE_KIND_MIN, "--min-coverage-time", "%",
                                 c->min_coverage_time_pct, r->plan ? s.coverage_time_pct : NAN);
    snprintf(g.name, sizeof g.name, "%s coverage by estimated time", unit);
    if (r->plan == NULL) snprintf(g.note, sizeof g.note, "%s", no_plan);
    if ((st = add(out, &g, d)) != OPS_OK) return st;
  }
  if (c->max_fallbacks >= 0 || c->strict) {
    double n = r->plan ? (double)s.fallbacks : NAN;
    if (c->max_fallbacks >= 0) {
      struct ops_gate g =
          new_gate(OPS_GATE_KIND_MAX, "--max-fallbacks", "", (double)c->max_fallbacks, n);
      snprintf(g.name, sizeof g.name, "%s fallbacks", unit);
      if (r->plan == NULL) snprintf(g.note, sizeof g.note, "%s", no_plan);
      if ((st = add(out, &g, d)) != OPS_OK) return st;
    }
    if (c->strict) {
      struct ops_gate g = new_gate(OPS_GATE_KIND_MAX, "--strict", "", 0.0, n);
      snprintf(g.name, sizeof g.name, "%s fallbacks", unit);
      if (r->plan == NULL) snprintf(g.note, sizeof g.note, "%s", no_plan);
      if ((st = add(out, &g, d)) != OPS_OK) return st;
    }
  }
  return OPS_OK;
}

static enum ops_status latency_gate(const struct ops_report *r, const struct ops_gate_config *c,
                                    struct ops_gate_list *out, struct ops_diag *d) {
  const struct ops_report_bench *b = NULL;
  for (size_t i = 0; i < r->n_benches; i++) {
    if (r->benches[i].unit == c->max_latency_unit) b = &r->benches[i];
  }
  double median = b != NULL && b->result != NULL ? b->result->stats.median : NAN;
  struct ops_gate g =
      new_gate(OPS_GATE_KIND_MAX, "--max-latency", " ms", c->max_latency_ms, median);
  const char *unit = c->max_latency_unit >= 0 ? opscope_unit_name(c->max_latency_unit) : "?";
  snprintf(g.name, sizeof g.name, "%s median latency", unit);
  if (b == NULL) {
    snprintf(g.note, sizeof g.note, "no benchmark of %s ran (add -b %s or -B)", unit, unit);
  } else if (b->result == NULL) {
    snprintf(g.note, sizeof g.note, "%s could not run the model: %s", unit,
             b->error ? b->error : "unknown reason");
  }
  return add(out, &g, d);
}

enum ops_status ops_gates_evaluate(const struct ops_report *r, const struct ops_gate_config *c,
                                   struct ops_gate_list *out, struct ops_diag *d) {
  enum ops_status st = plan_gates(r, c, out, d);
  if (st != OPS_OK) return st;
  if (!isnan(c->max_latency_ms)) st = latency_gate(r, c, out, d);
  return st;
}

/* "%.4g" keeps thresholds as typed (95, 0.5) and values short (54.55). */
static void fmt_value(char *buf, size_t len, double v, const char *suffix) {
  if (isnan(v)) {
    snprintf(buf, len, "not measured");
  } else {
    snprintf(buf, len, "%.4g%s", v, suffix);
  }
}

size_t ops_gate_list_write_failures(FILE *f, const struct ops_gate_list *l) {
  size_t n = 0;
  for (size_t i = 0; i < l->n; i++) {
    const struct ops_gate *g = &l->gates[i];
    if (g->passed) continue;
    n++;
    char v[64], t[64];
    if (g->kind == OPS_GATE_KIND_REGRESSION) {
      fprintf(f,
              "gate failed: %s regressed %+.1f%% > %.4g%% (%.4g ms -> %.4g ms, beyond the "
              "baseline's spread of %.4g ms) (%s)\n",
              g->name, g->value, g->threshold, g->baseline, g->current, g->spread, g->flag);
      continue;
    }
    fmt_value(v, sizeof v, g->value, g->suffix);
    fmt_value(t, sizeof t, g->threshold, g->suffix);
    if (isnan(g->value)) {
      fprintf(f, "gate failed: %s %s: %s (%s)\n", g->name, v, g->note[0] ? g->note : "", g->flag);
    } else {
      fprintf(f, "gate failed: %s %s %s %s (%s)\n", g->name, v,
              g->kind == OPS_GATE_KIND_MIN ? "<" : ">", t, g->flag);
    }
  }
  return n;
}

static json_object *num_or_null(double v) {
  return isfinite(v) ? json_object_new_double(v) : NULL;
}

struct json_object *ops_gate_list_json(const struct ops_gate_list *l) {
  static const char *const kinds[OPS_GATE_KIND_COUNT] = {"min", "max", "regression"};
  json_object *a = json_object_new_array();
  if (a == NULL) return NULL;
  for (size_t i = 0; i < l->n; i++) {
    const struct ops_gate *g = &l->gates[i];
    json_object *o = json_object_new_object();
    if (o == NULL) break;
    json_object_object_add(o, "name", json_object_new_string(g->name));
    json_object_object_add(o, "option", json_object_new_string(g->flag));
    json_object_object_add(o, "kind", json_object_new_string(kinds[g->kind]));
    json_object_object_add(o, "threshold", num_or_null(g->threshold));
    json_object_object_add(o, "value", num_or_null(g->value));
    json_object_object_add(o, "passed", json_object_new_boolean(g->passed));
    if (g->kind == OPS_GATE_KIND_REGRESSION) {
      json_object_object_add(o, "baseline_ms", num_or_null(g->baseline));
      json_object_object_add(o, "current_ms", num_or_null(g->current));
      json_object_object_add(o, "spread_ms", num_or_null(g->spread));
    }
    json_object_object_add(o, "note", g->note[0] ? json_object_new_string(g->note) : NULL);
    json_object_array_add(a, o);
  }
  return a;
}
