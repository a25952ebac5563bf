/*
 * The live view's benchmark thread (tui/runner.h).
 *
 * Each pass of the loop takes the screen's requests under the lock, acts on them between runs,
 * then runs the model once with per-op timing. Every eighth run is a counter run instead: the
 * step hook reads the counters at each op boundary, and its times are not recorded, because the
 * reads themselves cost time that would land in the ops. What was measured goes into the
 * runner's own snapshot, which is published about five times a second; the history rings get
 * one entry (the mean over the interval) per publish, so they span the same time on a model
 * that runs in 50 microseconds as on one that runs in 50 milliseconds.
 */
#include "tui/runner.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compiler/exec.h"
#include "profiler/bench.h"
#include "profiler/clock.h"
#include "reports/report.h"
#include "src/api-impl.h"
#include "src/size.h"
#include "tui/overrides.h"

#define PUBLISH_NS 200000000ull /* 0.2 s between publishes */
#define COUNTER_EVERY 8         /* one counter run per this many runs */
#define SAMPLES_CAP 4096        /* latencies kept for the JSON export */

/* Sets the message the screen shows in its footer. */
__attribute__((format(printf, 2, 3))) static void say(struct ops_tui_runner *r, const char *fmt,
                                                      ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(r->work.message, sizeof r->work.message, fmt, ap);
  va_end(ap);
  r->work.message_seq++;
}

static void publish(struct ops_tui_runner *r) {
  r->work.version++;
  pthread_mutex_lock(&r->live->lock);
  ops_tui_snapshot_copy(&r->live->published, &r->work);
  pthread_mutex_unlock(&r->live->lock);
  r->last_publish_ns = ops_clock_ns();
}

/* Clears what was measured for the previous plan; the latency ring is kept, so the sparkline
 * shows the step a unit change or an override made. */
static void reset_measurements(struct ops_tui_runner *r) {
  struct ops_tui_snapshot *s = &r->work;
  s->runs = 0;
  s->last_ms = s->mean_ms = s->min_ms = NAN;
  s->counter_runs = 0;
  for (size_t i = 0; i < s->n_rows; i++) {
    struct ops_tui_row *row = &s->rows[i];
    row->runs = 0;
    row->sum_ms = 0;
    row->mean_ms = row->last_ms = NAN;
    row->hist_len = row->hist_head = 0;
    for (size_t c = 0; c < OPS_PMU_MAX_EVENTS; c++)
      row->counters[c] = NAN;
    r->bucket_ms[i] = 0;
  }
  memset(r->counter_sum, 0, s->n_rows * OPS_PMU_MAX_EVENTS * sizeof *r->counter_sum);
  r->bucket_runs = 0;
  r->bucket_lat_ms = 0;
  r->samples_len = r->samples_head = 0;
}

/* Copies the plan's placement of every node into the rows. */
static void fill_rows(struct ops_tui_runner *r) {
  const struct ops_plan *plan = r->plan->plan;
  struct ops_plan_summary sum;
  ops_plan_summarize(plan, &sum);
  struct ops_tui_snapshot *s = &r->work;
  s->requested = r->requested;
  s->est_ms = sum.est_ms;
  s->fallbacks = sum.fallbacks;
  s->overrides = 0;
  /* The graph's passes ran before the view started (src/cli-tui.c), so the plan has a node
   * for every row; a row without one would be left as a folded, unplaced node. */
  for (size_t i = plan->n_nodes; i < s->n_rows; i++) {
    memset(&s->rows[i], 0, sizeof s->rows[i]);
    s->rows[i].node = (int)i;
    s->rows[i].kind = OPS_PLAN_CONSTANT;
    s->rows[i].assigned = s->rows[i].override_unit = -1;
    s->rows[i].code = s->rows[i].hint = "";
  }
  for (size_t i = 0; i < s->n_rows && i < plan->n_nodes; i++) {
    const struct ops_plan_node *pn = &plan->nodes[i];
    struct ops_tui_row *row = &s->rows[i];
    row->node = pn->node;
    row->kind = (int)pn->kind;
    row->assigned = pn->assigned;
    row->override_unit = r->overrides[i];
    if (row->override_unit >= 0) s->overrides++;
    row->fallback = ops_plan_node_is_fallback(plan, pn);
    row->executed = false;
    snprintf(row->kernel, sizeof row->kernel, "%s", pn->kernel ? pn->kernel->name : "");
    snprintf(row->ukernel, sizeof row->ukernel, "%s", pn->ukernel ? pn->ukernel : "");
    row->code = ops_reason_code(pn->reason);
    row->hint = ops_reason_hint(pn->reason);
    snprintf(row->reason, sizeof row->reason, "%s", pn->reason_text);
    memcpy(row->supported, pn->supported, sizeof row->supported);
    memcpy(row->est_ms, pn->est_ms, sizeof row->est_ms);
    row->cost = pn->cost;
  }
}

static void save_overrides(struct ops_tui_runner *r) {
  if (r->cfg.overrides_path == NULL) return;
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (ops_tui_overrides_write(r->cfg.overrides_path, r->graph, r->overrides, &d) != OPS_OK) {
    say(r, "%s", d.msg);
  }
}

/* Plans for r->requested with the overrides, compiles, and runs once to copy the inputs in.
 * An override the new plan refuses is dropped and said. A plan that cannot be compiled leaves
 * exec NULL with the reason in work.error: the screen still shows the plan, and another unit
 * may do. Fails only on memory. */
static enum ops_status rebuild(struct ops_tui_runner *r) {
  char err[OPS_DIAG_MAX];
  opscope_exec_free(r->exec);
  r->exec = NULL;
  opscope_plan_free(r->plan);
  r->plan = NULL;
  free(r->prev_step_ns);
  r->prev_step_ns = NULL;
  r->work.error[0] = '\0';
  r->work.threads = 1;
  reset_measurements(r);
  int st = opscope_plan_new(r->cfg.model, r->requested, &r->plan, err, sizeof err);
  if (st != OPSCOPE_OK) {
    snprintf(r->work.error, sizeof r->work.error, "%s", err);
    return st == OPSCOPE_ERR_NO_MEMORY ? OPS_ERR_NO_MEMORY : OPS_OK;
  }
  r->work.plans++;
  bool dropped = false;
  for (size_t i = 0; i < r->graph->n_nodes; i++) {
    if (r->overrides[i] < 0) continue;
    struct ops_diag d;
    ops_diag_init(&d, NULL);
    if (ops_plan_override(r->plan->plan, i, r->overrides[i], &d) != OPS_OK) {
      say(r, "dropped: %s", d.msg);
      r->overrides[i] = -1;
      dropped = true;
    }
  }
  if (dropped) save_overrides(r);
  fill_rows(r);
  st = opscope_exec_new(r->plan, &r->exec, err, sizeof err);
  if (st != OPSCOPE_OK) {
    snprintf(r->work.error, sizeof r->work.error, "cannot compile for %s: %s",
             opscope_unit_name(r->requested), err);
    r->exec = NULL;
    return st == OPSCOPE_ERR_NO_MEMORY ? OPS_ERR_NO_MEMORY : OPS_OK;
  }
  struct ops_exec *e = r->exec->exec;
  r->prev_step_ns = ops_calloc_array(e->n_steps ? e->n_steps : 1, sizeof *r->prev_step_ns);
  if (r->prev_step_ns == NULL) return OPS_ERR_NO_MEMORY;
  for (size_t s = 0; s < e->n_steps; s++)
    r->work.rows[e->steps[s].node].executed = true;
  r->work.threads = e->pool != NULL ? ops_exec_pool_threads() : 1;
  uint64_t t0 = ops_clock_ns();
  st = opscope_exec_run(r->exec, r->cfg.inputs, r->cfg.n_inputs, err, sizeof err);
  r->first_run_ms = (double)(ops_clock_ns() - t0) / 1e6;
  if (st != OPSCOPE_OK) {
    snprintf(r->work.error, sizeof r->work.error, "the first run failed: %s", err);
    opscope_exec_free(r->exec);
    r->exec = NULL;
    return OPS_OK;
  }
  ops_exec_set_profiling(e, true);
  return OPS_OK;
}

/* The step hook of counter runs: what the counters advanced since the last boundary belongs to
 * the step that just ended. */
static void counter_hook(void *ctx, size_t step) {
  struct ops_tui_runner *r = ctx;
  ops_pmu_read_now(&r->pmu, r->counter_now);
  if (r->counter_step_node >= 0) {
    double *sum = &r->counter_sum[(size_t)r->counter_step_node * OPS_PMU_MAX_EVENTS];
    for (size_t c = 0; c < r->pmu.n; c++)
      sum[c] += r->counter_now[c] - r->counter_prev[c];
  }
  memcpy(r->counter_prev, r->counter_now, sizeof r->counter_prev);
  const struct ops_exec *e = r->exec->exec;
  r->counter_step_node = step < e->n_steps ? e->steps[step].node : -1;
}

static void record_samples(struct ops_tui_runner *r, double ms) {
  if (r->samples_len < SAMPLES_CAP) {
    r->samples_ms[(r->samples_head + r->samples_len++) % SAMPLES_CAP] = ms;
  } else {
    r->samples_ms[r->samples_head] = ms;
    r->samples_head = (r->samples_head + 1) % SAMPLES_CAP;
  }
}

/* One run. Returns false when the run failed (the reason is in work.error, exec dropped). */
static bool run_once(struct ops_tui_runner *r) {
  struct ops_exec *e = r->exec->exec;
  struct ops_tui_snapshot *s = &r->work;
  struct ops_diag d;
  ops_diag_init(&d, r->graph->path);
  /* Counted over all passes, so the pass after a counter run is a timed one. */
  bool counter_run = r->pmu_open && s->counters_ok > 0 &&
                     (s->runs + s->counter_runs) % COUNTER_EVERY == COUNTER_EVERY - 1;
  if (counter_run) {
    r->counter_step_node = -1;
    ops_exec_set_step_hook(e, counter_hook, r);
  }
  uint64_t t0 = ops_clock_ns();
  enum ops_status st = ops_exec_run(e, &d);
  double ms = (double)(ops_clock_ns() - t0) / 1e6;
  if (counter_run) ops_exec_set_step_hook(e, NULL, NULL);
  if (st != OPS_OK) {
    snprintf(s->error, sizeof s->error, "run failed: %s", d.msg);
    opscope_exec_free(r->exec);
    r->exec = NULL;
    return false;
  }
  if (counter_run) {
    s->counter_runs++;
    for (size_t i = 0; i < s->n_rows; i++) {
      if (!s->rows[i].executed) continue;
      for (size_t c = 0; c < r->pmu.n; c++) {
        bool ok = s->counter_info[c].state == OPS_COUNTER_OK ||
                  s->counter_info[c].state == OPS_COUNTER_SCALED;
        s->rows[i].counters[c] =
            ok ? r->counter_sum[i * OPS_PMU_MAX_EVENTS + c] / (double)s->counter_runs : NAN;
      }
    }
    for (size_t k = 0; k < e->n_steps; k++)
      r->prev_step_ns[k] = e->step_ns[k];
    return true;
  }
  s->runs++;
  s->last_ms = ms;
  s->mean_ms = s->runs == 1 ? ms : s->mean_ms + (ms - s->mean_ms) / (double)s->runs;
  if (!(s->min_ms <= ms)) s->min_ms = ms;
  r->bucket_lat_ms += ms;
  r->bucket_runs++;
  record_samples(r, ms);
  for (size_t k = 0; k < e->n_steps; k++) {
    double op_ms = (double)(e->step_ns[k] - r->prev_step_ns[k]) / 1e6;
    r->prev_step_ns[k] = e->step_ns[k];
    int node = e->steps[k].node;
    struct ops_tui_row *row = &s->rows[node];
    row->runs++;
    row->sum_ms += op_ms;
    row->mean_ms = row->sum_ms / (double)row->runs;
    row->last_ms = op_ms;
    r->bucket_ms[node] += op_ms;
  }
  return true;
}

/* Closes the publish interval: one history entry per ring. */
static void close_bucket(struct ops_tui_runner *r) {
  struct ops_tui_snapshot *s = &r->work;
  if (r->bucket_runs == 0) return;
  double n = (double)r->bucket_runs;
  ops_tui_ring_push(s->lat, OPS_TUI_LAT_HISTORY, &s->lat_len, &s->lat_head,
                    (float)(r->bucket_lat_ms / n));
  for (size_t i = 0; i < s->n_rows; i++) {
    struct ops_tui_row *row = &s->rows[i];
    if (!row->executed) continue;
    ops_tui_ring_push(row->hist, OPS_TUI_OP_HISTORY, &row->hist_len, &row->hist_head,
                      (float)(r->bucket_ms[i] / n));
    r->bucket_ms[i] = 0;
  }
  r->bucket_runs = 0;
  r->bucket_lat_ms = 0;
}

/* Key `b`: every unit planned and compiled afresh (without the overrides) and benchmarked
 * round by round, so drift hits each unit alike. */
static enum ops_status compare_units(struct ops_tui_runner *r) {
  struct ops_tui_snapshot *s = &r->work;
  opscope_plan_t *plans[OPSCOPE_UNIT_ALL + 1] = {NULL};
  opscope_exec_t *execs[OPSCOPE_UNIT_ALL + 1] = {NULL};
  struct ops_exec *ok_execs[OPSCOPE_UNIT_ALL + 1];
  size_t ok_unit[OPSCOPE_UNIT_ALL + 1];
  struct ops_bench_result results[OPSCOPE_UNIT_ALL + 1];
  memset(results, 0, sizeof results);
  size_t n_ok = 0;
  enum ops_status status = OPS_OK;
  s->compare_state = OPS_TUI_COMPARE_RUNNING;
  s->n_compare = OPSCOPE_UNIT_ALL + 1;
  publish(r);
  for (int u = OPSCOPE_UNIT_SCALAR; u <= OPSCOPE_UNIT_ALL; u++) {
    struct ops_tui_compare_row *c = &s->compare[u];
    memset(c, 0, sizeof *c);
    c->unit = u;
    int st = opscope_plan_new(r->cfg.model, u, &plans[u], c->error, sizeof c->error);
    if (st == OPSCOPE_OK) {
      struct ops_plan_summary sum;
      ops_plan_summarize(plans[u]->plan, &sum);
      c->fallbacks = sum.fallbacks;
      c->est_ms = sum.est_ms;
      st = opscope_exec_new(plans[u], &execs[u], c->error, sizeof c->error);
    }
    if (st == OPSCOPE_OK) {
      st = opscope_exec_run(execs[u], r->cfg.inputs, r->cfg.n_inputs, c->error, sizeof c->error);
    }
    if (st == OPSCOPE_ERR_NO_MEMORY) {
      status = OPS_ERR_NO_MEMORY;
      goto fail;
    }
    if (st != OPSCOPE_OK) continue;
    ok_unit[n_ok] = (size_t)u;
    ok_execs[n_ok++] = execs[u]->exec;
  }
  if (n_ok > 0) {
    /* Few runs: a model that takes a second per run on scalar should not hold the view long. */
    struct ops_bench_config cfg = {1, 5, 0.5, false, NULL, NULL};
    struct ops_diag d;
    ops_diag_init(&d, r->graph->path);
    enum ops_status st = ops_bench_run_interleaved(ok_execs, n_ok, &cfg, results, &d);
    if (st != OPS_OK) {
      say(r, "comparison failed: %s", d.msg);
      status = st == OPS_ERR_NO_MEMORY ? st : OPS_OK;
      goto fail;
    }
    for (size_t k = 0; k < n_ok; k++) {
      struct ops_tui_compare_row *c = &s->compare[ok_unit[k]];
      c->ran = true;
      c->median_ms = results[k].stats.median;
      c->min_ms = results[k].stats.min;
      c->p90_ms = results[k].stats.p90;
      c->runs = results[k].stats.n;
    }
  }
  s->compare_state = OPS_TUI_COMPARE_DONE;
  say(r, "compared %zu units", n_ok);
fail:
  if (s->compare_state != OPS_TUI_COMPARE_DONE) s->compare_state = OPS_TUI_COMPARE_NONE;
  for (size_t k = 0; k < n_ok; k++)
    ops_bench_result_done(&results[k]);
  for (int u = OPSCOPE_UNIT_SCALAR; u <= OPSCOPE_UNIT_ALL; u++) {
    opscope_exec_free(execs[u]);
    opscope_plan_free(plans[u]);
  }
  return status;
}

/* Key `e`: the JSON report of reports/json.c with the plan as it stands and the runs of this
 * plan as its benchmark. Every run of the live view is timed per op, so the latencies and the
 * profile come from the same runs and the profile's timing overhead is written as 0. */
static enum ops_status export_report(struct ops_tui_runner *r) {
  struct ops_tui_snapshot *s = &r->work;
  enum ops_status status = OPS_OK;
  struct ops_bench_result res;
  memset(&res, 0, sizeof res);
  if (r->plan == NULL) {
    say(r, "nothing to export: %s", s->error);
    return OPS_OK;
  }
  struct ops_report rep;
  memset(&rep, 0, sizeof rep);
  rep.command_line = r->cfg.command_line;
  rep.graph = r->graph;
  rep.model_file_bytes = -1;
  rep.plan = r->plan->plan;
  rep.top = 10;
  /* Negative: the stage was not timed here (the live view times runs, not stages). */
  rep.timing.load_ms = rep.timing.plan_ms = rep.timing.compile_ms = rep.timing.run_ms = -1;
  rep.timing.passes_ms = -1;
  rep.timing.load_ms = r->cfg.load_ms;
  struct ops_report_bench bench;
  memset(&bench, 0, sizeof bench);
  const struct ops_exec *e = r->exec != NULL ? r->exec->exec : NULL;
  if (e != NULL && r->samples_len > 0) {
    rep.arena_bytes = e->arena_bytes;
    rep.naive_bytes = e->naive_bytes;
    res.first_run_ms = r->first_run_ms;
    res.samples_ms = ops_calloc_array(r->samples_len, sizeof *res.samples_ms);
    res.profile.ops = ops_calloc_array(e->n_steps ? e->n_steps : 1, sizeof *res.profile.ops);
    if (res.samples_ms == NULL || res.profile.ops == NULL) {
      status = OPS_ERR_NO_MEMORY;
      goto fail;
    }
    res.n = r->samples_len;
    for (size_t i = 0; i < res.n; i++) {
      res.samples_ms[i] = r->samples_ms[(r->samples_head + i) % SAMPLES_CAP];
    }
    ops_bench_stats_compute(res.samples_ms, res.n, &res.stats);
    res.peak_rss_bytes = -1;
    res.profile.n_ops = e->n_steps;
    res.profile.runs = s->runs;
    for (size_t k = 0; k < e->n_steps; k++) {
      const struct ops_tui_row *row = &s->rows[e->steps[k].node];
      struct ops_op_time *t = &res.profile.ops[k];
      t->node = e->steps[k].node;
      t->unit = e->steps[k].unit;
      t->kernel =
          r->plan->plan->nodes[t->node].kernel ? r->plan->plan->nodes[t->node].kernel->name : "";
      t->mean_ms = row->runs > 0 ? row->mean_ms : 0.0;
      res.profile.total_ms += t->mean_ms;
    }
    struct ops_plan_summary sum;
    ops_plan_summarize(r->plan->plan, &sum);
    bench.unit = r->requested;
    bench.config = (struct ops_bench_config){0, (int)res.n, 0.0, true, NULL, NULL};
    bench.input_source = r->cfg.input_source;
    bench.result = &res;
    bench.load_ms = -1;
    bench.flops_per_run = sum.flops;
    rep.benches = &bench;
    rep.n_benches = 1;
  }
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  if (ops_report_json_write(r->cfg.report_path, &rep, &d) != OPS_OK) {
    say(r, "export failed: %s", d.msg);
  } else {
    say(r, "exported %s (%zu runs)", r->cfg.report_path, res.n);
  }
fail:
  free(res.samples_ms);
  free(res.profile.ops);
  return status;
}

/* Acts on one request of the screen. Fails only on memory. */
static enum ops_status handle(struct ops_tui_runner *r, const struct ops_tui_request *q) {
  switch (q->kind) {
    case OPS_TUI_REQUEST_UNIT:
      if (q->unit < OPSCOPE_UNIT_SCALAR || q->unit > OPSCOPE_UNIT_ALL) return OPS_OK;
      r->requested = q->unit;
      say(r, "re-planned for %s", opscope_unit_name(q->unit));
      return rebuild(r);
    case OPS_TUI_REQUEST_OVERRIDE: {
      if (q->node < 0 || (size_t)q->node >= r->graph->n_nodes || r->plan == NULL) return OPS_OK;
      const struct ops_node *node = &r->graph->nodes[q->node];
      if (q->unit >= 0) {
        /* Tried on the current plan first, so a refusal changes nothing and costs no rebuild. */
        struct ops_diag d;
        ops_diag_init(&d, NULL);
        if (ops_plan_override(r->plan->plan, (size_t)q->node, q->unit, &d) != OPS_OK) {
          say(r, "refused: %s", d.msg);
          return OPS_OK;
        }
      }
      r->overrides[q->node] = q->unit;
      enum ops_status st = rebuild(r);
      if (q->unit >= 0) {
        say(r, "override: '%s' on %s", node->name, opscope_unit_name(q->unit));
      } else {
        say(r, "override of '%s' cleared", node->name);
      }
      save_overrides(r);
      return st;
    }
    case OPS_TUI_REQUEST_COMPARE:
      return compare_units(r);
    case OPS_TUI_REQUEST_EXPORT:
      return export_report(r);
    case OPS_TUI_REQUEST_KIND_COUNT:
      break;
  }
  return OPS_OK;
}

static void open_counters(struct ops_tui_runner *r) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_tui_snapshot *s = &r->work;
  if (ops_pmu_open(&r->pmu, NULL, &d) != OPS_OK) return;
  r->pmu_open = true;
  ops_pmu_start(&r->pmu);
  s->n_counters = r->pmu.n;
  for (size_t c = 0; c < r->pmu.n; c++) {
    s->counter_info[c] = r->pmu.counters[c];
    if (s->counter_info[c].state == OPS_COUNTER_OK) s->counters_ok++;
  }
}

static void *runner_main(void *arg) {
  struct ops_tui_runner *r = arg;
  struct ops_tui_request queue[OPS_TUI_MAX_REQUESTS];
  open_counters(r);
  enum ops_status st = rebuild(r);
  publish(r);
  while (st == OPS_OK) {
    pthread_mutex_lock(&r->live->lock);
    while (!r->live->quit && r->live->n_requests == 0 && (r->live->paused || r->exec == NULL)) {
      if (r->work.paused != r->live->paused) break;
      struct timespec until;
      clock_gettime(CLOCK_REALTIME, &until);
      until.tv_nsec += 100000000L;
      if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
      }
      pthread_cond_timedwait(&r->live->wake, &r->live->lock, &until);
    }
    bool quit = r->live->quit;
    size_t n = r->live->n_requests;
    memcpy(queue, r->live->requests, n * sizeof *queue);
    r->live->n_requests = 0;
    bool pause_changed = r->work.paused != r->live->paused;
    r->work.paused = r->live->paused;
    pthread_mutex_unlock(&r->live->lock);
    if (quit) break;
    for (size_t i = 0; i < n && st == OPS_OK; i++)
      st = handle(r, &queue[i]);
    if (st != OPS_OK) break;
    if (n > 0 || pause_changed) {
      publish(r);
      continue;
    }
    if (r->exec == NULL || r->work.paused) continue;
    if (!run_once(r)) {
      publish(r);
      continue;
    }
    if (ops_clock_ns() - r->last_publish_ns >= PUBLISH_NS) {
      close_bucket(r);
      publish(r);
    }
  }
  if (st != OPS_OK) {
    r->work.stopped = true;
    snprintf(r->work.error, sizeof r->work.error, "the runner stopped: %s", ops_status_str(st));
    publish(r);
  }
  return NULL;
}

enum ops_status ops_tui_runner_start(struct ops_tui_runner *r,
                                     const struct ops_tui_runner_config *cfg,
                                     struct ops_tui_live *live, struct ops_diag *d) {
  memset(r, 0, sizeof *r);
  r->cfg = *cfg;
  r->live = live;
  r->graph = cfg->model->graph;
  r->requested = cfg->unit;
  size_t n = r->graph->n_nodes;
  size_t cells;
  if (!ops_mul_size(n, OPS_PMU_MAX_EVENTS, &cells)) {
    return ops_fail(d, OPS_ERR_NO_MEMORY, "%s: %zu nodes are too many", r->graph->path, n);
  }
  r->overrides = ops_calloc_array(n ? n : 1, sizeof *r->overrides);
  r->bucket_ms = ops_calloc_array(n ? n : 1, sizeof *r->bucket_ms);
  r->samples_ms = ops_calloc_array(SAMPLES_CAP, sizeof *r->samples_ms);
  r->counter_sum = ops_calloc_array(cells ? cells : 1, sizeof *r->counter_sum);
  if (r->overrides == NULL || r->bucket_ms == NULL || r->samples_ms == NULL ||
      r->counter_sum == NULL || ops_tui_snapshot_init(&r->work, n) != OPS_OK) {
    return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory for the live view of %zu nodes", n);
  }
  for (size_t i = 0; i < n; i++)
    r->overrides[i] = cfg->overrides ? cfg->overrides[i] : -1;
  r->work.requested = cfg->unit;
  r->work.last_ms = r->work.mean_ms = r->work.min_ms = NAN;
  int e = pthread_create(&r->thread, NULL, runner_main, r);
  if (e != 0) {
    return ops_fail(d, OPS_ERR_UNAVAILABLE, "cannot start the benchmark thread: %s", strerror(e));
  }
  r->started = true;
  return OPS_OK;
}

void ops_tui_runner_stop(struct ops_tui_runner *r) {
  if (r->started) {
    ops_tui_live_quit(r->live);
    pthread_join(r->thread, NULL);
    r->started = false;
  }
  if (r->pmu_open) ops_pmu_close(&r->pmu);
  r->pmu_open = false;
  opscope_exec_free(r->exec);
  opscope_plan_free(r->plan);
  r->exec = NULL;
  r->plan = NULL;
  free(r->prev_step_ns);
  free(r->overrides);
  free(r->bucket_ms);
  free(r->samples_ms);
  free(r->counter_sum);
  r->prev_step_ns = NULL;
  r->overrides = NULL;
  r->bucket_ms = r->samples_ms = r->counter_sum = NULL;
  ops_tui_snapshot_done(&r->work);
}
