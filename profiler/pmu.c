/*
 * perf_event_open counters. To add an event: one line in `events` below.
 */
#include "profiler/pmu.h"

#include <errno.h>
#include <math.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

struct event_desc {
  const char *name;
  const char *unit;
  uint32_t type;
  uint64_t config;
};

static const struct event_desc events[] = {
    {"cycles", "", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES},
    {"instructions", "", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS},
    {"cache-references", "", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES},
    {"cache-misses", "", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES},
    {"branches", "", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS},
    {"branch-misses", "", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES},
    {"task-clock", "ns", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK},
    {"page-faults", "", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS},
    {"context-switches", "", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES},
    {"cpu-migrations", "", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS},
};

const char ops_pmu_default_events[] =
    "cycles,instructions,cache-references,cache-misses,branch-misses,task-clock,page-faults,"
    "context-switches,cpu-migrations";

static const char *const state_names[OPS_COUNTER_STATE_COUNT] = {
    "ok", "scaled", "not counted", "not supported", "permission denied"};

const char *ops_counter_state_name(enum ops_counter_state s) {
  return (unsigned)s < OPS_COUNTER_STATE_COUNT ? state_names[s] : "not supported";
}

int ops_pmu_paranoid(void) {
  FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");
  int level = -100;
  if (f == NULL) return level;
  if (fscanf(f, "%d", &level) != 1) level = -100;
  fclose(f);
  return level;
}

/* A reason a person can act on, from the errno of perf_event_open. */
static void explain(int err, uint32_t type, char *buf, size_t len) {
  switch (err) {
    case ENOENT:
    case EOPNOTSUPP:
      snprintf(buf, len, "%s (%s)",
               type == PERF_TYPE_HARDWARE ? "not exposed by this CPU or its hypervisor"
                                          : "the kernel has no such event",
               strerror(err));
      break;
    case EACCES:
    case EPERM:
      snprintf(buf, len,
               "not permitted: perf_event_paranoid is %d; user-space counting needs 2 "
               "or less, or CAP_PERFMON (%s)",
               ops_pmu_paranoid(), strerror(err));
      break;
    case ENOSYS:
      snprintf(buf, len,
               "perf_event_open is not available: a seccomp filter or a kernel without "
               "CONFIG_PERF_EVENTS (%s)",
               strerror(err));
      break;
    case EMFILE:
      snprintf(buf, len, "out of file descriptors (%s)", strerror(err));
      break;
    default:
      snprintf(buf, len, "perf_event_open failed: %s", strerror(err));
      break;
  }
}

static int open_event(const struct event_desc *e, int group_fd) {
  struct perf_event_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.size = sizeof attr;
  attr.type = e->type;
  attr.config = e->config;
  attr.disabled = group_fd == -1;
  /* User space only, so perf_event_paranoid 2 (the common default) allows it. */
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  attr.read_format =
      PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
  return (int)syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, 0);
}

static const struct event_desc *find_desc(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof events / sizeof events[0]; i++) {
    if (strlen(events[i].name) == len && strncmp(events[i].name, name, len) == 0) return &events[i];
  }
  return NULL;
}

enum ops_status ops_pmu_open(struct ops_pmu_set *set, const char *list, struct ops_diag *d) {
  memset(set, 0, sizeof *set);
  set->leader[0] = set->leader[1] = -1;
  if (list == NULL) list = ops_pmu_default_events;
  for (const char *p = list; *p;) {
    size_t len = strcspn(p, ",");
    const struct event_desc *e = find_desc(p, len);
    if (e == NULL) {
      char known[512] = "";
      size_t at = 0;
      for (size_t i = 0; i < sizeof events / sizeof events[0] && at < sizeof known; i++) {
        int w = snprintf(known + at, sizeof known - at, "%s%s", i ? ", " : "", events[i].name);
        if (w > 0) at += (size_t)w;
      }
      enum ops_status st = ops_fail(d, OPS_ERR_BAD_INPUT,
                                    "--counters: unknown event '%.*s' "
                                    "(known: %s)",
                                    (int)len, p, known);
      ops_pmu_close(set);
      return st;
    }
    if (set->n == OPS_PMU_MAX_EVENTS) {
      ops_pmu_close(set);
      return ops_fail(d, OPS_ERR_BAD_INPUT, "--counters: more than %d events", OPS_PMU_MAX_EVENTS);
    }
    struct ops_pmu_counter *c = &set->counters[set->n++];
    c->name = e->name;
    c->unit = e->unit;
    c->group = e->type == PERF_TYPE_HARDWARE ? 0 : 1;
    c->fd = open_event(e, set->leader[c->group]);
    if (c->fd < 0) {
      int err = errno;
      c->state =
          err == EACCES || err == EPERM ? OPS_COUNTER_PERMISSION_DENIED : OPS_COUNTER_NOT_SUPPORTED;
      explain(err, e->type, c->reason, sizeof c->reason);
    } else {
      if (set->leader[c->group] < 0) set->leader[c->group] = c->fd;
      c->slot = set->members[c->group]++;
    }
    p += len;
    if (*p == ',') p++;
  }
  return OPS_OK;
}

void ops_pmu_start(struct ops_pmu_set *set) {
  for (int g = 0; g < 2; g++) {
    if (set->leader[g] < 0) continue;
    ioctl(set->leader[g], PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
    ioctl(set->leader[g], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
  }
}

void ops_pmu_stop(struct ops_pmu_set *set) {
  uint64_t buf[2][3 + OPS_PMU_MAX_EVENTS];
  bool ok[2] = {false, false};
  for (int g = 0; g < 2; g++) {
    if (set->leader[g] < 0) continue;
    ioctl(set->leader[g], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
    ssize_t want = (ssize_t)((3 + (size_t)set->members[g]) * sizeof(uint64_t));
    ok[g] = read(set->leader[g], buf[g], sizeof buf[g]) == want &&
            buf[g][0] == (uint64_t)set->members[g];
  }
  for (size_t i = 0; i < set->n; i++) {
    struct ops_pmu_counter *c = &set->counters[i];
    if (c->fd < 0) continue;
    const uint64_t *b = buf[c->group];
    if (!ok[c->group]) {
      c->state = OPS_COUNTER_NOT_COUNTED;
      snprintf(c->reason, sizeof c->reason, "the counter group could not be read");
      continue;
    }
    uint64_t enabled = b[1], running = b[2], raw = b[3 + c->slot];
    if (running == 0) {
      c->state = OPS_COUNTER_NOT_COUNTED;
      snprintf(c->reason, sizeof c->reason,
               "opened but never scheduled (all counters busy, or the interval was too short)");
      continue;
    }
    c->running_pct = enabled ? 100.0 * (double)running / (double)enabled : 100.0;
    c->value = (double)raw * ((double)enabled / (double)running);
    c->state = running < enabled ? OPS_COUNTER_SCALED : OPS_COUNTER_OK;
    c->reason[0] = '\0';
    if (c->state == OPS_COUNTER_SCALED) {
      snprintf(c->reason, sizeof c->reason, "multiplexed: counted %.1f%% of the time, scaled",
               c->running_pct);
    }
  }
}

void ops_pmu_read_now(const struct ops_pmu_set *set, double *values) {
  uint64_t buf[2][3 + OPS_PMU_MAX_EVENTS];
  bool ok[2] = {false, false};
  for (int g = 0; g < 2; g++) {
    if (set->leader[g] < 0) continue;
    ssize_t want = (ssize_t)((3 + (size_t)set->members[g]) * sizeof(uint64_t));
    ok[g] = read(set->leader[g], buf[g], sizeof buf[g]) == want &&
            buf[g][0] == (uint64_t)set->members[g];
  }
  for (size_t i = 0; i < set->n; i++) {
    const struct ops_pmu_counter *c = &set->counters[i];
    values[i] = NAN;
    if (c->fd < 0 || !ok[c->group]) continue;
    const uint64_t *b = buf[c->group];
    uint64_t enabled = b[1], running = b[2], raw = b[3 + c->slot];
    if (running == 0) continue;
    values[i] = (double)raw * ((double)enabled / (double)running);
  }
}

void ops_pmu_close(struct ops_pmu_set *set) {
  for (size_t i = 0; i < set->n; i++) {
    if (set->counters[i].fd >= 0) close(set->counters[i].fd);
    set->counters[i].fd = -1;
  }
  set->leader[0] = set->leader[1] = -1;
}

const struct ops_pmu_counter *ops_pmu_find(const struct ops_pmu_set *set, const char *name) {
  for (size_t i = 0; i < set->n; i++) {
    if (strcmp(set->counters[i].name, name) == 0) return &set->counters[i];
  }
  return NULL;
}
