/*
 * --benchmark UNIT: time the compiled model. Inputs are set once before timing, from the
 * --verify test data when given, else from a seeded generator, so runs are repeatable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiler/bench.h"
#include "profiler/metrics.h"
#include "profiler/pmu.h"
#include "src/api-impl.h"
#include "src/cli.h"
#include "src/size.h"

/* splitmix64: a small, well-mixed generator; the same seed gives the same input everywhere. */
static uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* Uniform floats in [-1, 1) for f32 and f64 inputs. Every other dtype gets zeros: integer inputs
 * are usually indices or shapes, where random values would be out of range. */
static void fill_input(void *data, enum ops_dtype dtype, size_t bytes, uint64_t *state) {
  memset(data, 0, bytes);
  if (dtype == OPS_DTYPE_F32) {
    float *x = data;
    for (size_t i = 0; i < bytes / sizeof *x; i++) {
      x[i] = (float)((double)(next_random(state) >> 11) / 4503599627370496.0 - 1.0);
    }
  } else if (dtype == OPS_DTYPE_F64) {
    double *x = data;
    for (size_t i = 0; i < bytes / sizeof *x; i++) {
      x[i] = (double)(next_random(state) >> 11) / 4503599627370496.0 - 1.0;
    }
  }
}

static int set_inputs(struct ops_cli_session *s) {
  struct ops_exec *exec = s->exec->exec;
  const struct ops_graph *g = exec->graph;
  struct ops_diag d;
  ops_diag_init(&d, g->path);
  if (s->opts->verify_dir != NULL) {
    for (size_t i = 0; i < s->verify.n_inputs; i++) {
      const struct opscope_tensor *t = &s->verify.inputs[i];
      int index = ops_graph_find_tensor(g, t->name);
      enum ops_status st = ops_exec_set_input(exec, index, t->data, t->nbytes, &d);
      if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
    }
    return OPS_EXIT_OK;
  }
  uint64_t state = (uint64_t)s->opts->seed;
  for (size_t i = 0; i < g->n_inputs; i++) {
    const struct ops_tensor *t = &g->tensors[g->inputs[i]];
    size_t bytes;
    if (!ops_tensor_byte_size(t, &bytes)) {
      char msg[512], shape[128];
      snprintf(msg, sizeof msg, "input '%s' has shape %s: fix it with --input-shape", t->name,
               ops_shape_format(&t->shape, shape, sizeof shape));
      return ops_cli_fail(OPSCOPE_ERR_BAD_INPUT, msg);
    }
    void *data = malloc(bytes ? bytes : 1);
    if (data == NULL) return ops_cli_fail(OPSCOPE_ERR_NO_MEMORY, "out of memory for the input");
    fill_input(data, t->dtype, bytes, &state);
    enum ops_status st = ops_exec_set_input(exec, g->inputs[i], data, bytes, &d);
    free(data);
    if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
  }
  return OPS_EXIT_OK;
}

int ops_cli_benchmark(struct ops_cli_session *s) {
  static char source[64];
  int rc = set_inputs(s);
  if (rc != OPS_EXIT_OK) return rc;
  struct ops_bench_config cfg = {s->opts->warmup, s->opts->iterations, s->opts->min_time_s,
                                 s->opts->per_op};
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_pmu_set *pmu = NULL;
  if (s->opts->counters) {
    enum ops_status st = ops_pmu_open(&s->pmu, s->opts->counter_list, &d);
    if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
    pmu = &s->pmu;
  }
  ops_diag_init(&d, s->report.graph->path);
  enum ops_status st = ops_bench_run(s->exec->exec, &cfg, pmu, &s->bench_result, &d);
  if (pmu != NULL) ops_pmu_close(pmu);
  if (st != OPS_OK) return ops_cli_fail((int)st, d.msg);
  if (pmu != NULL) {
    s->bench.counters = pmu;
    s->bench.metrics = s->metrics;
    s->bench.n_metrics = ops_metrics_compute(pmu, s->metrics);
  }
  snprintf(source, sizeof source, "seed %lu", s->opts->seed);
  s->bench.unit = s->opts->unit;
  s->bench.config = cfg;
  s->bench.input_source = s->opts->verify_dir ? s->opts->verify_dir : source;
  s->bench.result = &s->bench_result;
  s->report.bench = &s->bench;
  ops_report_bench_text(stdout, &s->report);
  return OPS_EXIT_OK;
}
