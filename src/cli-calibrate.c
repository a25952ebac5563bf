/*
 * --calibrate: time the calibration microbenchmarks on every unit (profiler/calibrate.c) and
 * cache the measured peaks for this CPU model and ISA, where every later plan finds them
 * (planner/cost-model.c, ops_cost_model_current).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kernels/cpu.h"
#include "profiler/calibrate.h"
#include "src/cli.h"

/* mkdir -p of the directory part of `path`. */
static bool make_parent_dirs(const char *path) {
  char dir[4096];
  if (snprintf(dir, sizeof dir, "%s", path) >= (int)sizeof dir) return false;
  char *slash = strrchr(dir, '/');
  if (slash == NULL) return true;
  *slash = '\0';
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(dir, 0755) != 0 && errno != EEXIST) return false;
    *p = '/';
  }
  return mkdir(dir, 0755) == 0 || errno == EEXIST;
}

int ops_cli_calibrate(struct ops_cli_session *s) {
  const struct ops_cli_options *o = s->opts;
  const struct ops_cpu *cpu = ops_cpu_get();
  const char *isa = ops_cpu_isa_name();
  struct ops_cost_model m;
  ops_cost_model_defaults(&m);
  struct ops_bench_config cfg = {o->warmup, o->iterations, o->min_time_s, false, NULL, NULL};
  struct ops_calibration cal;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (!o->quiet) printf("Calibrating on %s (ISA %s)...\n", cpu->model, isa);
  fflush(stdout);
  enum ops_status st = ops_calibrate(&m, &cfg, &cal, &d);
  if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
  char path[4096];
  if (!ops_cost_model_cache_path(path, sizeof path, cpu->model, isa)) {
    return ops_cli_fail(OPSCOPE_ERR_IO,
                        "--calibrate: neither XDG_CACHE_HOME nor HOME names a directory to cache "
                        "the calibration in");
  }
  if (!make_parent_dirs(path)) {
    char msg[4200];
    snprintf(msg, sizeof msg, "%s: cannot create its directory: %s", path, strerror(errno));
    return ops_cli_fail(OPSCOPE_ERR_IO, msg);
  }
  snprintf(m.source, sizeof m.source, "calibrated (%.230s)", path);
  st = ops_cost_model_save(&m, path, cpu->model, isa, &d);
  if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
  if (!o->quiet) {
    printf("  %-18s %-8s %12s %12s  %s\n", "microbenchmark", "unit", "median ms", "rate",
           "measures");
    for (size_t i = 0; i < cal.n; i++) {
      const struct ops_calibration_entry *e = &cal.entries[i];
      if (!e->measured) continue;
      printf("  %-18s %-8s %12.4f %12.4g  %s\n", e->model, opscope_unit_name(e->unit), e->median_ms,
             e->rate, e->what);
    }
    /* What a unit could not run keeps its default; one line per unit says how much and why. */
    for (int u = 0; u < OPSCOPE_UNIT_ALL; u++) {
      size_t skipped = 0, total = 0;
      const char *first = NULL;
      for (size_t i = 0; i < cal.n; i++) {
        if (cal.entries[i].unit != u) continue;
        total++;
        if (cal.entries[i].measured) continue;
        if (skipped++ == 0) first = cal.entries[i].skipped;
      }
      if (skipped > 0) {
        printf("  %s: %zu of %zu not measured, defaults kept (first: %s)\n", opscope_unit_name(u),
               skipped, total, first);
      }
    }
    if (cal.pool_hot_us > 0) {
      printf(
          "  entering the thread pool: %.1f us with the workers awake (per op), %.1f us "
          "waking them (once per run)\n",
          cal.pool_hot_us, cal.pool_wake_us);
    }
    printf("Peaks: ");
    for (int u = 0; u < OPSCOPE_UNIT_ALL; u++)
      printf("%s%s %.3g GFLOP/s", u ? ", " : "", opscope_unit_name(u), m.units[u].gflops);
    printf(" (%.1f s)\n", cal.seconds);
  }
  printf("Wrote %s\n", path);
  return OPS_EXIT_OK;
}
