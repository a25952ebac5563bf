/*
 * The machine a report describes (reports/environment.h). Every source is optional: a file that
 * cannot be read leaves its field empty, which the report writes as null.
 */
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "compiler/exec.h"
#include "kernels/cpu.h"
#include "src/cli.h"

#ifndef OPSCOPE_BUILD_TYPE
#define OPSCOPE_BUILD_TYPE ""
#endif

/* The first line of a small file, without its newline; false when it cannot be read. */
static bool read_line(const char *path, char *buf, size_t len) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return false;
  bool ok = fgets(buf, (int)len, f) != NULL;
  fclose(f);
  if (!ok) return false;
  buf[strcspn(buf, "\n")] = '\0';
  return true;
}

static void flags_words(uint32_t flags, char *buf, size_t len) {
  /* ops_cpu_flags_str writes "none" for no flags; the report wants an empty list. */
  if (flags == 0 || !ops_cpu_flags_str(flags, buf, len)) buf[0] = '\0';
}

void ops_cli_env_collect(struct ops_report_env *e) {
  memset(e, 0, sizeof *e);
  const struct ops_cpu *cpu = ops_cpu_get();
  snprintf(e->cpu_model, sizeof e->cpu_model, "%s", cpu->model);
  flags_words(cpu->detected, e->isa_detected, sizeof e->isa_detected);
  flags_words(cpu->flags, e->isa_used, sizeof e->isa_used);
  snprintf(e->isa_cap, sizeof e->isa_cap, "%s", cpu->cap ? cpu->cap : "");
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  e->online_cores = cores > 0 && cores < 1000000 ? (int)cores : -1;
  e->pool_threads = ops_exec_pool_threads();
  if (!read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", e->governor,
                 sizeof e->governor)) {
    e->governor[0] = '\0';
  }
  char line[32];
  if (read_line("/proc/sys/kernel/perf_event_paranoid", line, sizeof line) &&
      sscanf(line, "%d", &e->perf_event_paranoid) == 1) {
    e->paranoid_known = true;
  }
  struct utsname u;
  if (uname(&u) == 0) {
    /* A version string longer than the field is cut; the release before it is what matters. */
    int w = snprintf(e->kernel, sizeof e->kernel, "%s %s %s %s", u.sysname, u.release, u.version,
                     u.machine);
    if (w < 0) e->kernel[0] = '\0';
  }
#if defined(__clang__)
  snprintf(e->compiler, sizeof e->compiler, "%s", __VERSION__); /* "Debian Clang 14.0.6" */
#elif defined(__GNUC__)
  snprintf(e->compiler, sizeof e->compiler, "gcc %s", __VERSION__); /* gcc's is "12.2.0" */
#elif defined(__VERSION__)
  snprintf(e->compiler, sizeof e->compiler, "%s", __VERSION__);
#else
  snprintf(e->compiler, sizeof e->compiler, "unknown");
#endif
  snprintf(e->build_type, sizeof e->build_type, "%s", OPSCOPE_BUILD_TYPE);
  e->hypervisor = -1;
#if defined(__x86_64__) || defined(__i386__)
  unsigned a, b, c, d;
  /* Leaf 1 ECX bit 31 is reserved for hypervisors to set; bare metal leaves it clear. */
  if (__get_cpuid(1, &a, &b, &c, &d)) e->hypervisor = (c >> 31) & 1u;
#endif
}
