/*
 * The op table, the live view's main screen: one row per node with its unit, kernel, the cost
 * model's estimate, the measured mean and its share of the run, then a panel with the selected
 * op's fallback reason and hint. Columns shrink to fit 80 columns; the kernel column appears
 * from 120.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "reports/report.h"
#include "tui/keys.h"
#include "tui/screen.h"
#include "tui/view.h"

#define PANEL_LINES 3  /* the fallback panel */
#define FOOTER_LINES 2 /* message and keys */

struct columns {
  int name_x, name_w;
  int op_x, unit_x, kernel_x, kernel_w, est_x, mean_x, share_x, bar_x, bar_w;
};

static void layout(struct columns *c) {
  enum { MARK = 2, OP = 12, UNIT = 9, EST = 9, MEAN = 9, SHARE = 7, BAR_MIN = 8 };
  int fixed = MARK + OP + UNIT + EST + MEAN + SHARE + BAR_MIN + 2;
  int rest = COLS - fixed;
  if (rest < 8) rest = 8;
  c->name_w = rest;
  c->kernel_w = 0;
  if (rest >= 59) {
    c->name_w = rest * 2 / 5;
    c->kernel_w = rest - c->name_w - 1;
  }
  c->name_x = MARK;
  c->op_x = c->name_x + c->name_w + 1;
  c->unit_x = c->op_x + OP;
  c->kernel_x = c->unit_x + UNIT;
  c->est_x = c->kernel_x + (c->kernel_w > 0 ? c->kernel_w + 1 : 0);
  c->mean_x = c->est_x + EST;
  c->share_x = c->mean_x + MEAN;
  c->bar_x = c->share_x + SHARE + 1;
  c->bar_w = COLS - c->bar_x;
  if (c->bar_w < 0) c->bar_w = 0;
}

static double total_ms(const struct ops_tui_snapshot *s) {
  double t = 0;
  for (size_t i = 0; i < s->n_rows; i++) {
    if (s->rows[i].executed && isfinite(s->rows[i].mean_ms)) t += s->rows[i].mean_ms;
  }
  return t;
}

static enum ops_tui_color share_color(double share) {
  if (share >= 0.25) return OPS_TUI_COLOR_BAD;
  if (share >= 0.10) return OPS_TUI_COLOR_WARN;
  return OPS_TUI_COLOR_GOOD;
}

/* "simd", "simd*" with an override, "folded", or "none". */
static const char *unit_text(const struct ops_tui_row *row, char *buf, size_t len) {
  if (row->kind == OPS_PLAN_CONSTANT) return "folded";
  if (row->assigned < 0) return "none";
  snprintf(buf, len, "%s%s", opscope_unit_name(row->assigned), row->override_unit >= 0 ? "*" : "");
  return buf;
}

static void draw_row(struct ops_tui *ui, const struct columns *c, int y, size_t vi, double total) {
  const struct ops_tui_row *row = &ui->snap.rows[ui->visible[vi]];
  const struct ops_node *node = &ui->graph->nodes[row->node];
  bool selected = vi == ui->selected;
  attr_t base = selected ? ops_tui_attr(OPS_TUI_COLOR_SELECTED)
                : row->kind == OPS_PLAN_CONSTANT || !row->executed
                    ? ops_tui_attr(OPS_TUI_COLOR_DIM)
                    : ops_tui_attr(OPS_TUI_COLOR_NORMAL);
  ops_tui_put(y, 0, COLS, true, base, "");
  const char *mark = row->assigned < 0 && row->kind != OPS_PLAN_CONSTANT ? "!"
                     : row->fallback                                     ? "F"
                                                                         : " ";
  attr_t mark_attr = selected         ? base
                     : mark[0] == '!' ? ops_tui_attr(OPS_TUI_COLOR_BAD)
                     : mark[0] == 'F' ? ops_tui_attr(OPS_TUI_COLOR_WARN)
                                      : base;
  ops_tui_put(y, 0, 1, false, mark_attr, mark);
  char name[256];
  ops_tui_put(y, c->name_x, c->name_w, false, base,
              ops_report_name_tail(node->name, (size_t)c->name_w, name, sizeof name));
  ops_tui_put(y, c->op_x, c->unit_x - c->op_x - 1, false, base, node->op_type);
  char unit[32];
  attr_t unit_attr = selected || !row->fallback ? base : ops_tui_attr(OPS_TUI_COLOR_WARN);
  ops_tui_put(y, c->unit_x, c->kernel_x - c->unit_x - 1, false, unit_attr,
              unit_text(row, unit, sizeof unit));
  if (c->kernel_w > 0) ops_tui_put(y, c->kernel_x, c->kernel_w, false, base, row->kernel);
  char buf[32], cell[40];
  double est = row->assigned >= 0 ? row->est_ms[row->assigned] : NAN;
  snprintf(cell, sizeof cell, "%8s",
           ops_tui_fmt_ms(row->kind == OPS_PLAN_CONSTANT ? NAN : est, buf, sizeof buf));
  ops_tui_put(y, c->est_x, 8, false, base, cell);
  if (!row->executed) {
    ops_tui_put(
        y, c->mean_x, c->bar_x + c->bar_w - c->mean_x, false, base,
        row->kind == OPS_PLAN_CONSTANT ? "       -  folded at compile time" : "       -  not run");
    return;
  }
  snprintf(cell, sizeof cell, "%8s", ops_tui_fmt_ms(row->mean_ms, buf, sizeof buf));
  ops_tui_put(y, c->mean_x, 8, false, base, cell);
  if (!isfinite(row->mean_ms) || total <= 0) {
    ops_tui_put(y, c->share_x, 12, false, base, "  n/a");
    return;
  }
  double share = row->mean_ms / total;
  snprintf(cell, sizeof cell, "%5.1f%%", 100.0 * share);
  attr_t share_attr = selected ? base : ops_tui_attr(share_color(share));
  ops_tui_put(y, c->share_x, 6, false, share_attr, cell);
  ops_tui_bar(y, c->bar_x, c->bar_w, share, share_attr);
}

static void draw_panel(struct ops_tui *ui, int y) {
  const struct ops_tui_snapshot *s = &ui->snap;
  attr_t title = ops_tui_attr(OPS_TUI_COLOR_TITLE);
  attr_t normal = ops_tui_attr(OPS_TUI_COLOR_NORMAL);
  size_t unplaced = 0;
  for (size_t i = 0; i < s->n_rows; i++) {
    if (s->rows[i].assigned < 0 && s->rows[i].kind != OPS_PLAN_CONSTANT) unplaced++;
  }
  int x = ops_tui_put(y, 0, COLS, false, title, "Fallbacks ");
  if (s->fallbacks == 0 && unplaced == 0) {
    x += ops_tui_putf(y, x, COLS - x, ops_tui_attr(OPS_TUI_COLOR_GOOD), "%s%s",
                      s->requested == OPSCOPE_UNIT_ALL ? "none: the planner picks each op's unit"
                                                       : "none: every op runs on ",
                      s->requested == OPSCOPE_UNIT_ALL ? "" : opscope_unit_name(s->requested));
  } else {
    x += ops_tui_putf(y, x, COLS - x, ops_tui_attr(OPS_TUI_COLOR_WARN), "%zu not on %s%s",
                      s->fallbacks, opscope_unit_name(s->requested),
                      unplaced ? ", some on no unit (!)" : " (F)");
  }
  x += ops_tui_putf(y, x, COLS - x, normal, "   overrides %zu (*)", s->overrides);
  /* The view's own state at the right: sort column, direction and filter. */
  char view[OPS_TUI_FILTER_MAX + 128];
  char range[64] = "";
  size_t rows = ui->table_rows > 0 ? (size_t)ui->table_rows : 1;
  if (ui->n_visible > rows) {
    size_t last = ui->top + rows < ui->n_visible ? ui->top + rows : ui->n_visible;
    snprintf(range, sizeof range, "  rows %zu-%zu/%zu", ui->top + 1, last, ui->n_visible);
  }
  int len = snprintf(view, sizeof view, "sort %s%s%s%s%s%s", ops_tui_sort_name(ui->sort),
                     ui->reverse ? " rev" : "", ui->fallback_only ? "  fallbacks only" : "",
                     ui->filter[0] ? "  filter " : "", ui->filter, range);
  if (len > 0 && len < COLS - x - 2) ops_tui_put(y, COLS - len, len, false, title, view);
  const struct ops_tui_row *row = ops_tui_selected_row(ui);
  /* The selected op when it has something to explain, else the first fallback. */
  if (row == NULL || (!row->fallback && row->assigned >= 0 && row->override_unit < 0)) {
    row = NULL;
    for (size_t i = 0; i < s->n_rows && row == NULL; i++) {
      if (s->rows[i].fallback ||
          (s->rows[i].assigned < 0 && s->rows[i].kind != OPS_PLAN_CONSTANT)) {
        row = &s->rows[i];
      }
    }
  }
  if (row == NULL) return;
  const struct ops_node *node = &ui->graph->nodes[row->node];
  if (row->override_unit >= 0 && !row->fallback) {
    ops_tui_putf(y + 1, 0, COLS, normal, "%s (%s): on %s by override (O clears it)", node->name,
                 node->op_type, opscope_unit_name(row->override_unit));
    return;
  }
  x = ops_tui_putf(y + 1, 0, COLS, normal, "%s (%s): ", node->name, node->op_type);
  x += ops_tui_put(y + 1, x, COLS - x, false, ops_tui_attr(OPS_TUI_COLOR_WARN), row->code);
  ops_tui_putf(y + 1, x, COLS - x, normal, " %s", row->reason);
  if (row->hint[0]) {
    x = ops_tui_put(y + 2, 0, COLS, false, title, "hint ");
    ops_tui_put(y + 2, x, COLS - x, false, normal, row->hint);
  }
}

static void table_draw(struct ops_tui *ui) {
  int y = ops_tui_draw_header(ui);
  struct columns c;
  layout(&c);
  attr_t head = ops_tui_attr(OPS_TUI_COLOR_HEADING);
  ops_tui_put(y, 0, COLS, true, head, "");
  ops_tui_put(y, c.name_x, c.name_w, false, head, "NODE");
  ops_tui_put(y, c.op_x, 11, false, head, "OP");
  ops_tui_put(y, c.unit_x, 8, false, head, "UNIT");
  if (c.kernel_w > 0) ops_tui_put(y, c.kernel_x, c.kernel_w, false, head, "KERNEL");
  ops_tui_put(y, c.est_x, 8, false, head, "  EST ms");
  ops_tui_put(y, c.mean_x, 8, false, head, " MEAN ms");
  ops_tui_put(y, c.share_x, 6, false, head, " SHARE");
  y++;
  int rows = LINES - y - PANEL_LINES - FOOTER_LINES;
  if (rows < 1) rows = 1;
  ui->table_rows = rows;
  if (ui->selected < ui->top) ui->top = ui->selected;
  if (ui->selected >= ui->top + (size_t)rows) ui->top = ui->selected - (size_t)rows + 1;
  if (ui->top > 0 && ui->top + (size_t)rows > ui->n_visible) {
    ui->top = ui->n_visible > (size_t)rows ? ui->n_visible - (size_t)rows : 0;
  }
  double total = total_ms(&ui->snap);
  if (ui->n_visible == 0) {
    ops_tui_put(y, 2, COLS - 2, false, ops_tui_attr(OPS_TUI_COLOR_DIM),
                ui->fallback_only || ui->filter[0] ? "no op matches the filter (f, /)"
                                                   : "the model has no ops");
  }
  for (int i = 0; i < rows && ui->top + (size_t)i < ui->n_visible; i++) {
    draw_row(ui, &c, y + i, ui->top + (size_t)i, total);
  }
  draw_panel(ui, LINES - PANEL_LINES - FOOTER_LINES);
  ops_tui_draw_footer(ui,
                      "? help  q quit  Spc pause  Ent detail  s sort  / filter  u unit  "
                      "o override  f fallbacks  b units  e export");
}

static unsigned table_on_key(struct ops_tui *ui, int key) {
  const struct ops_tui_row *row = ops_tui_selected_row(ui);
  switch (key) {
    case 's':
      ui->sort = (enum ops_tui_sort)((ui->sort + 1) % OPS_TUI_SORT_COUNT);
      ui->reverse = false;
      return OPS_TUI_RESCAN;
    case 'S':
      ui->reverse = !ui->reverse;
      return OPS_TUI_RESCAN;
    case 'f':
      ui->fallback_only = !ui->fallback_only;
      return OPS_TUI_RESCAN;
    case 'o':
    case 'O': {
      if (row == NULL || row->kind == OPS_PLAN_CONSTANT) {
        snprintf(ui->note, sizeof ui->note, "select an op that runs to override it");
        return OPS_TUI_REDRAW;
      }
      /* `o` steps down the units from where the op runs now (threads -> simd -> scalar, then
       * back to threads), so one press moves it off the unit it is on. */
      int from = row->assigned >= 0 ? row->assigned : OPSCOPE_UNIT_SIMD;
      struct ops_tui_request q = {
          OPS_TUI_REQUEST_OVERRIDE, row->node,
          key == 'O' ? -1 : (from + OPSCOPE_UNIT_ALL - 1) % OPSCOPE_UNIT_ALL};
      if (key == 'O' && row->override_unit < 0) {
        snprintf(ui->note, sizeof ui->note, "'%s' has no override",
                 ui->graph->nodes[row->node].name);
        return OPS_TUI_REDRAW;
      }
      if (!ops_tui_live_request(ui->live, &q)) {
        snprintf(ui->note, sizeof ui->note, "busy: too many requests waiting, try again");
      } else {
        ui->note[0] = '\0';
      }
      return OPS_TUI_REDRAW;
    }
    case '\r':
    case '\n':
    case KEY_ENTER:
    case KEY_RIGHT:
      if (row == NULL) return OPS_TUI_NONE;
      ui->detail_node = row->node;
      ui->detail_scroll = 0;
      ui->back = &ops_tui_view_table;
      ui->view = &ops_tui_view_detail;
      return OPS_TUI_REDRAW;
    default:
      return ops_tui_keys_move(ui, key);
  }
}

const struct ops_tui_view_class ops_tui_view_table = {"table", table_draw, table_on_key};
