/*
 * Tests of src/shape-infer-index.c and src/shape-infer-loss.c on hand-built graphs:
 * GatherElements (the indices' dims), GatherND with and without batch_dims, the scatters (data's
 * dims), unknown dims carried through, the loss shapes per reduction and SCE's log_prob, and
 * each refusal with a substring of its message.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "infer-tester.h"

#include "src/graph.h"
#include "src/shape-infer.h"
#include "src/size.h"

static int tensor_at(struct ops_graph *g, const char *name) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  int t;
  assert_int_equal(ops_graph_intern_tensor(g, name, &t, &d), OPS_OK);
  return t;
}

/* A graph input of `rank` dims (-1 unknown); rank -1 is an unknown rank. */
static void input(struct ops_graph *g, const char *name, enum ops_dtype dtype, int rank,
                  const int64_t *dims) {
  int t = tensor_at(g, name);
  g->tensors[t].dtype = dtype;
  g->tensors[t].shape = rank < 0 ? ops_shape_unknown() : ops_shape_make(rank, dims);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_add_input(g, t, &d), OPS_OK);
}

#define SHAPE(...)                                                         \
  (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (int64_t[]) { \
    __VA_ARGS__                                                            \
  }

/* A node of `op_type` reading `ins` and writing `outs`, NULL-terminated name lists. */
static struct ops_node *node(struct ops_graph *g, const char *op_type, const char *const *ins,
                             const char *const *outs) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_node *n;
  assert_int_equal(ops_graph_add_node(g, &n, NULL, &d), OPS_OK);
  char name[32];
  snprintf(name, sizeof name, "n%zu", g->n_nodes - 1);
  n->name = ops_strdup(name);
  n->op_type = ops_strdup(op_type);
  n->domain = ops_strdup("");
  n->op = ops_op_parse(op_type);
  while (ins[n->n_inputs] != NULL)
    n->n_inputs++;
  while (outs[n->n_outputs] != NULL)
    n->n_outputs++;
  n->inputs = calloc((size_t)n->n_inputs + 1, sizeof(int));
  n->outputs = calloc((size_t)n->n_outputs + 1, sizeof(int));
  assert_true(n->inputs != NULL && n->outputs != NULL);
  for (int i = 0; i < n->n_inputs; i++)
    n->inputs[i] = tensor_at(g, ins[i]);
  for (int i = 0; i < n->n_outputs; i++)
    n->outputs[i] = tensor_at(g, outs[i]);
  return n;
}

#define NAMES(...) ((const char *const[]){__VA_ARGS__, NULL})

static void attr_string(struct ops_node *n, const char *name, const char *s) {
  struct ops_attr *a = attr_add(n, name, OPS_ATTR_STRING);
  a->s = ops_strdup(s);
  a->s_len = strlen(s);
}

static void check(const struct ops_graph *g, const char *name, enum ops_dtype dtype,
                  const char *shape) {
  int t = ops_graph_find_tensor(g, name);
  if (t < 0) fail_msg("no tensor '%s'", name);
  char buf[256];
  ops_shape_format(&g->tensors[t].shape, buf, sizeof buf);
  if (g->tensors[t].dtype != dtype || strcmp(buf, shape) != 0) {
    fail_msg("'%s' is %s %s, expected %s %s", name, ops_dtype_name(g->tensors[t].dtype), buf,
             ops_dtype_name(dtype), shape);
  }
}

static void test_index_shapes(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(16);
  input(g, "x", OPS_DTYPE_I32, SHAPE(2, 3, 4));
  input(g, "ie", OPS_DTYPE_I64, SHAPE(2, 1, 4));
  input(g, "ind", OPS_DTYPE_I32, SHAPE(2, 5, 1));
  input(g, "iu", OPS_DTYPE_I64, SHAPE(-1, 2));
  input(g, "u", OPS_DTYPE_I32, SHAPE(2, 1, 4));
  input(g, "und", OPS_DTYPE_I32, SHAPE(2, 5, 3, 4));
  attr_int(node(g, "GatherElements", NAMES("x", "ie"), NAMES("a")), "axis", -2);
  node(g, "GatherND", NAMES("x", "ind"), NAMES("b"));
  attr_int(node(g, "GatherND", NAMES("x", "ind"), NAMES("c")), "batch_dims", 1);
  node(g, "GatherND", NAMES("x", "iu"), NAMES("d"));
  attr_int(node(g, "ScatterElements", NAMES("x", "ie", "u"), NAMES("e")), "axis", 1);
  node(g, "Scatter", NAMES("x", "ie", "u"), NAMES("f"));
  node(g, "ScatterND", NAMES("x", "ind", "und"), NAMES("h"));
  run_ok(g);
  check(g, "a", OPS_DTYPE_I32, "[2, 1, 4]");
  check(g, "b", OPS_DTYPE_I32, "[2, 5, 3, 4]");
  check(g, "c", OPS_DTYPE_I32, "[2, 5, 4]");
  check(g, "d", OPS_DTYPE_I32, "[?, 4]");
  check(g, "e", OPS_DTYPE_I32, "[2, 3, 4]");
  check(g, "f", OPS_DTYPE_I32, "[2, 3, 4]");
  check(g, "h", OPS_DTYPE_I32, "[2, 3, 4]");
  ops_graph_free(g);

  /* The last dim of indices unknown: GatherND's rank is unknown too. */
  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, SHAPE(2, 3));
  input(g, "i", OPS_DTYPE_I64, SHAPE(4, -1));
  node(g, "GatherND", NAMES("x", "i"), NAMES("y"));
  run_ok(g);
  check(g, "y", OPS_DTYPE_F32, "(unknown rank)");
  ops_graph_free(g);
}

static void test_index_errors(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, SHAPE(2, 3));
  input(g, "i", OPS_DTYPE_F32, SHAPE(2, 3));
  node(g, "GatherElements", NAMES("x", "i"), NAMES("y"));
  run_fails(g, "node 'n0' (GatherElements): input 1 'i' is f32, expected");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, SHAPE(2, 3));
  input(g, "i", OPS_DTYPE_I64, SHAPE(3, 3));
  attr_int(node(g, "GatherElements", NAMES("x", "i"), NAMES("y")), "axis", 1);
  run_fails(g, "indices 'i' [3, 3] exceed data 'x' [2, 3] on axis 0");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, SHAPE(2, 3));
  input(g, "i", OPS_DTYPE_I64, SHAPE(2, 3));
  attr_int(node(g, "GatherND", NAMES("x", "i"), NAMES("y")), "batch_dims", 1);
  run_fails(g, "the last dim of indices 'i' [2, 3] is 3, expected 1 to 1");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, SHAPE(2, 3));
  input(g, "i", OPS_DTYPE_I64, SHAPE(3, 1));
  attr_int(node(g, "GatherND", NAMES("x", "i"), NAMES("y")), "batch_dims", 1);
  run_fails(g, "batch dim 0 differs");

  g = graph_new(16);
  input(g, "x", OPS_DTYPE_F32, SHAPE(4, 4));
  input(g, "i", OPS_DTYPE_I64, SHAPE(2, 1));
  input(g, "u", OPS_DTYPE_F64, SHAPE(2, 4));
  node(g, "ScatterND", NAMES("x", "i", "u"), NAMES("y"));
  run_fails(g, "they must have the same type");

  g = graph_new(16);
  input(g, "x", OPS_DTYPE_F32, SHAPE(4, 4));
  input(g, "i", OPS_DTYPE_I64, SHAPE(2, 1));
  input(g, "u", OPS_DTYPE_F32, SHAPE(2, 5));
  node(g, "ScatterND", NAMES("x", "i", "u"), NAMES("y"));
  run_fails(g, "updates 'u' [2, 5] do not match indices 'i' [2, 1] and data 'x' [4, 4]");

  g = graph_new(16);
  input(g, "x", OPS_DTYPE_F32, SHAPE(4, 4));
  input(g, "i", OPS_DTYPE_I64, SHAPE(2, 2));
  input(g, "u", OPS_DTYPE_F32, SHAPE(2, 3));
  node(g, "ScatterElements", NAMES("x", "i", "u"), NAMES("y"));
  run_fails(g, "updates 'u' [2, 3] and indices 'i' [2, 2] must have the same shape");
}

static void test_loss_shapes(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, SHAPE(3, 5, 2, -1));
  input(g, "t", OPS_DTYPE_I64, SHAPE(3, 2, 7));
  input(g, "w", OPS_DTYPE_F32, SHAPE(5));
  attr_string(node(g, "NegativeLogLikelihoodLoss", NAMES("x", "t"), NAMES("a")), "reduction",
              "none");
  node(g, "NegativeLogLikelihoodLoss", NAMES("x", "t", "w"), NAMES("b"));
  attr_string(node(g, "SoftmaxCrossEntropyLoss", NAMES("x", "t"), NAMES("c", "lp")), "reduction",
              "sum");
  run_ok(g);
  check(g, "a", OPS_DTYPE_F32, "[3, 2, 7]"); /* the last dim from the target */
  check(g, "b", OPS_DTYPE_F32, "[]");
  check(g, "c", OPS_DTYPE_F32, "[]");
  check(g, "lp", OPS_DTYPE_F32, "[3, 5, 2, ?]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, SHAPE(3, 5));
  input(g, "t", OPS_DTYPE_I64, SHAPE(3));
  attr_string(node(g, "SoftmaxCrossEntropyLoss", NAMES("x", "t"), NAMES("y")), "reduction", "avg");
  run_fails(g, "node 'n0' (SoftmaxCrossEntropyLoss): reduction 'avg' is not one of");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, SHAPE(3, 5));
  input(g, "t", OPS_DTYPE_I64, SHAPE(5));
  node(g, "NegativeLogLikelihoodLoss", NAMES("x", "t"), NAMES("y"));
  run_fails(g, "target 't' [5] does not match input 'x' [3, 5]");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, SHAPE(3, 5));
  input(g, "t", OPS_DTYPE_I64, SHAPE(3));
  input(g, "w", OPS_DTYPE_F32, SHAPE(4));
  node(g, "NegativeLogLikelihoodLoss", NAMES("x", "t", "w"), NAMES("y"));
  run_fails(g, "weight 'w' [4] does not match the classes of input 'x' [3, 5]");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_I32, SHAPE(3, 5));
  input(g, "t", OPS_DTYPE_I64, SHAPE(3));
  node(g, "NegativeLogLikelihoodLoss", NAMES("x", "t"), NAMES("y"));
  run_fails(g, "input 0 'x' is i32, expected");

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, SHAPE(3, 5));
  input(g, "t", OPS_DTYPE_I64, SHAPE(3));
  node(g, "NegativeLogLikelihoodLoss", NAMES("x", "t"), NAMES("y", "z"));
  run_fails(g, "has 2 outputs, expected at most 1");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_index_shapes),
      cmocka_unit_test(test_index_errors),
      cmocka_unit_test(test_loss_shapes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
