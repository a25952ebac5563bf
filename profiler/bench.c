#include "profiler/bench.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "profiler/clock.h"
#include "src/size.h"

/* Upper bound on timed runs, so --min-time on a very fast model cannot exhaust memory. */
#define MAX_SAMPLES ((size_t)1 << 22)

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : (x > y ? 1 : 0);
}

/* Linear interpolation between order statistics (numpy's default "linear" method). */
static double percentile(const double *sorted, size_t n, double p) {
  double at = p / 100.0 * (double)(n - 1);
  size_t lo = (size_t)at;
  if (lo + 1 >= n) return sorted[n - 1];
  return sorted[lo] + (at - (double)lo) * (sorted[lo + 1] - sorted[lo]);
}

void ops_bench_stats_compute(const double *samples, size_t n, struct ops_bench_stats *out) {
  memset(out, 0, sizeof *out);
  out->n = n;
  if (n == 0) return;
  double *sorted = malloc(n * sizeof *sorted);
  if (sorted == NULL) return;
  memcpy(sorted, samples, n * sizeof *sorted);
  qsort(sorted, n, sizeof *sorted, compare_double);
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    sum += sorted[i];
  out->mean = sum / (double)n;
  double sq = 0.0;
  for (size_t i = 0; i < n; i++)
    sq += (sorted[i] - out->mean) * (sorted[i] - out->mean);
  /* Sample standard deviation: the runs are a sample of the model's latency distribution. */
  out->stddev = n > 1 ? sqrt(sq / (double)(n - 1)) : 0.0;
  out->min = sorted[0];
  out->max = sorted[n - 1];
  out->median = percentile(sorted, n, 50.0);
  out->p90 = percentile(sorted, n, 90.0);
  out->p99 = percentile(sorted, n, 99.0);
  free(sorted);
}

struct ranked {
  double value;
  size_t index;
};

static int compare_ranked(const void *a, const void *b) {
  double x = ((const struct ranked *)a)->value, y = ((const struct ranked *)b)->value;
  return x < y ? -1 : (x > y ? 1 : 0);
}

/* Ranks 1..n of v into rank[], ties sharing their mean rank. */
static bool rank_values(const double *v, size_t n, double *rank) {
  struct ranked *r = ops_calloc_array(n, sizeof *r);
  if (r == NULL) return false;
  for (size_t i = 0; i < n; i++)
    r[i] = (struct ranked){v[i], i};
  qsort(r, n, sizeof *r, compare_ranked);
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j + 1 < n && r[j + 1].value == r[i].value)
      j++;
    double mean = (double)(i + j) / 2.0 + 1.0;
    for (size_t k = i; k <= j; k++)
      rank[r[k].index] = mean;
    i = j + 1;
  }
  free(r);
  return true;
}

double ops_stats_spearman(const double *x, const double *y, size_t n) {
  if (n < 2) return NAN;
  double *rx = ops_calloc_array(n, sizeof *rx), *ry = ops_calloc_array(n, sizeof *ry);
  double rho = NAN;
  if (rx != NULL && ry != NULL && rank_values(x, n, rx) && rank_values(y, n, ry)) {
    /* Pearson's correlation of the ranks, which stays right when there are ties. */
    double mx = 0, my = 0;
    for (size_t i = 0; i < n; i++) {
      mx += rx[i];
      my += ry[i];
    }
    mx /= (double)n;
    my /= (double)n;
    double sxy = 0, sxx = 0, syy = 0;
    for (size_t i = 0; i < n; i++) {
      sxy += (rx[i] - mx) * (ry[i] - my);
      sxx += (rx[i] - mx) * (rx[i] - mx);
      syy += (ry[i] - my) * (ry[i] - my);
    }
    if (sxx > 0 && syy > 0) rho = sxy / sqrt(sxx * syy);
  }
  free(rx);
  free(ry);
  return rho;
}

static double run_ms(struct ops_exec *exec, enum ops_status *st, struct ops_diag *d) {
  uint64_t t0 = ops_clock_ns();
  *st = ops_exec_run(exec, d);
  return (double)(ops_clock_ns() - t0) / 1e6;
}

/* Appends one sample, growing the array by doubling. */
static enum ops_status push_sample(struct ops_bench_result *r, size_t *cap, double ms,
                                   struct ops_diag *d) {
  if (r->n == *cap) {
    size_t grown_cap = *cap ? *cap * 2 : 16;
    double *grown = ops_realloc_array(r->samples_ms, grown_cap, sizeof *grown);
    if (grown == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    r->samples_ms = grown;
    *cap = grown_cap;
  }
  r->samples_ms[r->n++] = ms;
  return OPS_OK;
}

static long long peak_rss_bytes(void) {
  struct rusage ru;
  /* Linux reports ru_maxrss in KiB. */
  return getrusage(RUSAGE_SELF, &ru) == 0 ? (long long)ru.ru_maxrss * 1024 : -1;
}

static enum ops_status collect_profile(const struct ops_exec *exec, struct ops_profile *p,
                                       struct ops_diag *d) {
  p->ops = ops_calloc_array(exec->n_steps, sizeof *p->ops);
  if (p->ops == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  p->n_ops = exec->n_steps;
  p->runs = exec->profiled_runs;
  double runs = p->runs ? (double)p->runs : 1.0;
  for (size_t s = 0; s < exec->n_steps; s++) {
    const struct ops_step *step = &exec->steps[s];
    p->ops[s].node = step->node;
    p->ops[s].unit = step->unit;
    p->ops[s].kernel = step->bind.kernel->name;
    p->ops[s].mean_ms = (double)exec->step_ns[s] / runs / 1e6;
    p->total_ms += p->ops[s].mean_ms;
  }
  return OPS_OK;
}

/* Per-op counters: the hook reads the whole set at every step boundary and charges the
 * difference to the step that just ran. */
struct op_counters {
  const struct ops_pmu_set *pmu;
  double prev[OPS_PMU_MAX_EVENTS];
  double *acc; /* n_steps x pmu->n */
};

static void count_step(void *ctx, size_t step) {
  struct op_counters *oc = ctx;
  double now[OPS_PMU_MAX_EVENTS];
  ops_pmu_read_now(oc->pmu, now);
  if (step > 0) {
    for (size_t i = 0; i < oc->pmu->n; i++)
      oc->acc[(step - 1) * oc->pmu->n + i] += now[i] - oc->prev[i];
  }
  memcpy(oc->prev, now, sizeof now);
}

/* `runs` more runs with the counters read per op; the set's totals (those of the timed runs)
 * are kept as they were. */
static enum ops_status count_per_op(struct ops_exec *exec, struct ops_pmu_set *pmu, size_t runs,
                                    struct ops_profile *p, struct ops_diag *d) {
  struct op_counters oc = {.pmu = pmu};
  p->counter_values = ops_calloc_array(exec->n_steps ? exec->n_steps * pmu->n : 1, sizeof(double));
  if (p->counter_values == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  oc.acc = p->counter_values;
  struct ops_pmu_counter saved[OPS_PMU_MAX_EVENTS];
  memcpy(saved, pmu->counters, sizeof saved);
  ops_exec_set_step_hook(exec, count_step, &oc);
  ops_pmu_start(pmu);
  enum ops_status st = OPS_OK;
  for (size_t r = 0; r < runs && st == OPS_OK; r++)
    st = ops_exec_run(exec, d);
  ops_pmu_stop(pmu);
  ops_exec_set_step_hook(exec, NULL, NULL);
  memcpy(pmu->counters, saved, sizeof saved);
  if (st != OPS_OK) return st;
  p->n_counters = pmu->n;
  p->counter_runs = runs;
  for (size_t i = 0; i < exec->n_steps * pmu->n; i++)
    p->counter_values[i] /= (double)(runs ? runs : 1);
  return OPS_OK;
}

enum ops_status ops_bench_run(struct ops_exec *exec, const struct ops_bench_config *cfg,
                              struct ops_pmu_set *pmu, struct ops_bench_result *out,
                              struct ops_diag *d) {
  memset(out, 0, sizeof *out);
  out->peak_rss_bytes = -1;
  enum ops_status st = OPS_OK;
  /* Counters cover exactly the timed runs; without warm-up the first run is one of them. */
  if (pmu != NULL && cfg->warmup == 0) ops_pmu_start(pmu);
  out->first_run_ms = run_ms(exec, &st, d);
  if (st != OPS_OK) return st;
  for (int i = 1; i < cfg->warmup; i++) {
    run_ms(exec, &st, d);
    if (st != OPS_OK) return st;
  }
  /* Without warm-up the first run is also the first sample: the user asked for cold numbers. */
  size_t cap = cfg->iterations > 0 ? (size_t)cfg->iterations : 16;
  out->samples_ms = ops_calloc_array(cap, sizeof *out->samples_ms);
  if (out->samples_ms == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
  double total_ms = 0.0;
  if (pmu != NULL && cfg->warmup > 0) ops_pmu_start(pmu);
  if (cfg->warmup == 0) {
    out->samples_ms[out->n++] = out->first_run_ms;
    total_ms += out->first_run_ms;
  }
  while ((out->n < (size_t)cfg->iterations || total_ms < cfg->min_time_s * 1e3) &&
         out->n < MAX_SAMPLES) {
    if (out->n == cap) {
      double *grown = ops_realloc_array(out->samples_ms, cap * 2, sizeof *grown);
      if (grown == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
      out->samples_ms = grown;
      cap *= 2;
    }
    double ms = run_ms(exec, &st, d);
    if (st != OPS_OK) return st;
    out->samples_ms[out->n++] = ms;
    total_ms += ms;
    if (cfg->progress != NULL) {
      double by_count = cfg->iterations > 0 ? (double)out->n / cfg->iterations : 1.0;
      double by_time = cfg->min_time_s > 0 ? total_ms / (cfg->min_time_s * 1e3) : 1.0;
      double done = by_count < by_time ? by_count : by_time;
      cfg->progress(cfg->progress_ctx, done > 1.0 ? 1.0 : done);
    }
  }
  if (pmu != NULL) ops_pmu_stop(pmu);
  ops_bench_stats_compute(out->samples_ms, out->n, &out->stats);
  if (cfg->per_op) {
    /* Separate runs, so the clock reads between steps never touch the statistics above. */
    ops_exec_set_profiling(exec, true);
    double *profiled = ops_calloc_array(out->n, sizeof *profiled);
    if (profiled == NULL) return ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    for (size_t i = 0; i < out->n && st == OPS_OK; i++)
      profiled[i] = run_ms(exec, &st, d);
    exec->profile = false;
    struct ops_bench_stats pstats;
    ops_bench_stats_compute(profiled, out->n, &pstats);
    free(profiled);
    if (st != OPS_OK) return st;
    st = collect_profile(exec, &out->profile, d);
    if (st != OPS_OK) return st;
    /* What timing every op costs: median latency with it against the median without. */
    out->profile.overhead_pct =
        out->stats.median > 0 ? 100.0 * (pstats.median - out->stats.median) / out->stats.median
                              : 0.0;
    if (pmu != NULL) {
      st = count_per_op(exec, pmu, out->n, &out->profile, d);
      if (st != OPS_OK) return st;
    }
  }
  out->peak_rss_bytes = peak_rss_bytes();
  return OPS_OK;
}

/* Share of an interleaved benchmark done: rounds against the rounds the iteration count asks
 * for, or time against --min-time when that is further off. */
static double interleaved_done(const struct ops_bench_config *cfg, size_t round,
                               double min_total_ms) {
  double want = (double)cfg->warmup + (double)cfg->iterations;
  double by_count = want > 0 ? (double)round / want : 1.0;
  double by_time = cfg->min_time_s > 0 ? min_total_ms / (cfg->min_time_s * 1e3) : 1.0;
  double done = by_count < by_time ? by_count : by_time;
  return done > 1.0 ? 1.0 : done;
}

enum ops_status ops_bench_run_interleaved(struct ops_exec *const *execs, size_t n,
                                          const struct ops_bench_config *cfg,
                                          struct ops_bench_result *out, struct ops_diag *d) {
  enum ops_status st = OPS_OK;
  size_t *cap = ops_calloc_array(n ? n : 1, sizeof *cap);
  double *total_ms = ops_calloc_array(n ? n : 1, sizeof *total_ms);
  if (cap == NULL || total_ms == NULL) {
    st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
    goto done;
  }
  for (size_t k = 0; k < n; k++) {
    memset(&out[k], 0, sizeof out[k]);
    out[k].peak_rss_bytes = -1;
  }
  for (size_t round = 0;; round++) {
    bool timed = round >= (size_t)cfg->warmup;
    /* Done when every model has its samples and the slowest has its time. Waiting for every
     * model's time made the fastest decide: a unit 60x faster than scalar kept scalar running
     * 60x --min-time (the TUI's comparison of mnist took 29 s instead of 0.5). */
    if (timed) {
      bool samples = true, time = false, full = false;
      for (size_t k = 0; k < n; k++) {
        if (out[k].n < (size_t)cfg->iterations) samples = false;
        if (total_ms[k] >= cfg->min_time_s * 1e3) time = true;
        if (out[k].n >= MAX_SAMPLES) full = true;
      }
      if ((samples && time) || full) break;
    }
    double min_total = 0.0;
    for (size_t i = 0; i < n; i++) {
      size_t k = (round + i) % n;
      double ms = run_ms(execs[k], &st, d);
      if (st != OPS_OK) goto done;
      if (round == 0) out[k].first_run_ms = ms;
      /* Without warm-up the first run is also the first sample, as in ops_bench_run. */
      if (timed) {
        if ((st = push_sample(&out[k], &cap[k], ms, d)) != OPS_OK) goto done;
        total_ms[k] += ms;
      }
    }
    if (cfg->progress != NULL) {
      min_total = n ? total_ms[0] : 0.0;
      for (size_t k = 1; k < n; k++)
        if (total_ms[k] < min_total) min_total = total_ms[k];
      cfg->progress(cfg->progress_ctx, interleaved_done(cfg, round + 1, min_total));
    }
  }
  long long rss = peak_rss_bytes();
  for (size_t k = 0; k < n; k++) {
    ops_bench_stats_compute(out[k].samples_ms, out[k].n, &out[k].stats);
    out[k].peak_rss_bytes = rss;
  }
done:
  free(cap);
  free(total_ms);
  return st;
}

void ops_bench_result_done(struct ops_bench_result *r) {
  free(r->samples_ms);
  free(r->profile.ops);
  free(r->profile.counter_values);
  memset(r, 0, sizeof *r);
}
