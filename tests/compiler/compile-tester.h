/*
 * Hand-built graphs compiled and run for the compiler's tests: seeded inputs and weights,
 * activations whose shapes inference fills in, a build that validates and infers, and a run
 * on one unit that returns output 0.
 */
#ifndef OPSCOPE_TESTS_COMPILER_COMPILE_TESTER_H
#define OPSCOPE_TESTS_COMPILER_COMPILE_TESTER_H

#include <stdlib.h>
#include <string.h>

#include "compiler/exec.h"
#include "kernels/graph-builder.h"
#include "planner/plan.h"
#include "src/shape-infer.h"
#include "src/size.h"
#include "test-util.h"

typedef void (*build_fn)(struct ops_graph *g);

/* Deterministic values in [-1, 1) that differ per element and seed. */
static inline void fill(float *x, size_t n, unsigned seed) {
  unsigned s = seed * 2654435761u + 12345u;
  for (size_t i = 0; i < n; i++) {
    s = s * 1103515245u + 12345u;
    x[i] = (float)((s >> 8) & 0xffff) / 32768.0f - 1.0f;
  }
}

static inline int input(struct ops_graph *g, const char *name, int rank, const int64_t *dims) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  int t = tensor(g, name, OPS_DTYPE_F32, rank, dims, NULL, 0);
  g->tensors[t].role = OPS_TENSOR_INPUT;
  assert_int_equal(ops_graph_add_input(g, t, &d), OPS_OK);
  return t;
}

static inline int weight(struct ops_graph *g, const char *name, int rank, const int64_t *dims,
                         unsigned seed) {
  int64_t n = 1;
  for (int i = 0; i < rank; i++)
    n *= dims[i];
  float *v = calloc((size_t)n, sizeof *v);
  fill(v, (size_t)n, seed);
  int t = tensor(g, name, OPS_DTYPE_F32, rank, dims, v, (size_t)n * sizeof *v);
  free(v);
  return t;
}

static inline int act(struct ops_graph *g, const char *name) {
  return tensor(g, name, OPS_DTYPE_UNDEFINED, -1, NULL, NULL, 0);
}

static inline void output(struct ops_graph *g, int t) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_add_output(g, t, &d), OPS_OK);
}

static inline struct ops_graph *build(build_fn fn) {
  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  g->name = ops_strdup("test");
  g->path = ops_strdup("hand-built");
  g->opset = 13;
  fn(g);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_validate(g, &d), OPS_OK);
  if (ops_shape_infer(g, &d) != OPS_OK) fail_msg("%s", d.msg);
  return g;
}

/* Sets every f32 input of `g` in `exec` to seeded values (input i from seed + i). */
static inline void set_seeded_inputs(const struct ops_graph *g, struct ops_exec *exec,
                                     unsigned seed) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  for (size_t i = 0; i < g->n_inputs; i++) {
    size_t bytes;
    assert_true(ops_tensor_byte_size(&g->tensors[g->inputs[i]], &bytes));
    float *v = malloc(bytes);
    fill(v, bytes / sizeof *v, seed + (unsigned)i);
    assert_int_equal(ops_exec_set_input(exec, g->inputs[i], v, bytes, &d), OPS_OK);
    free(v);
  }
}

/* A malloc'd copy of output 0 of the last run (n floats in *n). */
static inline float *copy_output0(const struct ops_graph *g, const struct ops_exec *exec,
                                  size_t *n) {
  size_t bytes;
  assert_true(ops_tensor_byte_size(&g->tensors[g->outputs[0]], &bytes));
  float *out = malloc(bytes ? bytes : 1);
  memcpy(out, ops_exec_tensor(exec, g->outputs[0]), bytes);
  *n = bytes / sizeof *out;
  return out;
}

/* Runs `g` on `unit` with seeded inputs; returns a copy of output 0 (n floats in *n). */
static inline float *run(const struct ops_graph *g, int unit, size_t *n) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_plan *plan = NULL;
  struct ops_exec *exec = NULL;
  if (ops_plan_new(g, unit, &plan, &d) != OPS_OK) fail_msg("plan: %s", d.msg);
  if (ops_exec_new(plan, &exec, &d) != OPS_OK) fail_msg("compile: %s", d.msg);
  set_seeded_inputs(g, exec, 7u);
  if (ops_exec_run(exec, &d) != OPS_OK) fail_msg("run: %s", d.msg);
  float *out = copy_output0(g, exec, n);
  ops_exec_free(exec);
  ops_plan_free(plan);
  return out;
}

#endif /* OPSCOPE_TESTS_COMPILER_COMPILE_TESTER_H */
