/*
 * The drill-down of one op (Enter on the table): its attributes, its inputs' and outputs'
 * shapes, where it runs and why, the cost model's breakdown on every unit, the counters of the
 * counter runs, and a graph of its measured time over the last publish intervals. The text part
 * scrolls with the arrows; Esc or Left goes back.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "src/dtype.h"
#include "tui/screen.h"
#include "tui/view.h"

#define DETAIL_LINES 96
#define DETAIL_WIDTH 240
#define GRAPH_LINES 6

struct lines {
  char text[DETAIL_LINES][DETAIL_WIDTH];
  bool title[DETAIL_LINES];
  int n;
};

__attribute__((format(printf, 3, 4))) static void add(struct lines *l, bool title, const char *fmt,
                                                      ...) {
  if (l->n >= DETAIL_LINES) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->text[l->n], DETAIL_WIDTH, fmt, ap);
  va_end(ap);
  l->title[l->n++] = title;
}

/* One attribute's value, shortened for a line: lists show their first entries. */
static void attr_text(const struct ops_attr *a, char *buf, size_t len) {
  size_t used = 0;
  switch (a->type) {
    case OPS_ATTR_INT:
      snprintf(buf, len, "%lld", (long long)a->i);
      return;
    case OPS_ATTR_FLOAT:
      snprintf(buf, len, "%g", (double)a->f);
      return;
    case OPS_ATTR_STRING:
      snprintf(buf, len, "\"%.*s\"", a->s_len > 60 ? 60 : (int)a->s_len, a->s ? a->s : "");
      return;
    case OPS_ATTR_INTS:
    case OPS_ATTR_FLOATS:
      buf[0] = '\0';
      for (size_t i = 0; i < a->count && used + 24 < len; i++) {
        int w =
            a->type == OPS_ATTR_INTS
                ? snprintf(buf + used, len - used, "%s%lld", i ? ", " : "[", (long long)a->ints[i])
                : snprintf(buf + used, len - used, "%s%g", i ? ", " : "[", (double)a->floats[i]);
        if (w < 0) break;
        used += (size_t)w;
        if (i == 15 && a->count > 16) {
          snprintf(buf + used, len - used, ", ... %zu in all", a->count);
          used = strlen(buf);
          break;
        }
      }
      snprintf(buf + used, len - used, a->count ? "]" : "[]");
      return;
    default:
      snprintf(buf, len, "(%s)", ops_attr_type_name(a->type));
      return;
  }
}

static void tensor_line(struct lines *l, const struct ops_graph *g, const char *what, int i,
                        int t) {
  if (t < 0) {
    add(l, false, "  %s %d: (omitted)", what, i);
    return;
  }
  const struct ops_tensor *x = &g->tensors[t];
  char shape[128];
  add(l, false, "  %s %d: %-28s %-5s %s%s", what, i, x->name, ops_dtype_name(x->dtype),
      ops_shape_format(&x->shape, shape, sizeof shape),
      x->role == OPS_TENSOR_INITIALIZER ? "  (weight)" : "");
}

static void build(const struct ops_tui *ui, const struct ops_tui_row *row, struct lines *l) {
  const struct ops_graph *g = ui->graph;
  const struct ops_node *n = &g->nodes[row->node];
  char a[32], b[32], c[32];
  add(l, true, "%s  (%s%s%s)", n->name, n->domain[0] ? n->domain : "", n->domain[0] ? "." : "",
      n->op_type);
  add(l, false, " ");
  add(l, true, "Placement");
  if (row->kind == OPS_PLAN_CONSTANT) {
    add(l, false, "  folded at compile time: every output is known, so no unit runs it");
  } else {
    add(l, false, "  unit %s (requested %s)%s",
        row->assigned >= 0 ? opscope_unit_name(row->assigned) : "none",
        opscope_unit_name(ui->snap.requested),
        row->override_unit >= 0 ? ", forced by an override" : "");
    add(l, false, "  kernel %s", row->kernel[0] ? row->kernel : "(none)");
    if (row->ukernel[0]) add(l, false, "  microkernel %s", row->ukernel);
    if (row->code[0]) {
      add(l, false, "  reason %s: %s", row->code, row->reason);
      if (row->hint[0]) add(l, false, "  hint %s", row->hint);
    }
  }
  add(l, false, " ");
  add(l, true, "Attributes");
  if (n->n_attrs == 0) add(l, false, "  (none)");
  for (int i = 0; i < n->n_attrs; i++) {
    char v[160];
    attr_text(&n->attrs[i], v, sizeof v);
    add(l, false, "  %-20s %s", n->attrs[i].name, v);
  }
  add(l, false, " ");
  add(l, true, "Shapes");
  for (int i = 0; i < n->n_inputs; i++)
    tensor_line(l, g, "input ", i, n->inputs[i]);
  for (int i = 0; i < n->n_outputs; i++)
    tensor_line(l, g, "output", i, n->outputs[i]);
  add(l, false, " ");
  add(l, true, "Cost (per run)");
  if (!row->cost.known) {
    add(l, false, "  unknown: a shape is not known before the run");
  } else {
    double bytes = row->cost.bytes_read + row->cost.bytes_written;
    add(l, false, "  class %s   %.3g FLOP   %.3g B read   %.3g B written   %.2f FLOP/B",
        ops_op_class_name(row->cost.cls), row->cost.flops, row->cost.bytes_read,
        row->cost.bytes_written, bytes > 0 ? row->cost.flops / bytes : 0.0);
  }
  add(l, false, "  %-8s %-10s %10s", "unit", "kernel?", "est ms");
  for (int u = OPSCOPE_UNIT_SCALAR; u < OPSCOPE_UNIT_ALL; u++) {
    add(l, false, "  %-8s %-10s %10s%s", opscope_unit_name(u), row->supported[u] ? "yes" : "no",
        ops_tui_fmt_ms(row->est_ms[u], a, sizeof a), u == row->assigned ? "  <- runs here" : "");
  }
  add(l, false, " ");
  add(l, true, "Measured");
  if (!row->executed) {
    add(l, false, "  not run by the compiled model");
  } else {
    add(l, false, "  mean %s ms   last %s ms   over %llu runs   estimate/mean %s",
        ops_tui_fmt_ms(row->mean_ms, a, sizeof a), ops_tui_fmt_ms(row->last_ms, b, sizeof b),
        (unsigned long long)row->runs,
        row->assigned >= 0 && row->mean_ms > 0
            ? (snprintf(c, sizeof c, "%.2f", row->est_ms[row->assigned] / row->mean_ms), c)
            : "n/a");
    if (isfinite(row->mean_ms) && row->mean_ms > 0 && row->cost.flops > 0) {
      add(l, false, "  %.2f GFLOP/s   %.2f GB/s", row->cost.flops / (row->mean_ms * 1e6),
          (row->cost.bytes_read + row->cost.bytes_written) / (row->mean_ms * 1e6));
    }
  }
  add(l, false, " ");
  add(l, true, "Counters (per run of this op, on the benchmark thread, %llu counter runs)",
      (unsigned long long)ui->snap.counter_runs);
  if (ui->snap.n_counters == 0) add(l, false, "  n/a (perf_event_open could not be used)");
  for (size_t k = 0; k < ui->snap.n_counters; k++) {
    const struct ops_pmu_counter *info = &ui->snap.counter_info[k];
    bool ok = info->state == OPS_COUNTER_OK || info->state == OPS_COUNTER_SCALED;
    if (!ok) {
      add(l, false, "  %-18s n/a (%s%s%s)", info->name, ops_counter_state_name(info->state),
          info->reason[0] ? ": " : "", info->reason);
    } else if (!isfinite(row->counters[k])) {
      add(l, false, "  %-18s n/a (no counter run yet)", info->name);
    } else {
      add(l, false, "  %-18s %.0f %s", info->name, row->counters[k], info->unit);
    }
  }
}

/* Measured time over the last publish intervals, newest at the right. */
static void draw_graph(const struct ops_tui_row *row, int y, int height) {
  attr_t title = ops_tui_attr(OPS_TUI_COLOR_TITLE);
  ops_tui_putf(y, 0, COLS, title, "Time per interval (0.2 s), last %zu", row->hist_len);
  if (row->hist_len == 0) {
    ops_tui_put(y + 1, 2, COLS - 2, false, ops_tui_attr(OPS_TUI_COLOR_DIM),
                row->executed ? "no measurement yet" : "not run");
    return;
  }
  float v[OPS_TUI_OP_HISTORY];
  float max = 0;
  for (size_t i = 0; i < row->hist_len; i++) {
    v[i] = ops_tui_ring_get(row->hist, OPS_TUI_OP_HISTORY, row->hist_head, i);
    if (v[i] > max) max = v[i];
  }
  char label[32];
  ops_tui_putf(y + 1, 0, 10, A_NORMAL, "%8s", ops_tui_fmt_ms(max, label, sizeof label));
  ops_tui_put(y + height, 0, 10, false, A_NORMAL, "       0");
  int width = COLS - 11;
  size_t shown = row->hist_len < (size_t)width ? row->hist_len : (size_t)width;
  attr_t bar = ops_tui_attr(OPS_TUI_COLOR_GOOD);
  for (size_t i = 0; i < shown; i++) {
    float x = v[row->hist_len - shown + i];
    int h = max > 0 ? (int)(x / max * (float)height + 0.5f) : 0;
    for (int k = 0; k < h; k++) {
      ops_tui_put(y + height - k, 11 + (int)i, 1, false, bar,
                  ops_tui_screen_utf8() ? "\u2588" : "#");
    }
  }
}

static void detail_draw(struct ops_tui *ui) {
  int y = ops_tui_draw_header(ui);
  const struct ops_tui_row *row = NULL;
  for (size_t i = 0; i < ui->snap.n_rows; i++) {
    if (ui->snap.rows[i].node == ui->detail_node) row = &ui->snap.rows[i];
  }
  if (row == NULL) {
    ui->view = &ops_tui_view_table;
    return;
  }
  struct lines l; /* about 23 KiB: fine on the UI thread's stack */
  l.n = 0;
  build(ui, row, &l);
  int graph_h = LINES - y - 2 >= 18 ? GRAPH_LINES : 0;
  int text_h = LINES - y - 2 - (graph_h ? graph_h + 2 : 0);
  if (text_h < 1) text_h = 1;
  if (ui->detail_scroll > l.n - text_h) ui->detail_scroll = l.n - text_h;
  if (ui->detail_scroll < 0) ui->detail_scroll = 0;
  for (int i = 0; i < text_h && ui->detail_scroll + i < l.n; i++) {
    int k = ui->detail_scroll + i;
    ops_tui_put(y + i, 0, COLS, false,
                l.title[k] ? ops_tui_attr(OPS_TUI_COLOR_TITLE) : ops_tui_attr(OPS_TUI_COLOR_NORMAL),
                l.text[k]);
  }
  if (graph_h) draw_graph(row, y + text_h, graph_h);
  ops_tui_draw_footer(ui, "Esc back  Up/Dn scroll  o/O override  u unit  Spc pause  q quit");
}

static unsigned detail_on_key(struct ops_tui *ui, int key) {
  switch (key) {
    case 27: /* Esc */
    case KEY_LEFT:
    case KEY_BACKSPACE:
      ui->view = &ops_tui_view_table;
      return OPS_TUI_REDRAW;
    case KEY_UP:
      ui->detail_scroll--;
      return OPS_TUI_REDRAW;
    case KEY_DOWN:
      ui->detail_scroll++;
      return OPS_TUI_REDRAW;
    case KEY_PPAGE:
      ui->detail_scroll -= 10;
      return OPS_TUI_REDRAW;
    case KEY_NPAGE:
      ui->detail_scroll += 10;
      return OPS_TUI_REDRAW;
    case KEY_HOME:
      ui->detail_scroll = 0;
      return OPS_TUI_REDRAW;
    case 'o':
    case 'O':
      /* The table's override works on its selection, which is this op. */
      return ops_tui_view_table.on_key(ui, key);
    default:
      return OPS_TUI_NONE;
  }
}

const struct ops_tui_view_class ops_tui_view_detail = {"detail", detail_draw, detail_on_key};
