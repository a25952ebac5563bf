/*
 * The machine a report was measured on: CPU, instruction sets, cores and threads, frequency
 * governor, perf_event_paranoid, kernel, compiler and build type. The CLI collects it
 * (src/cli-env.c); reports only write it, so a baseline from another machine can be told apart.
 */
#ifndef OPSCOPE_REPORTS_ENVIRONMENT_H
#define OPSCOPE_REPORTS_ENVIRONMENT_H

#include <stdbool.h>

struct json_object;

struct ops_report_env {
  char cpu_model[128];     /* CPUID brand string or /proc/cpuinfo "model name" */
  char isa_detected[256];  /* instruction sets the CPU and OS support, space-separated */
  char isa_used[256];      /* those kernels may use after --isa / OPSCOPE_ISA */
  char isa_cap[32];        /* the cap in effect, "" when none */
  int online_cores;        /* sysconf(_SC_NPROCESSORS_ONLN); -1 when unknown */
  int pool_threads;        /* threads of the threads unit's pool, the caller included */
  char governor[64];       /* cpu0's cpufreq scaling governor; "" when unreadable */
  int perf_event_paranoid; /* /proc/sys/kernel/perf_event_paranoid, when paranoid_known */
  bool paranoid_known;
  char kernel[256];    /* uname: sysname release version machine */
  char compiler[128];  /* __VERSION__ of the compiler that built opscope */
  char build_type[32]; /* CMAKE_BUILD_TYPE, "" when none was set */
  int hypervisor;      /* CPUID leaf 1 ECX bit 31: 1 set, 0 clear, -1 not x86 */
};

/* The `environment` object of the JSON report (new json-c object owned by the caller), or NULL
 * when memory runs out. */
struct json_object *ops_report_env_json(const struct ops_report_env *e);

#endif /* OPSCOPE_REPORTS_ENVIRONMENT_H */
