/*
 * The live terminal view, `opscope -m MODEL --tui` (docs/tui.md): a benchmark loop on its own
 * thread (tui/runner.c) and an ncurses screen that draws what it publishes. This header is the
 * only one the CLI includes; nothing outside tui/ sees ncurses.
 */
#ifndef OPSCOPE_TUI_TUI_H
#define OPSCOPE_TUI_TUI_H

#include <stddef.h>

#include "opscope.h"
#include "src/diag.h"

struct ops_tui_config {
  const opscope_model_t *model;        /* borrowed: loaded, shapes fixed */
  int unit;                            /* the first requested unit */
  const struct opscope_tensor *inputs; /* borrowed: the input of every run */
  size_t n_inputs;
  const char *input_source;   /* "seed 1", shown and reported */
  const int *overrides;       /* graph->n_nodes units to force (-1 none); may be NULL */
  const char *overrides_path; /* --overrides FILE: saved on every change; may be NULL */
  const char *report_path;    /* where `e` writes the JSON report */
  const char *cpu;            /* CPU model, for the header */
  const char *isa;            /* ISA in effect, for the header */
  const char *command_line;   /* for the report */
  double load_ms;             /* model load time, for the report; negative when unknown */
};

/* Takes over the terminal (stdin and stdout must be one), runs the view until `q`, SIGINT or
 * SIGTERM, and gives the terminal back as it found it. OPS_ERR_UNAVAILABLE when there is no
 * terminal or the terminal cannot be set up (`d` says which); OPS_ERR_NO_MEMORY. */
enum ops_status ops_tui_run(const struct ops_tui_config *cfg, struct ops_diag *d);

#endif /* OPSCOPE_TUI_TUI_H */
