/*
 * What every screen of the live view shares: the header with the model, the machine and the
 * latency sparkline, the footer with the latest message and the keys, the row filter and sort
 * behind the op table, and number formatting.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/screen.h"
#include "tui/view.h"

static const char *const sort_names[OPS_TUI_SORT_COUNT] = {
    [OPS_TUI_SORT_TIME] = "time", [OPS_TUI_SORT_NAME] = "name",    [OPS_TUI_SORT_OP] = "op",
    [OPS_TUI_SORT_UNIT] = "unit", [OPS_TUI_SORT_EST] = "estimate", [OPS_TUI_SORT_ORDER] = "order",
};

const char *ops_tui_sort_name(enum ops_tui_sort s) {
  return (unsigned)s < OPS_TUI_SORT_COUNT ? sort_names[s] : "?";
}

const char *ops_tui_fmt_ms(double ms, char *buf, size_t len) {
  if (!isfinite(ms)) {
    snprintf(buf, len, "n/a");
  } else if (ms >= 1000.0) {
    snprintf(buf, len, "%.0f", ms);
  } else if (ms >= 10.0) {
    snprintf(buf, len, "%.2f", ms);
  } else {
    snprintf(buf, len, "%.3f", ms);
  }
  return buf;
}

/* Case-insensitive substring test for the `/` filter. */
static bool contains_nocase(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  if (n == 0) return true;
  for (; *hay != '\0'; hay++) {
    size_t i = 0;
    while (i < n && hay[i] != '\0' &&
           tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i])) {
      i++;
    }
    if (i == n) return true;
  }
  return false;
}

static bool row_matches(const struct ops_tui *ui, const struct ops_tui_row *row) {
  if (ui->fallback_only && !row->fallback && row->assigned >= 0) return false;
  if (ui->fallback_only && row->kind == OPS_PLAN_CONSTANT) return false;
  if (ui->filter[0] == '\0') return true;
  const struct ops_node *node = &ui->graph->nodes[row->node];
  return contains_nocase(node->name, ui->filter) || contains_nocase(node->op_type, ui->filter) ||
         contains_nocase(row->kernel, ui->filter) ||
         (row->assigned >= 0 && contains_nocase(opscope_unit_name(row->assigned), ui->filter));
}

/* Unmeasured values sort below every measured one. */
static double or_low(double v) {
  return isfinite(v) ? v : -1.0;
}

/* <0, 0 or >0 as row a comes before, with or after row b in the current sort. */
static int compare_rows(const struct ops_tui *ui, size_t a, size_t b) {
  const struct ops_tui_row *x = &ui->snap.rows[a], *y = &ui->snap.rows[b];
  const struct ops_node *nx = &ui->graph->nodes[x->node], *ny = &ui->graph->nodes[y->node];
  int c = 0;
  switch (ui->sort) {
    case OPS_TUI_SORT_TIME: {
      double vx = or_low(x->mean_ms), vy = or_low(y->mean_ms);
      c = vx > vy ? -1 : vx < vy ? 1 : 0;
      break;
    }
    case OPS_TUI_SORT_NAME:
      c = strcmp(nx->name, ny->name);
      break;
    case OPS_TUI_SORT_OP:
      c = strcmp(nx->op_type, ny->op_type);
      break;
    case OPS_TUI_SORT_UNIT:
      c = x->assigned - y->assigned;
      break;
    case OPS_TUI_SORT_EST: {
      double vx = x->assigned >= 0 ? x->est_ms[x->assigned] : -1.0;
      double vy = y->assigned >= 0 ? y->est_ms[y->assigned] : -1.0;
      c = vx > vy ? -1 : vx < vy ? 1 : 0;
      break;
    }
    case OPS_TUI_SORT_ORDER:
    case OPS_TUI_SORT_COUNT:
      break;
  }
  if (ui->reverse) c = -c;
  /* Ties keep run order, so equal rows never swap places between frames. */
  return c != 0 ? c : (a < b ? -1 : a > b ? 1 : 0);
}

/* A merge sort, since qsort cannot pass the view to its comparison. */
static void sort_rows(const struct ops_tui *ui, size_t *v, size_t *tmp, size_t n) {
  if (n < 2) return;
  size_t h = n / 2;
  sort_rows(ui, v, tmp, h);
  sort_rows(ui, v + h, tmp, n - h);
  size_t i = 0, j = h, k = 0;
  while (i < h && j < n)
    tmp[k++] = compare_rows(ui, v[j], v[i]) < 0 ? v[j++] : v[i++];
  while (i < h)
    tmp[k++] = v[i++];
  while (j < n)
    tmp[k++] = v[j++];
  memcpy(v, tmp, n * sizeof *v);
}

void ops_tui_rescan(struct ops_tui *ui) {
  const struct ops_tui_row *sel = ops_tui_selected_row(ui);
  int sel_node = sel != NULL ? sel->node : -1;
  size_t n = 0;
  for (size_t i = 0; i < ui->snap.n_rows; i++) {
    if (row_matches(ui, &ui->snap.rows[i])) ui->visible[n++] = i;
  }
  /* The second half of the buffer is the merge sort's scratch. */
  sort_rows(ui, ui->visible, ui->visible + ui->snap.n_rows, n);
  ui->n_visible = n;
  /* The selection follows its op through a re-sort, except at the top: there it stays on the
   * first row, so a table sorted by time keeps showing the slowest op. */
  if (sel_node >= 0 && ui->selected > 0) {
    for (size_t i = 0; i < n; i++) {
      if (ui->snap.rows[ui->visible[i]].node == sel_node) ui->selected = i;
    }
  }
  if (ui->selected >= n) ui->selected = n > 0 ? n - 1 : 0;
}

const struct ops_tui_row *ops_tui_selected_row(const struct ops_tui *ui) {
  if (ui->n_visible == 0 || ui->selected >= ui->n_visible) return NULL;
  return &ui->snap.rows[ui->visible[ui->selected]];
}

/* "9/9 ok", "2/9 ok (cycles: permission denied ...)" or "n/a (why)". */
static void counters_text(const struct ops_tui_snapshot *s, char *buf, size_t len) {
  if (s->n_counters == 0) {
    snprintf(buf, len, "n/a (perf_event_open unavailable)");
    return;
  }
  const struct ops_pmu_counter *first_bad = NULL;
  for (size_t c = 0; c < s->n_counters && first_bad == NULL; c++) {
    if (s->counter_info[c].state != OPS_COUNTER_OK) first_bad = &s->counter_info[c];
  }
  if (s->counters_ok == 0) {
    snprintf(buf, len, "n/a (%s)", first_bad && first_bad->reason[0] ? first_bad->reason : "none");
  } else if (first_bad != NULL) {
    snprintf(buf, len, "%zu/%zu ok (%s: %s)", s->counters_ok, s->n_counters, first_bad->name,
             ops_counter_state_name(first_bad->state));
  } else {
    snprintf(buf, len, "%zu/%zu ok", s->counters_ok, s->n_counters);
  }
}

int ops_tui_draw_header(struct ops_tui *ui) {
  const struct ops_tui_snapshot *s = &ui->snap;
  attr_t title = ops_tui_attr(OPS_TUI_COLOR_TITLE);
  attr_t normal = ops_tui_attr(OPS_TUI_COLOR_NORMAL);
  int x = 0;
  x += ops_tui_put(0, x, COLS - x, false, title, "model ");
  x += ops_tui_putf(0, x, COLS - x, normal, "%s  ", ui->graph->path ? ui->graph->path : "");
  x += ops_tui_put(0, x, COLS - x, false, title, "cpu ");
  x += ops_tui_putf(0, x, COLS - x, normal, "%s  ", ui->cpu);
  x += ops_tui_put(0, x, COLS - x, false, title, "isa ");
  ops_tui_putf(0, x, COLS - x, normal, "%s", ui->isa);

  char counters[256];
  counters_text(s, counters, sizeof counters);
  x = 0;
  x += ops_tui_put(1, x, COLS - x, false, title, "unit ");
  x += ops_tui_putf(1, x, COLS - x, normal, "%s  ", opscope_unit_name(s->requested));
  x += ops_tui_put(1, x, COLS - x, false, title, "threads ");
  x += ops_tui_putf(1, x, COLS - x, normal, "%d  ", s->threads);
  x += ops_tui_put(1, x, COLS - x, false, title, "runs ");
  x += ops_tui_putf(1, x, COLS - x, normal, "%llu  ", (unsigned long long)s->runs);
  if (s->paused) {
    x += ops_tui_put(1, x, COLS - x, false, ops_tui_attr(OPS_TUI_COLOR_WARN), "PAUSED  ");
  }
  x += ops_tui_put(1, x, COLS - x, false, title, "counters ");
  ops_tui_put(1, x, COLS - x, false, s->counters_ok ? normal : ops_tui_attr(OPS_TUI_COLOR_DIM),
              counters);

  char last[32], mean[32], est[32];
  x = 0;
  x += ops_tui_put(2, x, COLS - x, false, title, "latency ");
  x += ops_tui_putf(2, x, COLS - x, normal, "%s ms  mean %s  est %s  ",
                    ops_tui_fmt_ms(s->last_ms, last, sizeof last),
                    ops_tui_fmt_ms(s->mean_ms, mean, sizeof mean),
                    ops_tui_fmt_ms(s->est_ms, est, sizeof est));
  if (s->lat_len > 0 && COLS - x > 4) {
    float values[OPS_TUI_LAT_HISTORY];
    for (size_t i = 0; i < s->lat_len; i++) {
      values[i] = ops_tui_ring_get(s->lat, OPS_TUI_LAT_HISTORY, s->lat_head, i);
    }
    ops_tui_sparkline(2, x, COLS - x, values, s->lat_len, ops_tui_attr(OPS_TUI_COLOR_GOOD));
  } else if (COLS - x > 4) {
    ops_tui_put(2, x, COLS - x, false, ops_tui_attr(OPS_TUI_COLOR_DIM),
                s->error[0] ? "not running" : "waiting for the first runs");
  }
  return 3;
}

void ops_tui_draw_footer(struct ops_tui *ui, const char *keys) {
  const struct ops_tui_snapshot *s = &ui->snap;
  const char *msg = ui->note[0] ? ui->note : s->message;
  attr_t attr = ops_tui_attr(OPS_TUI_COLOR_NORMAL);
  if (strncmp(msg, "refused", 7) == 0 || strstr(msg, "failed") != NULL) {
    attr = ops_tui_attr(OPS_TUI_COLOR_WARN);
  }
  if (s->stopped || (s->error[0] && ui->note[0] == '\0')) {
    msg = s->error;
    attr = ops_tui_attr(OPS_TUI_COLOR_BAD);
  }
  ops_tui_put(LINES - 2, 0, COLS, true, attr, msg);
  if (ui->editing_filter) {
    ops_tui_putf(LINES - 1, 0, COLS, ops_tui_attr(OPS_TUI_COLOR_KEY), "filter: %s_", ui->filter);
    ops_tui_put(LINES - 1, 8 + (int)strlen(ui->filter) + 2, COLS, false,
                ops_tui_attr(OPS_TUI_COLOR_DIM), "  Enter keep  Esc clear");
    return;
  }
  /* Keys as "k label" pairs separated by two spaces, the key highlighted. A pair that does not
   * fit whole is left out, so list the important ones first; `?` lists them all. */
  int x = 0;
  const char *p = keys;
  while (*p != '\0') {
    const char *sp = strchr(p, ' ');
    if (sp == NULL) break;
    const char *end = strstr(sp + 1, "  ");
    int key_len = (int)(sp - p);
    int label_len = end ? (int)(end - sp) : (int)strlen(sp);
    if (x + key_len + label_len > COLS) break;
    char buf[64];
    snprintf(buf, sizeof buf, "%.*s", key_len, p);
    x += ops_tui_put(LINES - 1, x, COLS - x, false, ops_tui_attr(OPS_TUI_COLOR_KEY), buf);
    snprintf(buf, sizeof buf, "%.*s", label_len, sp);
    x += ops_tui_put(LINES - 1, x, COLS - x, false, ops_tui_attr(OPS_TUI_COLOR_NORMAL), buf);
    if (end == NULL) break;
    x += 2;
    p = end + 2;
  }
}
