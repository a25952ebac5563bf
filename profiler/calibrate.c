/* The calibration runs (profiler/calibrate.h). */
#include "profiler/calibrate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <unistd.h>

#include "compiler/exec.h"
#include "kernels/threads/pool.h"
#include "planner/plan.h"
#include "profiler/clock.h"
#include "src/load.h"
#include "src/size.h"

/* What each microbenchmark measures: an op class (compute) or a memory level (streaming). */
struct micro {
  const char *model;
  int cls;   /* enum ops_op_class, or -1 */
  int level; /* enum ops_mem_level, or -1 */
};

static const struct micro micros[] = {
    {"micro-conv3x3", OPS_CLASS_CONV, -1},        {"micro-conv1x1", OPS_CLASS_CONV, -1},
    {"micro-dwconv3x3", OPS_CLASS_DEPTHWISE, -1}, {"micro-gemm", OPS_CLASS_GEMM, -1},
    {"micro-add", OPS_CLASS_ELEMENTWISE, -1},     {"micro-sigmoid", OPS_CLASS_TRANSCENDENTAL, -1},
    {"micro-maxpool", OPS_CLASS_POOL, -1},        {"micro-reduce", OPS_CLASS_REDUCE, -1},
    {"micro-batchnorm", OPS_CLASS_NORM, -1},      {"micro-stream-l1", -1, OPS_MEM_L1},
    {"micro-stream-l2", -1, OPS_MEM_L2},          {"micro-stream-l3", -1, OPS_MEM_L3},
    {"micro-stream-dram", -1, OPS_MEM_DRAM},
};

static const char *const class_rate[OPS_CLASS_COUNT] = {
    [OPS_CLASS_CONV] = "GFLOP/s conv",
    [OPS_CLASS_DEPTHWISE] = "GFLOP/s depthwise-conv",
    [OPS_CLASS_GEMM] = "GFLOP/s gemm",
    [OPS_CLASS_ELEMENTWISE] = "GFLOP/s elementwise",
    [OPS_CLASS_TRANSCENDENTAL] = "GFLOP/s transcendental",
    [OPS_CLASS_POOL] = "GFLOP/s pool",
    [OPS_CLASS_REDUCE] = "GFLOP/s reduce",
    [OPS_CLASS_NORM] = "GFLOP/s normalization",
    [OPS_CLASS_MOVE] = "GB/s data-movement",
};
static const char *const level_rate[OPS_MEM_LEVELS] = {"GB/s L1", "GB/s L2", "GB/s L3",
                                                       "GB/s DRAM"};

/* Deterministic inputs in [-1, 1): the values do not matter for time, only that they are
 * ordinary numbers (no denormals, no NaN). */
static void fill(float *x, size_t n) {
  uint32_t s = 12345u;
  for (size_t i = 0; i < n; i++) {
    s = s * 1664525u + 1013904223u;
    x[i] = (float)(s >> 8) / 8388608.0f - 1.0f;
  }
}

/* Times `g` planned for `unit`; false with the reason in e->skipped when the unit does not run
 * every op itself. */
static enum ops_status measure(const struct ops_graph *g, int unit,
                               const struct ops_bench_config *cfg, struct ops_calibration_entry *e,
                               struct ops_diag *d) {
  struct ops_plan *plan = NULL;
  struct ops_exec *exec = NULL;
  struct ops_bench_result res;
  memset(&res, 0, sizeof res);
  float *input = NULL;
  enum ops_status st = ops_plan_new(g, unit, &plan, d);
  if (st != OPS_OK) goto done;
  struct ops_plan_summary sum;
  ops_plan_summarize(plan, &sum);
  if (sum.fallbacks > 0 || sum.unsupported > 0) {
    for (size_t i = 0; i < plan->n_nodes; i++) {
      if (ops_plan_node_is_fallback(plan, &plan->nodes[i])) {
        snprintf(e->skipped, sizeof e->skipped, "%s", plan->nodes[i].reason_text);
        break;
      }
    }
    goto done;
  }
  e->flops = sum.flops;
  e->bytes = sum.bytes;
  if ((st = ops_exec_new(plan, &exec, d)) != OPS_OK) goto done;
  for (size_t i = 0; i < g->n_inputs; i++) {
    const struct ops_tensor *t = &g->tensors[g->inputs[i]];
    size_t bytes;
    if (!ops_tensor_byte_size(t, &bytes) || t->dtype != OPS_DTYPE_F32) {
      st = ops_fail(d, OPS_ERR_INTERNAL, "%s: input '%s' is not a known f32 tensor", g->path,
                    t->name);
      goto done;
    }
    free(input);
    input = malloc(bytes ? bytes : 1);
    if (input == NULL) {
      st = ops_fail(d, OPS_ERR_NO_MEMORY, "out of memory");
      goto done;
    }
    fill(input, bytes / sizeof *input);
    if ((st = ops_exec_set_input(exec, g->inputs[i], input, bytes, d)) != OPS_OK) goto done;
  }
  if ((st = ops_bench_run(exec, cfg, NULL, &res, d)) != OPS_OK) goto done;
  e->median_ms = res.stats.median;
  e->measured = e->median_ms > 0;
done:
  ops_bench_result_done(&res);
  free(input);
  ops_exec_free(exec);
  ops_plan_free(plan);
  return st;
}

static void empty_task(const struct ops_task *task, void *ctx) {
  (void)task;
  (void)ctx;
}

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

/* What entering the thread pool costs: `hot` with the workers still spinning from the run
 * before (back-to-back ops), `wake` after a pause longer than they spin (the first threads op of
 * a run, while the caller stays busy). Medians of empty runs; false when no pool of two or more
 * threads can be made. */
static bool pool_costs_us(double *hot, double *wake) {
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  int nth = cpus < 1 ? 1 : cpus > OPS_POOL_MAX_THREADS ? OPS_POOL_MAX_THREADS : (int)cpus;
  struct ops_pool *pool = NULL;
  if (nth < 2 || ops_pool_new(nth, 0, &pool, NULL, 0) != OPS_OK) return false;
  enum { RUNS = 100 };
  uint64_t ns[2][RUNS];
  for (int k = 0; k < 2; k++) {
    for (int i = 0; i < RUNS; i++) {
      if (k == 1) {
        /* Busy, as the calling thread is while other ops of a model run: the workers stop
         * spinning and sleep, the caller's CPU does not. */
        uint64_t until = ops_clock_ns() + 2000000;
        while (ops_clock_ns() < until) {
        }
      }
      uint64_t t0 = ops_clock_ns();
      ops_pool_run(pool, empty_task, NULL);
      ns[k][i] = ops_clock_ns() - t0;
    }
    qsort(ns[k], RUNS, sizeof ns[k][0], compare_u64);
  }
  ops_pool_free(pool);
  *hot = (double)ns[0][RUNS / 2] / 1e3;
  *wake = (double)ns[1][RUNS / 2] / 1e3;
  return true;
}

enum ops_status ops_calibrate(struct ops_cost_model *m, const struct ops_bench_config *cfg,
                              struct ops_calibration *out, struct ops_diag *d) {
  memset(out, 0, sizeof *out);
  uint64_t t0 = ops_clock_ns();
  /* Achieved rates per unit and class (GFLOP/s) or level (GB/s); 0 = not measured. */
  double achieved[OPSCOPE_UNIT_ALL][OPS_CLASS_COUNT] = {{0}};
  int samples[OPSCOPE_UNIT_ALL][OPS_CLASS_COUNT] = {{0}};
  double bandwidth[OPSCOPE_UNIT_ALL][OPS_MEM_LEVELS] = {{0}};
  for (size_t k = 0; k < sizeof micros / sizeof micros[0]; k++) {
    const struct micro *mc = &micros[k];
    char path[64];
    snprintf(path, sizeof path, "builtin:%s", mc->model);
    struct ops_graph *g = NULL;
    enum ops_status st = ops_load_model(path, &g, d);
    if (st != OPS_OK) return st;
    for (int unit = OPSCOPE_UNIT_SCALAR; unit < OPSCOPE_UNIT_ALL; unit++) {
      if (out->n >= OPS_CALIBRATE_MAX) break;
      struct ops_calibration_entry *e = &out->entries[out->n++];
      e->model = mc->model;
      e->unit = unit;
      e->what = mc->cls >= 0 ? class_rate[mc->cls] : level_rate[mc->level];
      st = measure(g, unit, cfg, e, d);
      if (st != OPS_OK) {
        ops_graph_free(g);
        return st;
      }
      if (!e->measured) continue;
      double s = e->median_ms / 1e3;
      if (mc->cls >= 0) {
        e->rate = e->flops / s / 1e9;
        /* Two shapes of conv: their geometric mean stands for the class. */
        achieved[unit][mc->cls] =
            samples[unit][mc->cls] == 0 ? e->rate : sqrt(achieved[unit][mc->cls] * e->rate);
        samples[unit][mc->cls]++;
      } else {
        e->rate = e->bytes / s / 1e9;
        bandwidth[unit][mc->level] = e->rate;
      }
    }
    ops_graph_free(g);
  }
  for (int unit = OPSCOPE_UNIT_SCALAR; unit < OPSCOPE_UNIT_ALL; unit++) {
    struct ops_unit_peaks *p = &m->units[unit];
    /* The peak is the best of the multiply-add classes, which is what "peak" means for a
     * CPU; other classes count their operations by convention (docs/costs.md), so their
     * efficiency may exceed 1. */
    double peak = 0;
    static const int fma_classes[] = {OPS_CLASS_CONV, OPS_CLASS_DEPTHWISE, OPS_CLASS_GEMM};
    for (size_t i = 0; i < sizeof fma_classes / sizeof fma_classes[0]; i++)
      if (achieved[unit][fma_classes[i]] > peak) peak = achieved[unit][fma_classes[i]];
    if (peak > 0) {
      p->gflops = peak;
      for (int c = 0; c < OPS_CLASS_COUNT; c++)
        if (achieved[unit][c] > 0) p->efficiency[c] = achieved[unit][c] / peak;
    }
    for (int l = 0; l < OPS_MEM_LEVELS; l++)
      if (bandwidth[unit][l] > 0) p->gbs[l] = bandwidth[unit][l];
  }
  if (pool_costs_us(&out->pool_hot_us, &out->pool_wake_us)) {
    m->units[OPSCOPE_UNIT_THREADS].overhead_us = out->pool_hot_us;
    m->units[OPSCOPE_UNIT_THREADS].wake_us = out->pool_wake_us;
  }
  m->calibrated = true;
  out->seconds = (double)(ops_clock_ns() - t0) / 1e9;
  return OPS_OK;
}
