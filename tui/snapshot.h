/*
 * The live view's data model (STYLE.md §7): what the benchmark thread measured, published as
 * one plain struct under a mutex, and the requests the screen sends back. The runner fills a
 * private snapshot and publishes it a few times a second; the screen copies the published one
 * out under the lock and draws its copy, so drawing never holds the lock and never sees a
 * half-written frame.
 */
#ifndef OPSCOPE_TUI_SNAPSHOT_H
#define OPSCOPE_TUI_SNAPSHOT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "planner/plan.h"
#include "profiler/pmu.h"
#include "src/diag.h"

#define OPS_TUI_OP_HISTORY 60   /* per-op means kept for the drill-down graph, one per publish */
#define OPS_TUI_LAT_HISTORY 120 /* whole-run latencies kept for the sparkline, one per publish */
#define OPS_TUI_KERNEL_MAX 96
/* Room for a diagnostic (OPS_DIAG_MAX) and the words put before it. */
#define OPS_TUI_MESSAGE_MAX (OPS_DIAG_MAX + 256)
#define OPS_TUI_MAX_REQUESTS 16

/* One node of the model as the current plan places it and the runs measure it. */
struct ops_tui_row {
  int node;                         /* index into graph->nodes */
  int kind;                         /* enum ops_plan_kind */
  int assigned;                     /* enum opscope_unit, or -1 (folded or no unit) */
  int override_unit;                /* enum opscope_unit the user forced, or -1 */
  bool fallback;                    /* not on the requested unit */
  bool executed;                    /* a step of the compiled model */
  char kernel[OPS_TUI_KERNEL_MAX];  /* "" when none */
  char ukernel[OPS_TUI_KERNEL_MAX]; /* "" when none */
  const char *code;                 /* static reason code, "" when placed as requested */
  const char *hint;                 /* static hint, "" when none */
  char reason[OPS_PLAN_REASON_MAX]; /* "" when placed as requested */
  bool supported[OPSCOPE_UNIT_ALL];
  double est_ms[OPSCOPE_UNIT_ALL]; /* the cost model's estimate per unit, milliseconds */
  struct ops_node_cost cost;
  uint64_t runs;                       /* runs measured since the plan was built */
  double sum_ms;                       /* over those runs */
  double mean_ms;                      /* sum_ms / runs; NAN before the first run */
  double last_ms;                      /* the last run's; NAN before the first */
  float hist[OPS_TUI_OP_HISTORY];      /* mean per publish interval, milliseconds; ring */
  size_t hist_len, hist_head;          /* entries used; index of the oldest */
  double counters[OPS_PMU_MAX_EVENTS]; /* per run, summed in counter runs; NAN when unavailable */
};

/* One unit of the `b` comparison. */
struct ops_tui_compare_row {
  int unit;
  bool ran;         /* false: it could not run the model (error says why) */
  double median_ms; /* of the timed runs */
  double min_ms;
  double p90_ms;
  size_t runs;
  size_t fallbacks; /* ops not on this unit */
  double est_ms;    /* the cost model's whole-model estimate */
  char error[256];
};

enum ops_tui_compare_state {
  OPS_TUI_COMPARE_NONE = 0,
  OPS_TUI_COMPARE_RUNNING,
  OPS_TUI_COMPARE_DONE,
  OPS_TUI_COMPARE_STATE_COUNT
};

struct ops_tui_snapshot {
  uint64_t version; /* bumped at every publish */
  int requested;    /* enum opscope_unit */
  bool paused;
  bool stopped; /* the runner gave up; error says why */
  char error[OPS_TUI_MESSAGE_MAX];
  int threads;    /* threads of the compiled model (1 without the threads unit) */
  uint64_t runs;  /* timed runs since the plan was built */
  uint64_t plans; /* plans built, the first included */
  double last_ms; /* the last run's latency; NAN before the first */
  double mean_ms; /* over the runs of this plan */
  double min_ms;
  double est_ms;    /* the plan's whole-model estimate */
  size_t fallbacks; /* executable and metadata nodes not on the request */
  size_t overrides; /* nodes the user forced */
  float lat[OPS_TUI_LAT_HISTORY];
  size_t lat_len, lat_head;
  /* Counters: the names and states of the runner's event set; per-op values are in rows. */
  size_t n_counters;
  struct ops_pmu_counter counter_info[OPS_PMU_MAX_EVENTS];
  size_t counters_ok; /* counters that could be read */
  uint64_t counter_runs;
  struct ops_tui_row *rows; /* owned; n_rows entries in graph order */
  size_t n_rows;
  enum ops_tui_compare_state compare_state;
  struct ops_tui_compare_row compare[OPSCOPE_UNIT_ALL + 1];
  size_t n_compare;
  char message[OPS_TUI_MESSAGE_MAX]; /* the runner's latest news ("override refused: ...") */
  uint64_t message_seq;              /* bumped with each message */
};

enum ops_tui_request_kind {
  OPS_TUI_REQUEST_UNIT = 0, /* re-plan for `unit` */
  OPS_TUI_REQUEST_OVERRIDE, /* node `node` on `unit` (-1 clears it) */
  OPS_TUI_REQUEST_COMPARE,  /* benchmark every unit */
  OPS_TUI_REQUEST_EXPORT,   /* write the JSON report */
  OPS_TUI_REQUEST_KIND_COUNT
};

struct ops_tui_request {
  enum ops_tui_request_kind kind;
  int node;
  int unit;
};

/* The meeting point of the runner and the screen. Everything below `lock` is read and written
 * only with it held. */
struct ops_tui_live {
  pthread_mutex_t lock;
  pthread_cond_t wake; /* signalled on every request, pause change and quit */
  struct ops_tui_snapshot published;
  bool quit;
  bool paused;
  struct ops_tui_request requests[OPS_TUI_MAX_REQUESTS];
  size_t n_requests;
};

/* Allocates rows for `n_rows` nodes. ops_tui_snapshot_done() releases them; safe on a zeroed or
 * half-built snapshot. OPS_ERR_NO_MEMORY on failure. */
enum ops_status ops_tui_snapshot_init(struct ops_tui_snapshot *s, size_t n_rows);
void ops_tui_snapshot_done(struct ops_tui_snapshot *s);
/* Copies `src` into `dst`, both initialised for the same number of rows. */
void ops_tui_snapshot_copy(struct ops_tui_snapshot *dst, const struct ops_tui_snapshot *src);

/* Pushes `v` into a ring of `cap` entries (len entries used, head the oldest). */
void ops_tui_ring_push(float *ring, size_t cap, size_t *len, size_t *head, float v);
/* Entry `i` of a ring, 0 the oldest. */
float ops_tui_ring_get(const float *ring, size_t cap, size_t head, size_t i);

enum ops_status ops_tui_live_init(struct ops_tui_live *live, size_t n_rows);
void ops_tui_live_done(struct ops_tui_live *live);
/* The screen's side: copies the published snapshot into `out` under the lock. */
void ops_tui_live_read(struct ops_tui_live *live, struct ops_tui_snapshot *out);
/* Queues a request for the runner; false when the queue is full (the screen says so). */
bool ops_tui_live_request(struct ops_tui_live *live, const struct ops_tui_request *r);
void ops_tui_live_set_paused(struct ops_tui_live *live, bool paused);
void ops_tui_live_quit(struct ops_tui_live *live);

#endif /* OPSCOPE_TUI_SNAPSHOT_H */
