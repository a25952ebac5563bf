/*
 * --tui: hands the loaded model, its inputs and the overrides file to the live view (tui/).
 * Without a terminal on stdin and stdout it refuses with exit 2, so a script that runs
 * `opscope --tui` gets a clear message rather than a garbled screen.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernels/cpu.h"
#include "src/api-impl.h"
#include "src/cli.h"
#include "src/size.h"
#include "tui/overrides.h"
#include "tui/tui.h"

/* opscope-tui-NAME.json, with NAME reduced to characters safe in a file name. */
static void default_report_path(const opscope_model_t *m, char *buf, size_t len) {
  char name[128];
  const char *src = opscope_model_name(m);
  if (src == NULL || src[0] == '\0') src = "model";
  size_t k = 0;
  for (const char *p = src; *p != '\0' && k + 1 < sizeof name; p++) {
    unsigned char c = (unsigned char)*p;
    name[k++] = isalnum(c) || c == '-' || c == '_' || c == '.' ? (char)c : '_';
  }
  name[k] = '\0';
  snprintf(buf, len, "opscope-tui-%s.json", name);
}

int ops_cli_tui(struct ops_cli_session *s) {
  const struct ops_cli_options *o = s->opts;
  /* Planning once first runs whatever graph passes the model has (they may fuse or remove
   * nodes), so the node list that the overrides file names and the view shows is the final one,
   * and the runner thread's later plans never change the graph the screen reads. */
  char err[1024];
  opscope_plan_t *first = NULL;
  int pst = opscope_plan_new(s->model, o->unit, &first, err, sizeof err);
  opscope_plan_free(first);
  if (pst != OPSCOPE_OK) return ops_cli_fail(pst, err);
  const struct ops_graph *g = s->model->graph;
  int *overrides = ops_calloc_array(g->n_nodes ? g->n_nodes : 1, sizeof *overrides);
  if (overrides == NULL) return ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "out of memory");
  for (size_t i = 0; i < g->n_nodes; i++)
    overrides[i] = -1;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (o->overrides_path != NULL) {
    enum ops_status st = ops_tui_overrides_read(o->overrides_path, g, overrides, &d);
    if (st != OPS_OK) {
      free(overrides);
      return ops_cli_fail((int)st, d.msg);
    }
  }
  /* After the overrides file, so a bad line is reported with or without a terminal. */
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    free(overrides);
    return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, "--tui needs a terminal");
  }
  int rc = ops_cli_inputs_build(s);
  if (rc != OPS_EXIT_OK) {
    free(overrides);
    return rc;
  }
  char report_path[512];
  if (o->report_path != NULL) {
    snprintf(report_path, sizeof report_path, "%s", o->report_path);
  } else {
    default_report_path(s->model, report_path, sizeof report_path);
  }
  const struct ops_cpu *cpu = ops_cpu_get();
  struct ops_tui_config cfg = {
      .model = s->model,
      .unit = o->unit,
      .inputs = s->inputs.tensors,
      .n_inputs = s->inputs.n,
      .input_source = s->inputs.source,
      .overrides = overrides,
      .overrides_path = o->overrides_path,
      .report_path = report_path,
      .cpu = cpu->model,
      .isa = ops_cpu_isa_name(),
      .command_line = o->command_line,
      .load_ms = s->report.timing.load_ms,
  };
  enum ops_status st = ops_tui_run(&cfg, &d);
  free(overrides);
  if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
  return OPS_EXIT_OK;
}
