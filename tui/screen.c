/*
 * The terminal (tui/screen.h). The restore on fatal signals follows htop's CRT_handleSIGSEGV:
 * endwin() is not async-signal-safe, but a crashed process that leaves the terminal in raw mode
 * on the alternate screen is worse; the handler restores, puts the default action back and
 * raises the signal again, so the exit status and any core dump are what they would have been.
 * SIGINT and SIGTERM only set a flag that the input loop reads at its next timeout.
 */
#include "tui/screen.h"

#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

static volatile sig_atomic_t quit_signal;
static volatile sig_atomic_t screen_active;
static bool use_color;
static bool use_utf8;

static const int fatal_signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
static struct sigaction saved_fatal[sizeof fatal_signals / sizeof fatal_signals[0]];
static struct sigaction saved_int, saved_term;

static void on_quit_signal(int sig) {
  quit_signal = sig;
}

static void on_fatal_signal(int sig) {
  if (screen_active) {
    screen_active = 0;
    endwin();
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

static void install_handlers(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_quit_signal;
  sigaction(SIGINT, &sa, &saved_int);
  sigaction(SIGTERM, &sa, &saved_term);
  sa.sa_handler = on_fatal_signal;
  sa.sa_flags = SA_RESETHAND;
  for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
    sigaction(fatal_signals[i], &sa, &saved_fatal[i]);
  }
}

static void restore_handlers(void) {
  sigaction(SIGINT, &saved_int, NULL);
  sigaction(SIGTERM, &saved_term, NULL);
  for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
    sigaction(fatal_signals[i], &saved_fatal[i], NULL);
  }
}

/* Foreground of each role on the terminal's default background (-1). */
static const short role_fg[OPS_TUI_COLOR_COUNT] = {
    [OPS_TUI_COLOR_NORMAL] = -1,           [OPS_TUI_COLOR_TITLE] = COLOR_CYAN,
    [OPS_TUI_COLOR_HEADING] = COLOR_BLACK, [OPS_TUI_COLOR_SELECTED] = COLOR_BLACK,
    [OPS_TUI_COLOR_GOOD] = COLOR_GREEN,    [OPS_TUI_COLOR_WARN] = COLOR_YELLOW,
    [OPS_TUI_COLOR_BAD] = COLOR_RED,       [OPS_TUI_COLOR_DIM] = COLOR_BLUE,
    [OPS_TUI_COLOR_KEY] = COLOR_CYAN,
};
static const short role_bg[OPS_TUI_COLOR_COUNT] = {
    [OPS_TUI_COLOR_NORMAL] = -1,
    [OPS_TUI_COLOR_TITLE] = -1,
    [OPS_TUI_COLOR_HEADING] = COLOR_GREEN,
    [OPS_TUI_COLOR_SELECTED] = COLOR_CYAN,
    [OPS_TUI_COLOR_GOOD] = -1,
    [OPS_TUI_COLOR_WARN] = -1,
    [OPS_TUI_COLOR_BAD] = -1,
    [OPS_TUI_COLOR_DIM] = -1,
    [OPS_TUI_COLOR_KEY] = -1,
};

enum ops_status ops_tui_screen_init(int timeout_ms, struct ops_diag *d) {
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    return ops_fail(d, OPS_ERR_UNAVAILABLE, "--tui needs a terminal");
  }
  setlocale(LC_ALL, "");
  const char *codeset = nl_langinfo(CODESET);
  use_utf8 = codeset != NULL && strcmp(codeset, "UTF-8") == 0;
  /* newterm rather than initscr: initscr exits the process when TERM is unusable. */
  SCREEN *scr = newterm(NULL, stdout, stdin);
  if (scr == NULL) {
    const char *term = getenv("TERM");
    return ops_fail(d, OPS_ERR_UNAVAILABLE, "--tui cannot drive terminal type '%s'",
                    term ? term : "(TERM unset)");
  }
  set_term(scr);
  screen_active = 1;
  quit_signal = 0;
  install_handlers();
  cbreak();
  noecho();
  nonl();
  keypad(stdscr, TRUE);
  curs_set(0);
  timeout(timeout_ms);
  set_escdelay(25);
  const char *no_color = getenv("NO_COLOR");
  use_color = has_colors() && (no_color == NULL || no_color[0] == '\0');
  if (use_color) {
    start_color();
    use_default_colors();
    for (int c = 1; c < OPS_TUI_COLOR_COUNT; c++)
      init_pair((short)c, role_fg[c], role_bg[c]);
  }
  return OPS_OK;
}

void ops_tui_screen_done(void) {
  if (!screen_active) return;
  screen_active = 0;
  endwin();
  restore_handlers();
  fflush(stdout);
}

int ops_tui_screen_signal(void) {
  return quit_signal;
}

bool ops_tui_screen_color(void) {
  return use_color;
}

bool ops_tui_screen_utf8(void) {
  return use_utf8;
}

attr_t ops_tui_attr(enum ops_tui_color c) {
  if (use_color) {
    attr_t a = COLOR_PAIR(c);
    if (c == OPS_TUI_COLOR_TITLE || c == OPS_TUI_COLOR_KEY || c == OPS_TUI_COLOR_BAD) a |= A_BOLD;
    return a;
  }
  switch (c) {
    case OPS_TUI_COLOR_HEADING:
    case OPS_TUI_COLOR_SELECTED:
      return A_REVERSE;
    case OPS_TUI_COLOR_TITLE:
    case OPS_TUI_COLOR_KEY:
    case OPS_TUI_COLOR_BAD:
      return A_BOLD;
    case OPS_TUI_COLOR_DIM:
      return A_DIM;
    default:
      return A_NORMAL;
  }
}

int ops_tui_put(int y, int x, int width, bool pad, attr_t attr, const char *text) {
  if (width <= 0 || y < 0 || y >= LINES || x >= COLS) return 0;
  if (x + width > COLS) width = COLS - x;
  attr_t old_attr;
  short old_pair;
  attr_get(&old_attr, &old_pair, NULL);
  attrset(attr);
  move(y, x);
  /* Count characters, not bytes, so a UTF-8 name is clipped on a character boundary. */
  int cols = 0;
  mbstate_t st;
  memset(&st, 0, sizeof st);
  const char *p = text;
  size_t left = strlen(text);
  while (left > 0 && cols < width) {
    size_t n = mbrlen(p, left, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
      addch('?');
      p++;
      left--;
      memset(&st, 0, sizeof st);
    } else {
      addnstr(p, (int)n);
      p += n;
      left -= n;
    }
    cols++;
  }
  if (pad) {
    for (; cols < width; cols++)
      addch(' ');
  }
  attr_set(old_attr, old_pair, NULL);
  return cols;
}

int ops_tui_putf(int y, int x, int width, attr_t attr, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  return ops_tui_put(y, x, width, false, attr, buf);
}

void ops_tui_sparkline(int y, int x, int width, const float *values, size_t n, attr_t attr) {
  static const char *const blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                       "\u2585", "\u2586", "\u2587", "\u2588"};
  static const char ascii[] = "_.-:=+*#";
  if (width <= 0) return;
  size_t shown = n < (size_t)width ? n : (size_t)width;
  const float *v = values + (n - shown);
  float max = 0;
  for (size_t i = 0; i < shown; i++) {
    if (v[i] > max) max = v[i];
  }
  attr_t old_attr;
  short old_pair;
  attr_get(&old_attr, &old_pair, NULL);
  attrset(attr);
  move(y, x + (width - (int)shown));
  for (size_t i = 0; i < shown; i++) {
    int level = max > 0 ? (int)((v[i] / max) * 7.0f + 0.5f) : 0;
    if (level < 0) level = 0;
    if (level > 7) level = 7;
    if (use_utf8) {
      addstr(blocks[level]);
    } else {
      addch((chtype)(unsigned char)ascii[level]);
    }
  }
  attr_set(old_attr, old_pair, NULL);
}

void ops_tui_bar(int y, int x, int width, double frac, attr_t attr) {
  if (width <= 0) return;
  if (!(frac >= 0)) frac = 0;
  if (frac > 1) frac = 1;
  int filled = (int)(frac * width + 0.5);
  if (frac > 0 && filled == 0) filled = 1;
  attr_t old_attr;
  short old_pair;
  attr_get(&old_attr, &old_pair, NULL);
  attrset(attr);
  move(y, x);
  for (int i = 0; i < width; i++) {
    if (i < filled) {
      if (use_utf8) {
        addstr("\u2588");
      } else {
        addch('#');
      }
    } else {
      addch(use_utf8 ? ' ' : '.');
    }
  }
  attr_set(old_attr, old_pair, NULL);
}
