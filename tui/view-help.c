/* The key reference of `?` (the same list as docs/tui.md). */
#include <stdio.h>

#include "tui/screen.h"
#include "tui/view.h"

static const char *const help_lines[][2] = {
    {"Up/Down, PgUp/PgDn", "move the selection (scroll in the drill-down)"},
    {"Home/End", "first / last op"},
    {"Enter, Right", "drill into the selected op: attributes, shapes, cost, counters, history"},
    {"Esc, Left", "back to the op table"},
    {"s / S", "next sort column (time, name, op, unit, estimate, order) / reverse it"},
    {"/", "filter by text (node, op, kernel or unit); Enter keeps it, Esc clears it"},
    {"f", "show only fallbacks and ops no unit can run"},
    {"u", "request the next unit (scalar, simd, threads, all): re-plan and recompile live"},
    {"o", "override: run the selected op one unit down (threads -> simd -> scalar -> threads)"},
    {"O", "clear the selected op's override"},
    {"b", "benchmark every unit and compare them"},
    {"e", "write the JSON report of the current plan and runs"},
    {"Space", "pause / resume the benchmark runs"},
    {"?", "this help"},
    {"q, Ctrl-C", "quit"},
};

static void help_draw(struct ops_tui *ui) {
  int y = ops_tui_draw_header(ui) + 1;
  ops_tui_put(y++, 0, COLS, false, ops_tui_attr(OPS_TUI_COLOR_TITLE), "Keys");
  for (size_t i = 0; i < sizeof help_lines / sizeof help_lines[0] && y < LINES - 3; i++) {
    ops_tui_putf(y, 2, 20, ops_tui_attr(OPS_TUI_COLOR_KEY), "%s", help_lines[i][0]);
    ops_tui_put(y++, 22, COLS - 22, false, ops_tui_attr(OPS_TUI_COLOR_NORMAL), help_lines[i][1]);
  }
  if (y < LINES - 3) {
    ops_tui_putf(++y, 2, COLS - 2, ops_tui_attr(OPS_TUI_COLOR_DIM),
                 "Marks: F fallback, ! no unit can run it, * override.  Overrides: %s",
                 ui->overrides_path ? ui->overrides_path : "not saved (no --overrides FILE)");
  }
  ops_tui_draw_footer(ui, "Esc back  q quit");
}

static unsigned help_on_key(struct ops_tui *ui, int key) {
  if (key == 27 || key == '?' || key == KEY_LEFT || key == KEY_BACKSPACE) {
    ui->view = ui->back != NULL ? ui->back : &ops_tui_view_table;
    return OPS_TUI_REDRAW;
  }
  return OPS_TUI_NONE;
}

const struct ops_tui_view_class ops_tui_view_help = {"help", help_draw, help_on_key};
