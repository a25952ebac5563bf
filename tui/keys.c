/* Shared keys of the live view (tui/keys.h). */
#include "tui/keys.h"

#include <stdio.h>
#include <string.h>

#include "tui/screen.h"

#define KEY_CTRL(c) ((c)&0x1f)

static unsigned filter_key(struct ops_tui *ui, int key) {
  size_t len = strlen(ui->filter);
  switch (key) {
    case 27: /* Esc: drop the filter */
      ui->filter[0] = '\0';
      ui->editing_filter = false;
      return OPS_TUI_RESCAN;
    case '\r':
    case '\n':
    case KEY_ENTER:
      ui->editing_filter = false;
      return OPS_TUI_RESCAN;
    case KEY_BACKSPACE:
    case 127:
    case '\b':
      if (len > 0) ui->filter[len - 1] = '\0';
      return OPS_TUI_RESCAN;
    default:
      /* Printable ASCII only: node names of exported models are ASCII, and a filter with a
       * control character could not match anything. */
      if (key >= 32 && key < 127 && len + 1 < sizeof ui->filter) {
        ui->filter[len] = (char)key;
        ui->filter[len + 1] = '\0';
        ui->selected = 0;
        return OPS_TUI_RESCAN;
      }
      return OPS_TUI_NONE;
  }
}

static unsigned request(struct ops_tui *ui, const struct ops_tui_request *q) {
  if (!ops_tui_live_request(ui->live, q)) {
    snprintf(ui->note, sizeof ui->note, "busy: too many requests waiting, try again");
  } else {
    ui->note[0] = '\0';
  }
  return OPS_TUI_REDRAW;
}

unsigned ops_tui_keys_global(struct ops_tui *ui, int key, bool *handled) {
  *handled = true;
  if (ui->editing_filter) return filter_key(ui, key);
  switch (key) {
    case 'q':
    case 'Q':
    case KEY_CTRL('c'):
      return OPS_TUI_QUIT;
    case ' ':
      ui->paused = !ui->paused;
      ops_tui_live_set_paused(ui->live, ui->paused);
      snprintf(ui->note, sizeof ui->note, "%s", ui->paused ? "paused (Space resumes)" : "");
      return OPS_TUI_REDRAW;
    case 'u': {
      ui->want_unit = (ui->want_unit + 1) % (OPSCOPE_UNIT_ALL + 1);
      struct ops_tui_request q = {OPS_TUI_REQUEST_UNIT, -1, ui->want_unit};
      return request(ui, &q);
    }
    case 'b': {
      struct ops_tui_request q = {OPS_TUI_REQUEST_COMPARE, -1, -1};
      ui->view = &ops_tui_view_compare;
      return request(ui, &q);
    }
    case 'e': {
      struct ops_tui_request q = {OPS_TUI_REQUEST_EXPORT, -1, -1};
      unsigned r = request(ui, &q);
      if (ui->note[0] == '\0')
        snprintf(ui->note, sizeof ui->note, "exporting %s ...", ui->report_path);
      return r;
    }
    case '?':
      if (ui->view == &ops_tui_view_help) break;
      ui->back = ui->view;
      ui->view = &ops_tui_view_help;
      return OPS_TUI_REDRAW;
    case '/':
      if (ui->view != &ops_tui_view_table) break;
      ui->editing_filter = true;
      return OPS_TUI_REDRAW;
    case KEY_RESIZE:
      return OPS_TUI_REDRAW;
    default:
      break;
  }
  *handled = false;
  return OPS_TUI_NONE;
}

unsigned ops_tui_keys_move(struct ops_tui *ui, int key) {
  size_t n = ui->n_visible;
  size_t page = ui->table_rows > 1 ? (size_t)ui->table_rows - 1 : 1;
  if (n == 0) return OPS_TUI_NONE;
  switch (key) {
    case KEY_UP:
    case 'k':
      if (ui->selected > 0) ui->selected--;
      break;
    case KEY_DOWN:
    case 'j':
      if (ui->selected + 1 < n) ui->selected++;
      break;
    case KEY_PPAGE:
      ui->selected = ui->selected > page ? ui->selected - page : 0;
      break;
    case KEY_NPAGE:
      ui->selected = ui->selected + page < n ? ui->selected + page : n - 1;
      break;
    case KEY_HOME:
    case 'g':
      ui->selected = 0;
      break;
    case KEY_END:
    case 'G':
      ui->selected = n - 1;
      break;
    default:
      return OPS_TUI_NONE;
  }
  return OPS_TUI_REDRAW;
}
