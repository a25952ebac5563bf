/*
 * The one module that owns the terminal (STYLE.md §7): ncurses set-up and restore on every
 * exit path (normal end, SIGINT, SIGTERM, and fatal signals, which restore it and then die as
 * they would have), colours (none under NO_COLOR), and small drawing helpers shared by the
 * views. Only tui/ includes this header, since it brings in curses.h.
 */
#ifndef OPSCOPE_TUI_SCREEN_H
#define OPSCOPE_TUI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

#include "src/diag.h"

/* Colour roles; with colours off every role is plain, and the views still mark what matters
 * with text (F for fallback, * for an override) and reverse video for the selection. */
enum ops_tui_color {
  OPS_TUI_COLOR_NORMAL = 0,
  OPS_TUI_COLOR_TITLE,    /* header labels */
  OPS_TUI_COLOR_HEADING,  /* the table's column row */
  OPS_TUI_COLOR_SELECTED, /* the selected row */
  OPS_TUI_COLOR_GOOD,     /* small shares, placed as requested */
  OPS_TUI_COLOR_WARN,     /* fallbacks, middle shares */
  OPS_TUI_COLOR_BAD,      /* large shares, errors, unplaced ops */
  OPS_TUI_COLOR_DIM,      /* folded or unmeasured rows */
  OPS_TUI_COLOR_KEY,      /* key names in the footer */
  OPS_TUI_COLOR_COUNT
};

/* Sets the terminal up: locale, curses, keypad, input timeout of `timeout_ms`, colours unless
 * NO_COLOR is set or the terminal has none, and the signal handlers. OPS_ERR_UNAVAILABLE when
 * stdin or stdout is not a terminal or curses cannot start (`d` says which). */
enum ops_status ops_tui_screen_init(int timeout_ms, struct ops_diag *d);
/* Restores the terminal and the signal handlers; safe to call twice. */
void ops_tui_screen_done(void);
/* The signal (SIGINT or SIGTERM) that asked the view to end, or 0. */
int ops_tui_screen_signal(void);
/* True when colours are in use. */
bool ops_tui_screen_color(void);
/* True when the locale is UTF-8, so sparklines and bars may use block characters. */
bool ops_tui_screen_utf8(void);

/* The attribute of a colour role (A_NORMAL, plus A_BOLD/A_REVERSE where colours are off). */
attr_t ops_tui_attr(enum ops_tui_color c);

/* Writes `text` at (y, x) clipped to `width` columns (counted in characters) and padded with
 * spaces to it when `pad`; returns the columns written. */
int ops_tui_put(int y, int x, int width, bool pad, attr_t attr, const char *text);
/* printf into a bounded buffer, then ops_tui_put. */
int ops_tui_putf(int y, int x, int width, attr_t attr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Draws `n` values as a sparkline of `width` columns at (y, x), the newest at the right,
 * scaled from 0 to the largest value. */
void ops_tui_sparkline(int y, int x, int width, const float *values, size_t n, attr_t attr);
/* Draws a bar of `width` columns filled to `frac` (0..1). */
void ops_tui_bar(int y, int x, int width, double frac, attr_t attr);

#endif /* OPSCOPE_TUI_SCREEN_H */
