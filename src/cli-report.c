/*
 * The end of an invocation: environment, CI gates, the baseline comparison, -o - (the report
 * alone on stdout) and --format csv|md (the tables alone on stdout). Gates are evaluated after
 * every mode ran, on what they measured, so a gate never changes what the modes print.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "reports/baseline.h"
#include "reports/tables.h"
#include "src/cli.h"

int ops_cli_report_begin(struct ops_cli_session *s) {
  s->report_stdout_fd = -1;
  bool tables = s->opts->format == OPS_TABLE_FORMAT_CSV || s->opts->format == OPS_TABLE_FORMAT_MD;
  bool json = s->opts->report_path != NULL && strcmp(s->opts->report_path, "-") == 0;
  if (!tables && !json) return OPS_EXIT_OK;
  /* Everything the modes print goes to stderr from here; the report gets the real stdout. */
  fflush(stdout);
  int fd = dup(STDOUT_FILENO);
  if (fd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
    char msg[256];
    snprintf(msg, sizeof msg, "-o -: cannot set stdout aside for the report: %s", strerror(errno));
    if (fd >= 0) close(fd);
    return ops_cli_fail(OPSCOPE_ERR_IO, msg);
  }
  s->report_stdout_fd = fd;
  return OPS_EXIT_OK;
}

static void give_back_stdout(struct ops_cli_session *s) {
  if (s->report_stdout_fd < 0) return;
  fflush(stdout);
  dup2(s->report_stdout_fd, STDOUT_FILENO);
  close(s->report_stdout_fd);
  s->report_stdout_fd = -1;
}

static int compare_baseline(struct ops_cli_session *s) {
  const struct ops_cli_options *o = s->opts;
  struct ops_baseline old, cur;
  memset(&cur, 0, sizeof cur);
  struct ops_diag d;
  enum ops_status st = ops_baseline_load(o->baseline_path, &old, &d);
  if (st == OPS_OK) {
    ops_diag_init(&d, NULL);
    st = ops_baseline_from_report(&s->report, &cur, &d);
  }
  if (st == OPS_OK) st = ops_baseline_check_model(&old, &cur, &d);
  if (st == OPS_OK) st = ops_baseline_compare(&old, &cur, o->max_regression_pct, &s->gate_list, &d);
  ops_baseline_done(&old);
  ops_baseline_done(&cur);
  if (st != OPS_OK) {
    char msg[1100];
    snprintf(msg, sizeof msg, "--baseline: %s", d.msg);
    return ops_cli_fail((int)st, msg);
  }
  return OPS_EXIT_OK;
}

int ops_cli_report_finish(struct ops_cli_session *s) {
  const struct ops_cli_options *o = s->opts;
  ops_cli_env_collect(&s->env);
  s->report.env = &s->env;
  int rc = OPS_EXIT_OK;
  if (ops_gate_config_any(&o->gates) || o->baseline_path != NULL) {
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    enum ops_status st = ops_gates_evaluate(&s->report, &o->gates, &s->gate_list, &d);
    if (st != OPS_OK) rc = ops_cli_fail((int)st, d.msg);
    if (rc == OPS_EXIT_OK && o->baseline_path != NULL) rc = compare_baseline(s);
    s->report.gates = &s->gate_list;
    fflush(stdout);
    size_t failed = ops_gate_list_write_failures(stderr, &s->gate_list);
    if (rc == OPS_EXIT_OK && failed > 0) rc = OPS_EXIT_GATE;
    if (rc == OPS_EXIT_OK && !o->quiet) {
      printf("\nGates: all %zu passed\n", s->gate_list.n);
    } else if (failed > 0) {
      fprintf(stderr, "gates: %zu of %zu failed\n", failed, s->gate_list.n);
    }
  }
  give_back_stdout(s);
  if (o->format == OPS_TABLE_FORMAT_CSV || o->format == OPS_TABLE_FORMAT_MD) {
    /* The tables alone on stdout, from the same results the text above showed on stderr. */
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    enum ops_status st =
        ops_report_tables_write(stdout, &s->report, (enum ops_table_format)o->format, &d);
    fflush(stdout);
    if (st != OPS_OK && rc == OPS_EXIT_OK) rc = ops_cli_fail((int)st, d.msg);
  }
  return rc;
}

void ops_cli_report_done(struct ops_cli_session *s) {
  give_back_stdout(s);
  ops_gate_list_done(&s->gate_list);
}
