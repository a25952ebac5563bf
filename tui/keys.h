/*
 * Keys every screen of the live view shares, handled before the screen's own on_key: quit,
 * pause, unit, comparison, export, help, and the line editor of the `/` filter; and the
 * movement keys of lists.
 */
#ifndef OPSCOPE_TUI_KEYS_H
#define OPSCOPE_TUI_KEYS_H

#include <stdbool.h>

#include "tui/view.h"

/* Handles `key` when it is a shared key (or the filter editor is open) and sets *handled;
 * returns enum ops_tui_reaction bits. */
unsigned ops_tui_keys_global(struct ops_tui *ui, int key, bool *handled);
/* Moves the table's selection for Up/Down, PgUp/PgDn, Home/End (and k/j); returns the
 * reaction, OPS_TUI_NONE for any other key. */
unsigned ops_tui_keys_move(struct ops_tui *ui, int key);

#endif /* OPSCOPE_TUI_KEYS_H */
