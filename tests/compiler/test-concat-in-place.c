/*
 * compiler/concat-in-place.c: a Concat whose inputs are blocks of its output has them planned
 * inside it, so their producers write the concatenated tensor directly and the Concat copies
 * nothing; the outputs are the bits of the same graph with the Concat copying (its inputs made
 * graph outputs, which keeps them out of place) on scalar, simd and threads. The cases it must
 * leave alone are left alone.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/graph-builder.h"
#include "test-util.h"

#include "compile-tester.h"

/* Two convolutions of X, 1x1 into 3 channels and 3x3 into 5, at 4x4 (64 bytes per plane, so
 * every block starts on the arena's alignment), concatenated on the channels. `expose` makes
 * the convolutions' outputs graph outputs too. */
static void fire(struct ops_graph *g, bool expose) {
  int x = input(g, "X", DIMS(1, 4, 4, 4));
  int wa = weight(g, "Wa", DIMS(3, 4, 1, 1), 1), wb = weight(g, "Wb", DIMS(5, 4, 3, 3), 2);
  int a = act(g, "a"), b = act(g, "b"), y = act(g, "Y");
  node(g, "conv_a", "Conv", IO(x, wa), IO(a));
  struct ops_node *nb = node(g, "conv_b", "Conv", IO(x, wb), IO(b));
  attr_ints(nb, "pads", INTS(1, 1, 1, 1));
  attr_int(node(g, "cat", "Concat", IO(a, b), IO(y)), "axis", 1);
  output(g, y);
  if (expose) {
    output(g, a);
    output(g, b);
  }
}

static void g_fire(struct ops_graph *g) {
  fire(g, false);
}
static void g_fire_exposed(struct ops_graph *g) {
  fire(g, true);
}

/* Compiles g for `unit`, checks how many Concats went in place, runs it on seeded inputs and
 * returns a copy of output 0 (n floats). When one did, checks its inputs' bytes are Y's. */
static float *compile_run(const struct ops_graph *g, int unit, size_t want_in_place, size_t *n) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_plan *plan = NULL;
  struct ops_exec *exec = NULL;
  if (ops_plan_new(g, unit, &plan, &d) != OPS_OK) fail_msg("plan: %s", d.msg);
  if (ops_exec_new(plan, &exec, &d) != OPS_OK) fail_msg("compile: %s", d.msg);
  assert_int_equal(exec->concats_in_place, want_in_place);
  for (size_t i = 0; i < g->n_nodes && want_in_place > 0; i++) {
    const struct ops_node *cat = &g->nodes[i];
    if (strcmp(cat->op_type, "Concat") != 0 || strcmp(cat->name, "cat") != 0) continue;
    const unsigned char *at = exec->tensor_data[cat->outputs[0]];
    for (int k = 0; k < cat->n_inputs; k++) {
      size_t bytes;
      assert_ptr_equal(exec->tensor_data[cat->inputs[k]], at);
      assert_true(ops_tensor_byte_size(&g->tensors[cat->inputs[k]], &bytes));
      at += bytes;
    }
  }
  set_seeded_inputs(g, exec, 3u);
  /* Twice: a producer writing into Y must not disturb what the run before left correct. */
  for (int r = 0; r < 2; r++)
    if (ops_exec_run(exec, &d) != OPS_OK) fail_msg("run: %s", d.msg);
  float *out = copy_output0(g, exec, n);
  ops_exec_free(exec);
  ops_plan_free(plan);
  return out;
}

static void test_fire_in_place(void **state) {
  (void)state;
  static const int units[] = {OPSCOPE_UNIT_SCALAR, OPSCOPE_UNIT_SIMD, OPSCOPE_UNIT_THREADS};
  struct ops_graph *in_place = build(g_fire), *copied = build(g_fire_exposed);
  for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
    size_t n, m;
    float *got = compile_run(in_place, units[u], 1, &n);
    float *want = compile_run(copied, units[u], 0, &m);
    assert_int_equal(n, m);
    assert_int_equal(n, 8 * 16);
    assert_memory_equal(got, want, n * sizeof *got);
    free(got);
    free(want);
  }
  ops_graph_free(in_place);
  ops_graph_free(copied);
}

/* a is also read by a Relu whose output is a graph output. */
static void g_shared(struct ops_graph *g) {
  int x = input(g, "X", DIMS(1, 4, 4, 4));
  int r = act(g, "r"), y = act(g, "Y");
  node(g, "relu", "Relu", IO(x), IO(r));
  attr_int(node(g, "cat", "Concat", IO(r, r), IO(y)), "axis", 1);
  output(g, y);
}

/* A graph input concatenated with an activation. */
static void g_graph_input(struct ops_graph *g) {
  int x = input(g, "X", DIMS(1, 4, 4, 4));
  int r = act(g, "r"), y = act(g, "Y");
  node(g, "relu", "Relu", IO(x), IO(r));
  attr_int(node(g, "cat", "Concat", IO(x, r), IO(y)), "axis", 1);
  output(g, y);
}

/* Relu(X) and Sigmoid(X) concatenated on `axis`. */
static void two_branches(struct ops_graph *g, int rank, const int64_t *dims, int64_t axis) {
  int x = input(g, "X", rank, dims);
  int r = act(g, "r"), s = act(g, "s"), y = act(g, "Y");
  node(g, "relu", "Relu", IO(x), IO(r));
  node(g, "sig", "Sigmoid", IO(x), IO(s));
  attr_int(node(g, "cat", "Concat", IO(r, s), IO(y)), "axis", axis);
  output(g, y);
}

/* Batch 2: each input is two blocks of Y, not one. */
static void g_batch2(struct ops_graph *g) {
  two_branches(g, DIMS(2, 4, 4, 4), 1);
}

/* Concatenated on the rows: a dim of 4 channels before the axis. */
static void g_rows(struct ops_graph *g) {
  two_branches(g, DIMS(1, 4, 4, 16), 2);
}

/* A block that would start off the arena's alignment: 3 floats per channel. */
static void g_unaligned(struct ops_graph *g) {
  two_branches(g, DIMS(1, 4, 3), 1);
}

/* Concat of a Concat: the inner one goes in place, the outer one (whose input is a Concat's
 * output) copies. */
static void g_nested(struct ops_graph *g) {
  int x = input(g, "X", DIMS(1, 4, 4, 4));
  int r = act(g, "r"), s = act(g, "s"), t = act(g, "t"), c = act(g, "c"), y = act(g, "Y");
  node(g, "relu", "Relu", IO(x), IO(r));
  node(g, "sig", "Sigmoid", IO(x), IO(s));
  node(g, "tanh", "Tanh", IO(x), IO(t));
  attr_int(node(g, "cat", "Concat", IO(r, s), IO(c)), "axis", 1);
  attr_int(node(g, "outer", "Concat", IO(c, t), IO(y)), "axis", -3);
  output(g, y);
}

static void test_left_alone(void **state) {
  (void)state;
  static const struct {
    build_fn fn;
    size_t in_place;
  } cases[] = {{g_shared, 0}, {g_graph_input, 0}, {g_batch2, 0},
               {g_rows, 0},   {g_unaligned, 0},   {g_nested, 1}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct ops_graph *g = build(cases[i].fn);
    size_t n, m;
    float *want = compile_run(g, OPSCOPE_UNIT_SCALAR, cases[i].in_place, &n);
    float *got = compile_run(g, OPSCOPE_UNIT_SIMD, cases[i].in_place, &m);
    assert_int_equal(n, m);
    for (size_t k = 0; k < n; k++)
      if (!(fabsf(got[k] - want[k]) <= 1e-6f)) fail_msg("case %zu: Y[%zu] differs", i, k);
    free(got);
    free(want);
    ops_graph_free(g);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fire_in_place),
      cmocka_unit_test(test_left_alone),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
