/*
 * The sampling profiler (issue #7, `--sample`): perf_event_open in sampling mode on one thread,
 * its records read from the mmap ring buffer, then symbolized (profiler/symbolize.h) and
 * attributed to the step of the compiled model that was running (ops_exec timeline), into an
 * ops_sample_report of hot functions, hot lines and per-op counts.
 *
 * Staged like the counters (STYLE.md §7): ops_sampler_open -> ops_sampler_start ->
 * [ops_sampler_drain between runs] -> ops_sampler_stop -> ops_sampler_drain ->
 * ops_sample_report_build -> ops_sample_report_done, ops_sampler_close.
 *
 * One sampler samples one thread, with inherit off, so pool threads get one sampler each (pass
 * their tid) and the report merges them. `cycles` is used where the CPU exposes it, else the
 * `cpu-clock` software timer; in VMs without a virtual PMU only the latter exists. Sampling that
 * is not possible (perf_event_paranoid, seccomp, no memory for the ring) leaves the sampler
 * NOT_SUPPORTED with a reason, never a crash and never an empty report presented as real.
 */
#ifndef OPSCOPE_PROFILER_SAMPLE_H
#define OPSCOPE_PROFILER_SAMPLE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "compiler/exec.h"
#include "profiler/pmu.h"
#include "profiler/symbolize.h"
#include "src/diag.h"

#define OPS_SAMPLER_DEFAULT_HZ 4000.0
#define OPS_SAMPLER_DEFAULT_PAGES 512      /* data pages: 2 MiB, 65536 samples, 16 s at 4 kHz */
#define OPS_SAMPLER_DEFAULT_MAX (1u << 22) /* samples kept per sampler; more are dropped */

enum ops_sampler_event {
  OPS_SAMPLER_EVENT_AUTO = 0,  /* cycles when available, else cpu-clock */
  OPS_SAMPLER_EVENT_CYCLES,    /* hardware cycles only */
  OPS_SAMPLER_EVENT_CPU_CLOCK, /* the cpu-clock software timer only */
  OPS_SAMPLER_EVENT_COUNT
};

struct ops_sampler_config {
  enum ops_sampler_event event;
  double frequency_hz;  /* samples per second of the thread's CPU time; 0: 4000 */
  uint64_t period;      /* when not 0, a fixed period instead: events for cycles, nanoseconds for
                           cpu-clock */
  pid_t tid;            /* thread to sample (a thread of this process); 0: the calling thread */
  size_t ring_pages;    /* data pages of the ring, a power of two; 0: OPS_SAMPLER_DEFAULT_PAGES.
                           Halved down to 1 when the locked-memory limit refuses it. */
  size_t max_samples;   /* samples kept; 0: OPS_SAMPLER_DEFAULT_MAX */
  bool no_drain_thread; /* true: only ops_sampler_drain empties the ring, so one run's samples
                           must fit in it; false (default): a thread also drains it every 20 ms
                           while sampling, so runs of any length fit */
};

/* One sample: where the thread was and when. */
struct ops_sample {
  uint64_t ip;      /* user-space instruction address */
  uint64_t time_ns; /* CLOCK_MONOTONIC nanoseconds, comparable with clock_gettime */
  uint32_t tid;
};

struct ops_sampler {
  enum ops_counter_state state;    /* OK once opened, NOT_SUPPORTED with `reason` otherwise */
  char reason[OPS_PMU_REASON_MAX]; /* why NOT_SUPPORTED; "" when OK */
  char note[OPS_PMU_REASON_MAX];   /* why the preferred event was not used, or "" */
  const char *event;               /* static: "cycles" or "cpu-clock"; NULL when unavailable */
  uint64_t period;                 /* the period asked for (events or ns), 0 in frequency mode */
  double frequency_hz;             /* the frequency asked for, 0 in period mode */
  pid_t tid;                       /* the thread sampled */
  struct ops_sample *samples;      /* owned; n samples in the order they were taken */
  size_t n;
  uint64_t lost;      /* samples the kernel dropped because the ring was full (PERF_RECORD_LOST) */
  uint64_t dropped;   /* samples read but not kept: max_samples reached or out of memory */
  uint64_t malformed; /* drains that met a record of impossible size and skipped the rest */
  uint64_t full;      /* drains that found the ring full: later samples were lost, possibly
                         without a PERF_RECORD_LOST to count them */
  /* Private to sample.c. */
  size_t cap;
  size_t max_samples;
  int fd;
  void *ring;        /* 1 + data_pages pages, mmap'd */
  size_t ring_bytes; /* the whole mapping */
  size_t data_bytes; /* the data part, a power of two */
  bool use_thread;
  bool thread_running;
  bool lock_ready;
  atomic_bool stop_thread;
  pthread_t thread;
  pthread_mutex_t lock; /* guards the ring's tail and `samples` while the drain thread runs */
};

/* Opens a sampling event for cfg->tid (NULL cfg: all defaults), disabled, and maps its ring.
 * Returns OPS_OK, or OPS_ERR_UNAVAILABLE with s->state NOT_SUPPORTED and s->reason (also in `d`)
 * saying why: no perf_event_open, perf_event_paranoid, no such event, the ring could not be
 * mapped. OPS_ERR_BAD_INPUT for a config out of range (frequency, pages not a power of two),
 * OPS_ERR_NO_MEMORY. ops_sampler_close is safe after any result. */
enum ops_status ops_sampler_open(struct ops_sampler *s, const struct ops_sampler_config *cfg,
                                 struct ops_diag *d);
/* Enables and disables sampling, and starts and joins the drain thread; no-ops when the sampler
 * is not OK. Should the drain thread fail to start, draining falls back to ops_sampler_drain.
 * The drain thread holds the sampler's address: it must not move between start and stop. */
void ops_sampler_start(struct ops_sampler *s);
void ops_sampler_stop(struct ops_sampler *s);
/* Moves the records in the ring into s->samples, counting lost and dropped samples. Call it
 * between runs (the ring holds ring_pages * 128 samples, so one run must fit) and once after
 * stopping. It grows s->samples with realloc, so not inside a timed run. Safe when not OK. */
void ops_sampler_drain(struct ops_sampler *s);
/* Unmaps, closes and frees; safe on a zeroed or half-opened sampler, and twice. */
void ops_sampler_close(struct ops_sampler *s);

/* The record parser of ops_sampler_drain on a plain buffer, so wrap-around and lost records can
 * be tested without the kernel: reads the records of `data` (`data_bytes`, a power of two)
 * between offsets `tail` and `head` (free-running counters as in perf_event_mmap_page) into `s`.
 * Returns the new tail (== head). */
uint64_t ops_sampler_parse(struct ops_sampler *s, const unsigned char *data, size_t data_bytes,
                           uint64_t tail, uint64_t head);

/* Step of a timeline (see ops_exec_set_timeline: n_steps + 1 entries per run, step starts then
 * the run's end) running at `time_ns`, by binary search; OPS_SAMPLE_OUTSIDE when the time lies
 * before, between or after the recorded runs. */
#define OPS_SAMPLE_OUTSIDE ((size_t)-1)
size_t ops_sample_attribute(const uint64_t *timeline, size_t len, size_t n_steps, uint64_t time_ns);

/* ---- the aggregation --------------------------------------------------------------------- */

/* A function, with the samples whose address lies in it. */
struct ops_sample_func {
  char *function; /* owned; "[unknown]" when the address has no symbol */
  char *module;   /* owned; shared object or executable base name, "[unknown]" when none */
  enum ops_symbol_quality quality; /* the worst of its samples' symbolizations */
  uint64_t count;
  double share; /* of the report's n_samples, 0..1 */
};

/* A source line, with its samples. */
struct ops_sample_line {
  char *file;     /* owned; as recorded in the debug info */
  int line;       /* 1-based */
  char *function; /* owned; the function containing it */
  char *module;   /* owned */
  uint64_t count;
  double share; /* of n_samples */
};

/* One step of the compiled model, with the samples taken while it ran. */
struct ops_sample_op {
  size_t step;   /* index into exec->steps */
  int node;      /* index into graph->nodes */
  char *name;    /* owned: the node's name */
  char *op_type; /* owned */
  char *kernel;  /* owned: the kernel that ran it */
  uint64_t count;
  double share; /* of n_samples */
};

struct ops_sample_report {
  enum ops_counter_state state;            /* NOT_SUPPORTED: no numbers below, `reason` says why */
  char reason[OPS_PMU_REASON_MAX];         /* why not OK */
  char note[OPS_PMU_REASON_MAX];           /* why cycles were not used, or "" */
  const char *event;                       /* static: "cycles", "cpu-clock" or NULL */
  double frequency_hz;                     /* as asked; 0 in period mode */
  uint64_t period;                         /* as asked; 0 in frequency mode */
  size_t n_threads;                        /* samplers merged */
  uint64_t n_samples;                      /* samples symbolized and counted below */
  uint64_t lost, dropped, malformed, full; /* summed over the samplers */
  uint64_t no_symbol;            /* samples with no function name (module + offset at best) */
  uint64_t no_line;              /* samples without a source line (no debug info) */
  bool attributed;               /* a timeline was given: `ops` and `outside_runs` are meaningful */
  uint64_t outside_runs;         /* samples taken between or around the recorded runs */
  struct ops_sample_func *funcs; /* owned; n_funcs, most samples first */
  size_t n_funcs;
  struct ops_sample_line *lines; /* owned; n_lines, most samples first */
  size_t n_lines;
  struct ops_sample_op *ops; /* owned; n_ops (only steps with samples), most samples first */
  size_t n_ops;
};

/* Builds `out` from `n_samplers` samplers (drained). When every sampler is NOT_SUPPORTED, `out`
 * is NOT_SUPPORTED with the first one's reason and OPS_OK is returned: the caller reports n/a.
 * Addresses go through `symbols` (NULL: all "[unknown]"). When `exec` is not NULL and has a
 * timeline attached, samples are attributed to its steps. Fails only with OPS_ERR_NO_MEMORY (out is
 * then done). */
enum ops_status ops_sample_report_build(struct ops_sample_report *out,
                                        const struct ops_sampler *const *samplers,
                                        size_t n_samplers, struct ops_symbols *symbols,
                                        const struct ops_exec *exec, struct ops_diag *d);
/* Frees what the report owns; safe on a zeroed or half-built report. */
void ops_sample_report_done(struct ops_sample_report *r);

#endif /* OPSCOPE_PROFILER_SAMPLE_H */
