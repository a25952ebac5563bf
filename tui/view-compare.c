/*
 * The unit comparison of key `b`: the runner plans, compiles and benchmarks every unit round by
 * round (tui/runner.c), and this screen shows the result: median, min and p90 latency, the
 * speed-up over scalar, the fallbacks of each unit's plan and the cost model's estimate.
 */
#include <stdio.h>

#include "tui/screen.h"
#include "tui/view.h"

static void compare_draw(struct ops_tui *ui) {
  int y = ops_tui_draw_header(ui) + 1;
  const struct ops_tui_snapshot *s = &ui->snap;
  attr_t title = ops_tui_attr(OPS_TUI_COLOR_TITLE);
  attr_t normal = ops_tui_attr(OPS_TUI_COLOR_NORMAL);
  ops_tui_put(y++, 0, COLS, false, title,
              "Every unit, benchmarked round by round (without overrides)");
  y++;
  if (s->compare_state == OPS_TUI_COMPARE_NONE) {
    ops_tui_put(y, 2, COLS - 2, false, normal, "starting...");
  } else if (s->compare_state == OPS_TUI_COMPARE_RUNNING) {
    ops_tui_put(y, 2, COLS - 2, false, ops_tui_attr(OPS_TUI_COLOR_WARN),
                "running: plan, compile and time each unit (the live runs pause meanwhile)");
  } else {
    ops_tui_put(y++, 0, COLS, true, ops_tui_attr(OPS_TUI_COLOR_HEADING),
                "  UNIT      MEDIAN ms    MIN ms    P90 ms  x SCALAR  FALLBACKS    EST ms");
    double scalar = 0;
    for (size_t i = 0; i < s->n_compare; i++) {
      if (s->compare[i].unit == OPSCOPE_UNIT_SCALAR && s->compare[i].ran) {
        scalar = s->compare[i].median_ms;
      }
    }
    double best = 0;
    for (size_t i = 0; i < s->n_compare; i++) {
      if (s->compare[i].ran && (best == 0 || s->compare[i].median_ms < best)) {
        best = s->compare[i].median_ms;
      }
    }
    for (size_t i = 0; i < s->n_compare; i++) {
      const struct ops_tui_compare_row *c = &s->compare[i];
      if (!c->ran) {
        ops_tui_putf(y++, 0, COLS, ops_tui_attr(OPS_TUI_COLOR_BAD), "  %-8s  cannot run: %s",
                     opscope_unit_name(c->unit), c->error);
        continue;
      }
      char med[32], mn[32], p90[32], est[32], speed[32];
      snprintf(speed, sizeof speed, scalar > 0 && c->median_ms > 0 ? "%.2f" : "n/a",
               scalar > 0 && c->median_ms > 0 ? scalar / c->median_ms : 0.0);
      ops_tui_putf(
          y++, 0, COLS, c->median_ms == best ? ops_tui_attr(OPS_TUI_COLOR_GOOD) : normal,
          "  %-8s %10s %9s %9s %9s %10zu %9s%s", opscope_unit_name(c->unit),
          ops_tui_fmt_ms(c->median_ms, med, sizeof med), ops_tui_fmt_ms(c->min_ms, mn, sizeof mn),
          ops_tui_fmt_ms(c->p90_ms, p90, sizeof p90), speed, c->fallbacks,
          ops_tui_fmt_ms(c->est_ms, est, sizeof est), c->median_ms == best ? "  fastest" : "");
    }
    y++;
    ops_tui_putf(y, 2, COLS - 2, ops_tui_attr(OPS_TUI_COLOR_DIM), "%zu timed runs per unit",
                 s->n_compare ? s->compare[0].runs : 0);
  }
  ops_tui_draw_footer(ui, "Esc back  b again  u unit  q quit");
}

static unsigned compare_on_key(struct ops_tui *ui, int key) {
  switch (key) {
    case 27:
    case KEY_LEFT:
    case KEY_BACKSPACE:
      ui->view = &ops_tui_view_table;
      return OPS_TUI_REDRAW;
    default:
      return OPS_TUI_NONE;
  }
}

const struct ops_tui_view_class ops_tui_view_compare = {"compare", compare_draw, compare_on_key};
