/*
 * Reading reports back (json-c), regression gates and `opscope diff`.
 *
 * Noise: a benchmark's spread is its p90 minus its median. Slow-downs are one-sided, and the
 * upper part of the distribution is where a noisy machine shows; the standard deviation would
 * be inflated by one outlier (a page fault, a migration) and hide real regressions. Per-op
 * profiles keep only means, so an op's spread is its mean times the unit's relative spread
 * ((p90 - median) / median of the same benchmark).
 */
#include "reports/baseline.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "src/size.h"

/* Reports are a few MB at most (sampling lists are capped by --top); this bounds a hostile file. */
#define MAX_REPORT_BYTES ((size_t)256 << 20)

void ops_baseline_done(struct ops_baseline *b) {
  for (size_t u = 0; u < b->n_units; u++) {
    for (size_t i = 0; i < b->units[u].n_ops; i++) {
      free(b->units[u].ops[i].node);
      free(b->units[u].ops[i].op);
    }
    free(b->units[u].ops);
  }
  free(b->units);
  free(b->file);
  free(b->model.path);
  free(b->model.name);
  free(b->model.format);
  memset(b, 0, sizeof *b);
}

static enum ops_status read_all(const char *path, char **out, struct ops_diag *d) {
  *out = NULL;
  FILE *f = fopen(path, "rb");
  if (f == NULL) return ops_fail(d, OPS_ERR_IO, "cannot open: %s", strerror(errno));
  enum ops_status st = OPS_OK;
  size_t len = 0, cap = 1 << 16;
  char *buf = malloc(cap);
  if (buf == NULL) {
    st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    goto fail;
  }
  for (;;) {
    if (len + 1 >= cap) {
      if (cap >= MAX_REPORT_BYTES) {
        st = ops_fail(d, OPS_ERR_BAD_INPUT, "larger than %zu MiB: not a report",
                      MAX_REPORT_BYTES >> 20);
        goto fail;
      }
      char *grown = realloc(buf, cap * 2);
      if (grown == NULL) {
        st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
        goto fail;
      }
      buf = grown;
      cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - 1 - len, f);
    len += got;
    if (got == 0) break;
  }
  if (ferror(f)) {
    st = ops_fail(d, OPS_ERR_IO, "read failed: %s", strerror(errno));
    goto fail;
  }
  buf[len] = '\0';
  if (strlen(buf) != len) {
    st = ops_fail(d, OPS_ERR_BAD_INPUT, "holds a NUL byte: not a JSON report");
    goto fail;
  }
  fclose(f);
  *out = buf;
  return OPS_OK;
fail:
  free(buf);
  fclose(f);
  return st;
}

static json_object *member(json_object *o, const char *key) {
  json_object *v = NULL;
  return json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, key, &v) ? v
                                                                                           : NULL;
}

/* A number field, or NaN when absent or null; a value of another type is an error. */
static enum ops_status get_number(json_object *o, const char *where, const char *key, double *out,
                                  struct ops_diag *d) {
  json_object *v = member(o, key);
  *out = NAN;
  if (v == NULL) return OPS_OK;
  if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int)) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "%s.%s is not a number", where, key);
  }
  *out = json_object_get_double(v);
  return OPS_OK;
}

/* A string field copied (NULL when absent or null); another type is an error. */
static enum ops_status get_string(json_object *o, const char *where, const char *key, char **out,
                                  bool required, struct ops_diag *d) {
  json_object *v = member(o, key);
  *out = NULL;
  if (v == NULL) {
    if (required) return ops_fail(d, OPS_ERR_BAD_INPUT, "%s.%s is missing", where, key);
    return OPS_OK;
  }
  if (!json_object_is_type(v, json_type_string)) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "%s.%s is not a string", where, key);
  }
  *out = ops_strdup(json_object_get_string(v));
  return *out ? OPS_OK : ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
}

static enum ops_status load_ops(json_object *profile, const char *where,
                                struct ops_baseline_unit *u, struct ops_diag *d) {
  json_object *ops = member(profile, "ops");
  if (ops == NULL) return OPS_OK;
  if (!json_object_is_type(ops, json_type_array)) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "%s.profile.ops is not an array", where);
  }
  size_t n = json_object_array_length(ops);
  u->ops = ops_calloc_array(n ? n : 1, sizeof *u->ops);
  if (u->ops == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < n; i++) {
    json_object *e = json_object_array_get_idx(ops, i);
    char at[96];
    snprintf(at, sizeof at, "%s.profile.ops[%zu]", where, i);
    if (!json_object_is_type(e, json_type_object)) {
      return ops_fail(d, OPS_ERR_BAD_INPUT, "%s is not an object", at);
    }
    struct ops_baseline_op *op = &u->ops[u->n_ops++];
    enum ops_status st = get_string(e, at, "node", &op->node, true, d);
    if (st == OPS_OK) st = get_string(e, at, "op", &op->op, true, d);
    if (st == OPS_OK) st = get_number(e, at, "mean_ms", &op->mean_ms, d);
    if (st != OPS_OK) return st;
  }
  return OPS_OK;
}

static enum ops_status load_units(json_object *root, struct ops_baseline *b, struct ops_diag *d) {
  json_object *benches = member(root, "benchmarks");
  if (benches == NULL) return OPS_OK;
  if (!json_object_is_type(benches, json_type_array)) {
    return ops_fail(d, OPS_ERR_BAD_INPUT, "benchmarks is not an array");
  }
  size_t n = json_object_array_length(benches);
  b->units = ops_calloc_array(n ? n : 1, sizeof *b->units);
  if (b->units == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < n; i++) {
    json_object *e = json_object_array_get_idx(benches, i);
    char at[48];
    snprintf(at, sizeof at, "benchmarks[%zu]", i);
    if (!json_object_is_type(e, json_type_object)) {
      return ops_fail(d, OPS_ERR_BAD_INPUT, "%s is not an object", at);
    }
    struct ops_baseline_unit *u = &b->units[b->n_units++];
    char *unit = NULL, *status = NULL;
    enum ops_status st = get_string(e, at, "unit", &unit, true, d);
    if (st == OPS_OK) st = get_string(e, at, "status", &status, true, d);
    if (st == OPS_OK && snprintf(u->unit, sizeof u->unit, "%s", unit) >= (int)sizeof u->unit) {
      st = ops_fail(d, OPS_ERR_BAD_INPUT, "%s.unit '%.20s...' is not a unit", at, unit);
    }
    u->ok = status != NULL && strcmp(status, "ok") == 0;
    free(unit);
    free(status);
    if (st != OPS_OK) return st;
    if (!u->ok) continue;
    double iters = NAN;
    st = get_number(e, at, "median_ms", &u->median_ms, d);
    if (st == OPS_OK) st = get_number(e, at, "p90_ms", &u->p90_ms, d);
    if (st == OPS_OK) st = get_number(e, at, "stddev_ms", &u->stddev_ms, d);
    if (st == OPS_OK) st = get_number(e, at, "iterations", &iters, d);
    if (st != OPS_OK) return st;
    if (!(u->median_ms >= 0) || !(u->p90_ms >= 0)) {
      return ops_fail(d, OPS_ERR_BAD_INPUT,
                      "%s has status ok but no non-negative median_ms and p90_ms", at);
    }
    u->iterations = iters >= 0 && iters < 1e15 ? (size_t)iters : 0;
    json_object *profile = member(e, "profile");
    if (profile != NULL && (st = load_ops(profile, at, u, d)) != OPS_OK) return st;
  }
  return OPS_OK;
}

enum ops_status ops_baseline_load(const char *path, struct ops_baseline *out, struct ops_diag *d) {
  memset(out, 0, sizeof *out);
  ops_diag_init(d, path);
  char *text = NULL;
  json_object *root = NULL;
  enum ops_status st = read_all(path, &text, d);
  if (st != OPS_OK) goto fail;
  json_tokener *tok = json_tokener_new();
  if (tok == NULL) {
    st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    goto fail;
  }
  root = json_tokener_parse_ex(tok, text, (int)strlen(text));
  enum json_tokener_error jerr = json_tokener_get_error(tok);
  json_tokener_free(tok);
  if (root == NULL || jerr != json_tokener_success) {
    /* The tokener waits for more input at the end of a cut file; say so in words. */
    const char *why = jerr == json_tokener_continue  ? "the text ends early (truncated?)"
                      : jerr != json_tokener_success ? json_tokener_error_desc(jerr)
                                                     : "empty";
    st = ops_fail(d, OPS_ERR_BAD_INPUT, "not valid JSON: %s", why);
    goto fail;
  }
  json_object *tool = member(root, "tool");
  json_object *tool_name = member(tool, "name");
  if (tool_name == NULL || !json_object_is_type(tool_name, json_type_string) ||
      strcmp(json_object_get_string(tool_name), "opscope") != 0) {
    st = ops_fail(d, OPS_ERR_BAD_INPUT, "not an opscope report (no tool.name \"opscope\")");
    goto fail;
  }
  json_object *version = member(root, "schema_version");
  if (version == NULL || !json_object_is_type(version, json_type_int)) {
    st = ops_fail(d, OPS_ERR_BAD_INPUT, "schema_version is missing or not an integer");
    goto fail;
  }
  int64_t v = json_object_get_int64(version);
  if (v != OPS_REPORT_SCHEMA_VERSION) {
    st = ops_fail(d, OPS_ERR_BAD_INPUT,
                  "schema_version %lld, but this opscope reads version %d: regenerate the "
                  "report with this version",
                  (long long)v, OPS_REPORT_SCHEMA_VERSION);
    goto fail;
  }
  out->schema_version = (int)v;
  json_object *model = member(root, "model");
  if (model == NULL || !json_object_is_type(model, json_type_object)) {
    st = ops_fail(d, OPS_ERR_BAD_INPUT, "model is missing or not an object");
    goto fail;
  }
  double nodes = NAN, params = NAN;
  st = get_string(model, "model", "path", &out->model.path, true, d);
  if (st == OPS_OK) st = get_string(model, "model", "name", &out->model.name, false, d);
  if (st == OPS_OK) st = get_string(model, "model", "format", &out->model.format, true, d);
  if (st == OPS_OK) st = get_number(model, "model", "node_count", &nodes, d);
  if (st == OPS_OK) st = get_number(model, "model", "param_count", &params, d);
  if (st != OPS_OK) goto fail;
  if (!(nodes >= 0 && nodes < 1e15) || !(params >= 0 && params < 1e18)) {
    st = ops_fail(d, OPS_ERR_BAD_INPUT, "model.node_count or model.param_count is missing");
    goto fail;
  }
  out->model.node_count = (long long)nodes;
  out->model.param_count = (long long)params;
  st = load_units(root, out, d);
  if (st != OPS_OK) goto fail;
  out->file = ops_strdup(path);
  if (out->file == NULL) {
    st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    goto fail;
  }
  json_object_put(root);
  free(text);
  return OPS_OK;
fail:
  json_object_put(root);
  free(text);
  ops_baseline_done(out);
  return st;
}

static char *dup_or_null(const char *s) {
  return s != NULL ? ops_strdup(s) : NULL;
}

enum ops_status ops_baseline_from_report(const struct ops_report *r, struct ops_baseline *out,
                                         struct ops_diag *d) {
  memset(out, 0, sizeof *out);
  const struct ops_graph *g = r->graph;
  out->schema_version = OPS_REPORT_SCHEMA_VERSION;
  out->file = ops_strdup("");
  out->model.path = ops_strdup(g->path ? g->path : "");
  out->model.name = dup_or_null(g->name);
  out->model.format = ops_strdup(g->format ? g->format : "");
  out->model.node_count = (long long)g->n_nodes;
  out->model.param_count = (long long)ops_graph_param_count(g);
  out->units = ops_calloc_array(r->n_benches ? r->n_benches : 1, sizeof *out->units);
  if (out->file == NULL || out->model.path == NULL || out->model.format == NULL ||
      (g->name != NULL && out->model.name == NULL) || out->units == NULL) {
    goto oom;
  }
  for (size_t i = 0; i < r->n_benches; i++) {
    const struct ops_report_bench *b = &r->benches[i];
    struct ops_baseline_unit *u = &out->units[out->n_units++];
    snprintf(u->unit, sizeof u->unit, "%s", opscope_unit_name(b->unit));
    u->ok = b->result != NULL;
    if (!u->ok) continue;
    u->median_ms = b->result->stats.median;
    u->p90_ms = b->result->stats.p90;
    u->stddev_ms = b->result->stats.stddev;
    u->iterations = b->result->stats.n;
    const struct ops_profile *p = &b->result->profile;
    if (p->n_ops == 0) continue;
    u->ops = ops_calloc_array(p->n_ops, sizeof *u->ops);
    if (u->ops == NULL) goto oom;
    for (size_t k = 0; k < p->n_ops; k++) {
      const struct ops_node *node = &g->nodes[p->ops[k].node];
      struct ops_baseline_op *op = &u->ops[u->n_ops++];
      op->node = ops_strdup(node->name);
      op->op = ops_strdup(node->op_type);
      op->mean_ms = p->ops[k].mean_ms;
      if (op->node == NULL || op->op == NULL) goto oom;
    }
  }
  return OPS_OK;
oom:
  ops_baseline_done(out);
  return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
}

static bool same_str(const char *a, const char *b) {
  if (a == NULL || b == NULL) return a == b;
  return strcmp(a, b) == 0;
}

enum ops_status ops_baseline_check_model(const struct ops_baseline *old,
                                         const struct ops_baseline *cur, struct ops_diag *d) {
  const struct ops_baseline_model *a = &old->model, *b = &cur->model;
  if (!same_str(a->format, b->format) || !same_str(a->name, b->name) ||
      a->node_count != b->node_count || a->param_count != b->param_count) {
    return ops_fail(d, OPS_ERR_BAD_INPUT,
                    "%s: the baseline describes another model (%s '%s', %lld nodes, %lld "
                    "parameters) than this run (%s '%s', %lld nodes, %lld parameters)",
                    old->file, a->path, a->name ? a->name : "", a->node_count, a->param_count,
                    b->path, b->name ? b->name : "", b->node_count, b->param_count);
  }
  return OPS_OK;
}

static const struct ops_baseline_unit *find_unit(const struct ops_baseline *b, const char *unit) {
  for (size_t i = 0; i < b->n_units; i++) {
    if (strcmp(b->units[i].unit, unit) == 0) return &b->units[i];
  }
  return NULL;
}

static const struct ops_baseline_op *find_op(const struct ops_baseline_unit *u, const char *node) {
  if (u == NULL) return NULL;
  for (size_t i = 0; i < u->n_ops; i++) {
    if (strcmp(u->ops[i].node, node) == 0) return &u->ops[i];
  }
  return NULL;
}

static struct ops_gate regression_gate(double old_ms, double new_ms, double spread_ms,
                                       double max_pct) {
  struct ops_gate g;
  memset(&g, 0, sizeof g);
  g.kind = OPS_GATE_KIND_REGRESSION;
  g.flag = "--max-regression";
  g.suffix = "%";
  g.threshold = max_pct;
  g.baseline = old_ms;
  g.current = new_ms;
  g.spread = spread_ms;
  g.value = old_ms > 0 ? 100.0 * (new_ms - old_ms) / old_ms : NAN;
  /* Both conditions: past the percentage and past what the baseline's own noise explains. An
   * unmeasurable ratio (a zero baseline) cannot show a regression. */
  g.passed = !(g.value > max_pct && new_ms - old_ms > spread_ms);
  return g;
}

enum ops_status ops_baseline_compare(const struct ops_baseline *old, const struct ops_baseline *cur,
                                     double max_pct, struct ops_gate_list *out,
                                     struct ops_diag *d) {
  for (size_t i = 0; i < cur->n_units; i++) {
    const struct ops_baseline_unit *nu = &cur->units[i];
    const struct ops_baseline_unit *ou = find_unit(old, nu->unit);
    if (ou == NULL || !ou->ok) continue;
    struct ops_gate g;
    if (!nu->ok) {
      /* The unit ran before and no longer does: that is a regression no percentage measures. */
      g = regression_gate(ou->median_ms, NAN, ou->p90_ms - ou->median_ms, max_pct);
      g.passed = false;
      snprintf(g.note, sizeof g.note, "%s ran in the baseline but not in this run", nu->unit);
    } else {
      g = regression_gate(ou->median_ms, nu->median_ms, ou->p90_ms - ou->median_ms, max_pct);
    }
    snprintf(g.name, sizeof g.name, "%s median latency", nu->unit);
    if (ops_gate_list_add(out, &g) != OPS_OK) goto oom;
    double rel_spread = ou->median_ms > 0 ? (ou->p90_ms - ou->median_ms) / ou->median_ms : 0.0;
    for (size_t k = 0; k < nu->n_ops; k++) {
      const struct ops_baseline_op *no = &nu->ops[k];
      const struct ops_baseline_op *oo = find_op(ou, no->node);
      if (oo == NULL || !(oo->mean_ms >= 0) || !(no->mean_ms >= 0)) continue;
      g = regression_gate(oo->mean_ms, no->mean_ms, oo->mean_ms * rel_spread, max_pct);
      snprintf(g.name, sizeof g.name, "op '%s' (%s) on %s", no->node, no->op, nu->unit);
      if (ops_gate_list_add(out, &g) != OPS_OK) goto oom;
    }
  }
  return OPS_OK;
oom:
  return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory comparing with the baseline");
}

/* One row of the op table: an op of a unit in a, b or both. */
struct diff_row {
  const char *unit, *node, *op;
  double a_ms, b_ms; /* NaN where the side lacks the op */
  double abs_delta;  /* |b - a|, or -1 when a side is missing (sorted last) */
};

static int by_abs_delta(const void *x, const void *y) {
  const struct diff_row *a = x, *b = y;
  if (a->abs_delta != b->abs_delta) return a->abs_delta < b->abs_delta ? 1 : -1;
  int c = strcmp(a->unit, b->unit);
  return c ? c : strcmp(a->node, b->node);
}

static void fmt_ms(char *buf, size_t len, double v) {
  if (isnan(v)) {
    snprintf(buf, len, "-");
  } else {
    snprintf(buf, len, "%.4f", v);
  }
}

static void fmt_delta(char *ms, size_t ms_len, char *pct, size_t pct_len, double a, double b) {
  if (isnan(a) || isnan(b)) {
    snprintf(ms, ms_len, "-");
    snprintf(pct, pct_len, "-");
    return;
  }
  snprintf(ms, ms_len, "%+.4f", b - a);
  if (a > 0) {
    snprintf(pct, pct_len, "%+.1f%%", 100.0 * (b - a) / a);
  } else {
    snprintf(pct, pct_len, "-");
  }
}

static enum ops_status collect_rows(const struct ops_baseline *a, const struct ops_baseline *b,
                                    struct diff_row **rows_out, size_t *n_out) {
  size_t cap = 0;
  for (size_t i = 0; i < a->n_units; i++)
    cap += a->units[i].n_ops;
  for (size_t i = 0; i < b->n_units; i++)
    cap += b->units[i].n_ops;
  struct diff_row *rows = ops_calloc_array(cap ? cap : 1, sizeof *rows);
  if (rows == NULL) return OPS_ERR_NO_MEMORY;
  size_t n = 0;
  for (size_t i = 0; i < b->n_units; i++) {
    const struct ops_baseline_unit *bu = &b->units[i];
    const struct ops_baseline_unit *au = find_unit(a, bu->unit);
    for (size_t k = 0; k < bu->n_ops; k++) {
      const struct ops_baseline_op *bo = &bu->ops[k];
      const struct ops_baseline_op *ao = find_op(au, bo->node);
      double av = ao ? ao->mean_ms : NAN;
      rows[n++] = (struct diff_row){bu->unit,    bo->node,
                                    bo->op,      av,
                                    bo->mean_ms, ao && !isnan(av) ? fabs(bo->mean_ms - av) : -1.0};
    }
  }
  /* Ops only in a (renamed, removed, or a unit b did not profile). */
  for (size_t i = 0; i < a->n_units; i++) {
    const struct ops_baseline_unit *au = &a->units[i];
    const struct ops_baseline_unit *bu = find_unit(b, au->unit);
    for (size_t k = 0; k < au->n_ops; k++) {
      if (find_op(bu, au->ops[k].node) != NULL) continue;
      rows[n++] =
          (struct diff_row){au->unit, au->ops[k].node, au->ops[k].op, au->ops[k].mean_ms, NAN, -1};
    }
  }
  qsort(rows, n, sizeof *rows, by_abs_delta);
  *rows_out = rows;
  *n_out = n;
  return OPS_OK;
}

enum ops_status ops_baseline_diff_write(FILE *f, const struct ops_baseline *a,
                                        const struct ops_baseline *b, enum ops_table_format fmt,
                                        struct ops_diag *d) {
  static const struct ops_table_col unit_cols[] = {
      {"unit", false},    {"A median ms", true}, {"B median ms", true},
      {"delta ms", true}, {"delta", true},       {"A p90-median ms", true},
  };
  static const struct ops_table_col op_cols[] = {
      {"unit", false}, {"A mean ms", true}, {"B mean ms", true}, {"delta ms", true},
      {"delta", true}, {"op", false},       {"node", false},
  };
  struct ops_table units, ops;
  ops_table_init(&units, "Median latency per unit", unit_cols,
                 sizeof unit_cols / sizeof unit_cols[0]);
  ops_table_init(&ops, "Mean time per op, largest change first", op_cols,
                 sizeof op_cols / sizeof op_cols[0]);
  struct diff_row *rows = NULL;
  size_t n_rows = 0;
  enum ops_status st = OPS_OK;
  static const char *const order[] = {"scalar", "simd", "threads", "all"};
  for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
    const struct ops_baseline_unit *au = find_unit(a, order[k]);
    const struct ops_baseline_unit *bu = find_unit(b, order[k]);
    if (au == NULL && bu == NULL) continue;
    double am = au && au->ok ? au->median_ms : NAN, bm = bu && bu->ok ? bu->median_ms : NAN;
    char c1[32], c2[32], c3[32], c4[32], c5[32];
    fmt_ms(c1, sizeof c1, am);
    fmt_ms(c2, sizeof c2, bm);
    fmt_delta(c3, sizeof c3, c4, sizeof c4, am, bm);
    fmt_ms(c5, sizeof c5, au && au->ok ? au->p90_ms - au->median_ms : NAN);
    const char *cells[] = {order[k], c1, c2, c3, c4, c5};
    if ((st = ops_table_add_row(&units, cells)) != OPS_OK) goto fail;
  }
  if ((st = collect_rows(a, b, &rows, &n_rows)) != OPS_OK) goto fail;
  for (size_t i = 0; i < n_rows; i++) {
    char c1[32], c2[32], c3[32], c4[32];
    fmt_ms(c1, sizeof c1, rows[i].a_ms);
    fmt_ms(c2, sizeof c2, rows[i].b_ms);
    fmt_delta(c3, sizeof c3, c4, sizeof c4, rows[i].a_ms, rows[i].b_ms);
    const char *cells[] = {rows[i].unit, c1, c2, c3, c4, rows[i].op, rows[i].node};
    if ((st = ops_table_add_row(&ops, cells)) != OPS_OK) goto fail;
  }
  if (fmt == OPS_TABLE_FORMAT_MD) {
    fprintf(f, "A: `%s`  \nB: `%s`\n\n", a->file, b->file);
  } else if (fmt != OPS_TABLE_FORMAT_CSV) {
    fprintf(f, "A: %s\nB: %s\n\n", a->file, b->file);
  }
  ops_table_write(f, &units, fmt);
  if (n_rows > 0) {
    fputc('\n', f);
    ops_table_write(f, &ops, fmt);
  } else if (fmt != OPS_TABLE_FORMAT_CSV) {
    fprintf(f, "\nNo per-op times in either report (run with --profile UNIT for them).\n");
  }
fail:
  free(rows);
  ops_table_done(&units);
  ops_table_done(&ops);
  if (st != OPS_OK) return ops_fail(d, st, "out of memory writing the diff");
  return OPS_OK;
}
