/*
 * The overrides file of `--tui --overrides FILE`: the what-if placements of key `o`, kept
 * between sessions. A text file, one override per line:
 *
 *   # comment
 *   NODE_NAME UNIT
 *
 * where UNIT is scalar, simd or threads and NODE_NAME is the node's name as the plan shows it.
 * Names with whitespace cannot be written in this format: overriding such a node works for the
 * session, and saving it fails with a message. Blank lines and lines starting with '#' are
 * skipped.
 */
#ifndef OPSCOPE_TUI_OVERRIDES_H
#define OPSCOPE_TUI_OVERRIDES_H

#include <stddef.h>

#include "src/diag.h"
#include "src/graph.h"

/* Reads `path` into units[node] (graph->n_nodes entries, set to -1 first). A missing file is
 * no overrides (it is written on the first change). A malformed line, an unknown node or unit,
 * or a node given twice fails with OPS_ERR_BAD_INPUT and "PATH:LINE: problem" in `d`;
 * OPS_ERR_IO when the file exists but cannot be read. */
enum ops_status ops_tui_overrides_read(const char *path, const struct ops_graph *g, int *units,
                                       struct ops_diag *d);

/* Writes the overrides (units[node] >= 0) to `path`, replacing it through a temporary file so a
 * crash never leaves half a file. OPS_ERR_IO naming the file when it cannot be written;
 * OPS_ERR_UNSUPPORTED when a node name has whitespace and cannot be written. */
enum ops_status ops_tui_overrides_write(const char *path, const struct ops_graph *g,
                                        const int *units, struct ops_diag *d);

#endif /* OPSCOPE_TUI_OVERRIDES_H */
