/*
 * The live view's screens and their shared state. Each screen is a const class struct, after
 * htop's PanelClass (STYLE.md §7): `draw` paints the whole screen from the snapshot copy in
 * struct ops_tui, `on_key` handles the keys the screen owns and returns an ops_tui_reaction
 * bitmask. Keys every screen shares are handled first, in tui/keys.c. To add a screen, write a
 * view-NAME.c with its class and declare the class here.
 */
#ifndef OPSCOPE_TUI_VIEW_H
#define OPSCOPE_TUI_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "src/graph.h"
#include "tui/snapshot.h"

/* What a key asks of the loop (htop's Htop_Reaction). */
enum ops_tui_reaction {
  OPS_TUI_NONE = 0,
  OPS_TUI_REDRAW = 1 << 0, /* draw again */
  OPS_TUI_RESCAN = 1 << 1, /* filter and sort the rows again, then draw */
  OPS_TUI_QUIT = 1 << 2,   /* leave the view */
};

/* Sort columns of the op table, in the order `s` cycles through them. */
enum ops_tui_sort {
  OPS_TUI_SORT_TIME = 0, /* measured mean, slowest first */
  OPS_TUI_SORT_NAME,     /* node name, A first */
  OPS_TUI_SORT_OP,       /* op type */
  OPS_TUI_SORT_UNIT,     /* assigned unit */
  OPS_TUI_SORT_EST,      /* the cost model's estimate, largest first */
  OPS_TUI_SORT_ORDER,    /* run order */
  OPS_TUI_SORT_COUNT
};

/* The name of a sort column as the header shows it. */
const char *ops_tui_sort_name(enum ops_tui_sort s);

struct ops_tui;

struct ops_tui_view_class {
  const char *name;
  void (*draw)(struct ops_tui *ui);
  unsigned (*on_key)(struct ops_tui *ui, int key); /* enum ops_tui_reaction bits */
};

extern const struct ops_tui_view_class ops_tui_view_table;
extern const struct ops_tui_view_class ops_tui_view_detail;
extern const struct ops_tui_view_class ops_tui_view_compare;
extern const struct ops_tui_view_class ops_tui_view_help;

#define OPS_TUI_FILTER_MAX 64

struct ops_tui {
  /* Fixed for the session; borrowed. */
  const struct ops_graph *graph;
  const char *cpu;
  const char *isa;
  const char *input_source;
  const char *report_path;
  const char *overrides_path; /* NULL without --overrides */
  struct ops_tui_live *live;
  /* The copy being drawn. */
  struct ops_tui_snapshot snap;
  uint64_t drawn_version; /* snap.version at the last draw */
  /* Screen state. */
  const struct ops_tui_view_class *view;
  const struct ops_tui_view_class *back; /* where Esc goes from detail, compare and help */
  size_t *visible;                       /* owned; row indices after filter and sort */
  size_t n_visible;
  size_t selected; /* index into visible */
  size_t top;      /* first index into visible on screen */
  int table_rows;  /* rows the table had at the last draw, for PgUp/PgDn */
  enum ops_tui_sort sort;
  bool reverse;
  char filter[OPS_TUI_FILTER_MAX];
  bool editing_filter;
  bool fallback_only;
  bool paused;
  int want_unit;                  /* the unit last asked for with `u` */
  int detail_node;                /* graph node of the drill-down, -1 none */
  int detail_scroll;              /* lines scrolled in the drill-down */
  char note[OPS_TUI_MESSAGE_MAX]; /* the screen's own news, shown like the runner's */
  uint64_t seen_message_seq;
};

/* Filters and sorts the snapshot's rows into ui->visible, keeping the selected node selected. */
void ops_tui_rescan(struct ops_tui *ui);
/* The snapshot row of the selected line, or NULL when the table is empty. */
const struct ops_tui_row *ops_tui_selected_row(const struct ops_tui *ui);

/* The header (model, CPU, unit, threads, counters, runs, latency and sparkline); returns the
 * number of lines it took. */
int ops_tui_draw_header(struct ops_tui *ui);
/* The footer: the runner's or screen's latest message above a line of keys. */
void ops_tui_draw_footer(struct ops_tui *ui, const char *keys);

/* Formats milliseconds in a fixed width ("  0.123"), or "n/a" when not measured. */
const char *ops_tui_fmt_ms(double ms, char *buf, size_t len);

#endif /* OPSCOPE_TUI_VIEW_H */
