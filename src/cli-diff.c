/*
 * `opscope diff A.json B.json [--format text|md|csv]`: two reports side by side, per unit
 * (benchmark medians) and per op (profile means), the largest change first. A and B must be
 * reports of one model: deltas between different graphs mean nothing.
 */
#include <stdio.h>
#include <string.h>

#include "reports/baseline.h"
#include "src/cli.h"

static int usage(const char *problem) {
  fprintf(stderr, "opscope diff: %s\nusage: opscope diff A.json B.json [--format text|md|csv]\n",
          problem);
  return OPS_EXIT_BAD_INPUT;
}

int ops_cli_diff(int argc, char **argv) {
  const char *paths[2] = {NULL, NULL};
  size_t n_paths = 0;
  enum ops_table_format fmt = OPS_TABLE_FORMAT_TEXT;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *value = NULL;
    if (strncmp(a, "--format=", 9) == 0) {
      value = a + 9;
    } else if (strcmp(a, "--format") == 0) {
      if (i + 1 >= argc) return usage("--format needs a value");
      value = argv[++i];
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      printf(
          "usage: opscope diff A.json B.json [--format text|md|csv]\n"
          "Per-unit median latency and per-op mean time of two opscope reports of the same\n"
          "model, with B - A in ms and percent, ops sorted by the size of the change.\n");
      return OPS_EXIT_OK;
    } else if (a[0] == '-' && a[1] != '\0') {
      char msg[300];
      snprintf(msg, sizeof msg, "unknown option '%.200s'", a);
      return usage(msg);
    } else {
      if (n_paths == 2) return usage("expected two reports, got more");
      paths[n_paths++] = a;
      continue;
    }
    if (!ops_table_format_parse(value, &fmt) || fmt == OPS_TABLE_FORMAT_JSON) {
      char msg[300];
      snprintf(msg, sizeof msg, "--format: unknown format '%.200s' (text, md, csv)", value);
      return usage(msg);
    }
  }
  if (n_paths != 2) return usage("expected two reports");
  struct ops_baseline a, b;
  memset(&b, 0, sizeof b);
  struct ops_diag d;
  int rc = OPS_EXIT_OK;
  enum ops_status st = ops_baseline_load(paths[0], &a, &d);
  if (st == OPS_OK) st = ops_baseline_load(paths[1], &b, &d);
  if (st == OPS_OK) {
    ops_diag_init(&d, NULL);
    st = ops_baseline_check_model(&a, &b, &d);
  }
  if (st == OPS_OK) st = ops_baseline_diff_write(stdout, &a, &b, fmt, &d);
  if (st != OPS_OK) rc = ops_cli_fail((int)st, d.msg);
  ops_baseline_done(&a);
  ops_baseline_done(&b);
  return rc;
}
