/*
 * Counters through perf_event_open, staged as set up -> start -> stop -> read (STYLE.md §7).
 *
 * Events are opened in one group per kind (hardware, software), each group read in one call
 * with its enabled and running times, so a multiplexed count is scaled and labelled. A counter
 * that could not be read carries a state and a reason, never a number: opscope runs in VMs and
 * containers where hardware counters are often missing, and 0 would be a lie.
 */
#ifndef OPSCOPE_PROFILER_PMU_H
#define OPSCOPE_PROFILER_PMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/diag.h"

enum ops_counter_state {
  OPS_COUNTER_OK = 0,            /* counted the whole time */
  OPS_COUNTER_SCALED,            /* multiplexed: counted part of the time, value scaled up */
  OPS_COUNTER_NOT_COUNTED,       /* opened, but never scheduled on the CPU */
  OPS_COUNTER_NOT_SUPPORTED,     /* could not be opened; `reason` says why */
  OPS_COUNTER_PERMISSION_DENIED, /* refused by perf_event_paranoid or capabilities; `reason` */
  OPS_COUNTER_STATE_COUNT
};

/* "ok", "scaled", "not counted", "not supported". */
const char *ops_counter_state_name(enum ops_counter_state s);

#define OPS_PMU_MAX_EVENTS 16
#define OPS_PMU_REASON_MAX 160

struct ops_pmu_counter {
  const char *name; /* static: "cycles", "task-clock", ... */
  const char *unit; /* static: "" for counts, "ns" for task-clock */
  enum ops_counter_state state;
  char reason[OPS_PMU_REASON_MAX]; /* why not OK, "" when OK */
  double value;       /* scaled total over the measured interval; valid when OK/SCALED */
  double running_pct; /* share of the interval the counter was scheduled, percent */
  /* Private to pmu.c. */
  int fd;
  int group; /* index of the group (0 hardware, 1 software) */
  int slot;  /* position in its group's read buffer */
};

struct ops_pmu_set {
  struct ops_pmu_counter counters[OPS_PMU_MAX_EVENTS];
  size_t n;
  int leader[2]; /* group leaders' fds, -1 when the group has none */
  int members[2];
};

/* The default event list (comma-separated) of --counters. */
extern const char ops_pmu_default_events[];

/* Opens the comma-separated `events` (NULL: the defaults) for the calling thread, disabled.
 * An event that cannot be opened is kept with state NOT_SUPPORTED and its reason; only an
 * unknown event name fails (OPS_ERR_BAD_INPUT, listing the known names). */
enum ops_status ops_pmu_open(struct ops_pmu_set *set, const char *events, struct ops_diag *d);
/* Resets and enables every group. */
void ops_pmu_start(struct ops_pmu_set *set);
/* Disables every group and reads the values, states and running shares. */
void ops_pmu_stop(struct ops_pmu_set *set);
/* Reads every counter's scaled running total now, without stopping, into values[i] (one per
 * counter of the set); NAN for a counter that is not open or could not be read. Two read()
 * calls (one per group): cheap enough for op boundaries, not for inner loops. */
void ops_pmu_read_now(const struct ops_pmu_set *set, double *values);
void ops_pmu_close(struct ops_pmu_set *set);

/* The counter called `name`, or NULL. */
const struct ops_pmu_counter *ops_pmu_find(const struct ops_pmu_set *set, const char *name);

/* `/proc/sys/kernel/perf_event_paranoid`, or -100 when unreadable. */
int ops_pmu_paranoid(void);

#endif /* OPSCOPE_PROFILER_PMU_H */
