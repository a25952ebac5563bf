/*
 * The live view's entry (tui/tui.h): starts the runner thread, owns the input loop, and ends
 * both on `q`, SIGINT or SIGTERM.
 *
 * The loop waits for a key at most REFRESH_MS, then copies the published snapshot and redraws
 * when it changed or a key asked for it, so the screen refreshes about five times a second and
 * input is never blocked by a run: runs, re-plans and comparisons all happen on the runner's
 * thread.
 */
#include "tui/tui.h"

#include <stdlib.h>
#include <string.h>

#include "src/api-impl.h"
#include "src/size.h"
#include "tui/keys.h"
#include "tui/runner.h"
#include "tui/screen.h"
#include "tui/snapshot.h"
#include "tui/view.h"

#define REFRESH_MS 200

static void draw(struct ops_tui *ui) {
  erase();
  if (COLS < 40 || LINES < 12) {
    ops_tui_put(0, 0, COLS, false, A_BOLD, "opscope --tui needs at least 40x12 (80x24 is best)");
  } else {
    ui->view->draw(ui);
  }
  refresh();
  ui->drawn_version = ui->snap.version;
}

static void loop(struct ops_tui *ui) {
  unsigned reaction = OPS_TUI_RESCAN;
  uint64_t seen_seq = 0;
  while (ops_tui_screen_signal() == 0) {
    ops_tui_live_read(ui->live, &ui->snap);
    if (ui->snap.message_seq != seen_seq) {
      /* A new message from the runner replaces the screen's own. */
      seen_seq = ui->snap.message_seq;
      ui->note[0] = '\0';
    }
    if (ui->snap.version != ui->drawn_version) reaction |= OPS_TUI_RESCAN;
    if (reaction & OPS_TUI_RESCAN) ops_tui_rescan(ui);
    if (reaction & (OPS_TUI_RESCAN | OPS_TUI_REDRAW)) draw(ui);
    reaction = OPS_TUI_NONE;
    int key = getch();
    if (key == ERR) continue;
    bool handled;
    reaction = ops_tui_keys_global(ui, key, &handled);
    if (!handled) reaction = ui->view->on_key(ui, key);
    if (reaction & OPS_TUI_QUIT) break;
    if (key == KEY_RESIZE) clearok(stdscr, TRUE);
  }
}

enum ops_status ops_tui_run(const struct ops_tui_config *cfg, struct ops_diag *d) {
  const struct ops_graph *g = cfg->model->graph;
  struct ops_tui ui;
  struct ops_tui_live live;
  struct ops_tui_runner runner;
  bool screen = false;
  enum ops_status st = OPS_ERR_NO_MEMORY;
  memset(&ui, 0, sizeof ui);
  memset(&runner, 0, sizeof runner);
  memset(&live, 0, sizeof live);
  size_t visible_cap;
  if (!ops_mul_size(g->n_nodes ? g->n_nodes : 1, 2, &visible_cap)) {
    return ops_fail(d, OPS_ERR_NO_MEMORY, "%s: too many nodes", g->path);
  }
  /* Twice the rows: the second half is the sort's scratch. */
  ui.visible = ops_calloc_array(visible_cap, sizeof *ui.visible);
  if (ui.visible == NULL || ops_tui_snapshot_init(&ui.snap, g->n_nodes) != OPS_OK) {
    ops_fail(d, st, "out of memory for the live view of %zu nodes", g->n_nodes);
    goto fail;
  }
  st = ops_tui_live_init(&live, g->n_nodes);
  if (st != OPS_OK) {
    ops_fail(d, st, "cannot set up the live view: %s", ops_status_str(st));
    goto fail;
  }
  ui.graph = g;
  ui.cpu = cfg->cpu;
  ui.isa = cfg->isa;
  ui.input_source = cfg->input_source;
  ui.report_path = cfg->report_path;
  ui.overrides_path = cfg->overrides_path;
  ui.live = &live;
  ui.view = &ops_tui_view_table;
  ui.sort = OPS_TUI_SORT_TIME;
  ui.want_unit = cfg->unit;
  ui.detail_node = -1;
  st = ops_tui_screen_init(REFRESH_MS, d);
  if (st != OPS_OK) goto fail;
  screen = true;
  struct ops_tui_runner_config rc = {
      cfg->model,          cfg->unit,        cfg->inputs,       cfg->n_inputs,     cfg->overrides,
      cfg->overrides_path, cfg->report_path, cfg->input_source, cfg->command_line, cfg->load_ms,
  };
  st = ops_tui_runner_start(&runner, &rc, &live, d);
  if (st != OPS_OK) goto fail;
  loop(&ui);
  st = OPS_OK;
fail:
  /* The runner is stopped before the terminal is restored, so nothing draws after endwin. */
  ops_tui_runner_stop(&runner);
  if (screen) ops_tui_screen_done();
  ops_tui_live_done(&live);
  ops_tui_snapshot_done(&ui.snap);
  free(ui.visible);
  return st;
}
