/*
 * Tests of src/shape-infer-reduce.c on hand-built graphs: ArgMax/ArgMin output dims and dtype,
 * LayerNormalization's outputs (Y, Mean, InvStdDev) and stash_type, the shape-keeping
 * normalizations (InstanceNormalization, MeanVarianceNormalization, LRN), LogSoftmax, Hardmax
 * and the Reduce* ops through the shared rule, and each error with a substring of its message.
 * (ReduceProd's folding of shape arithmetic is covered in test-shape-infer.c.)
 */
#include <stdlib.h>

#include "test-util.h"

#include "infer-tester.h"

#include "src/graph.h"
#include "src/shape-infer.h"
#include "src/size.h"

/* Parses "1,3,8" into a shape ("" is a scalar). */
static struct ops_shape parse_shape(const char *text) {
  struct ops_shape s = ops_shape_make(0, NULL);
  const char *p = text;
  while (*p != '\0') {
    assert_true(s.rank < OPS_MAX_RANK);
    char *end;
    s.dims[s.rank++] = strtoll(p, &end, 10);
    assert_true(end != p);
    p = end;
    if (*p == ',') p++;
  }
  return s;
}

static int tensor_index(struct ops_graph *g, const char *name) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  int t;
  assert_int_equal(ops_graph_intern_tensor(g, name, &t, &d), OPS_OK);
  return t;
}

static void input(struct ops_graph *g, const char *name, enum ops_dtype dtype, const char *shape) {
  int t = tensor_index(g, name);
  g->tensors[t].dtype = dtype;
  g->tensors[t].shape = parse_shape(shape);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_add_input(g, t, &d), OPS_OK);
}

/* A node reading `ins` and writing `outs` (tensor names; an empty input name is omitted). */
static struct ops_node *node(struct ops_graph *g, const char *op_type, const char *const *ins,
                             int n_in, const char *const *outs, int n_out) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_node *n;
  assert_int_equal(ops_graph_add_node(g, &n, NULL, &d), OPS_OK);
  /* Node names must be unique: the first is 'n', then 'n1', 'n2', ... */
  char name[32] = "n";
  if (g->n_nodes > 1) snprintf(name, sizeof name, "n%zu", g->n_nodes - 1);
  n->name = ops_strdup(name);
  n->op_type = ops_strdup(op_type);
  n->domain = ops_strdup("");
  n->op = ops_op_parse(op_type);
  n->inputs = calloc((size_t)n_in + 1, sizeof(int));
  n->outputs = calloc((size_t)n_out + 1, sizeof(int));
  assert_true(n->inputs != NULL && n->outputs != NULL);
  n->n_inputs = n_in;
  n->n_outputs = n_out;
  /* Interning grows g->tensors only, so `n` (in g->nodes) stays valid. */
  for (int i = 0; i < n_in; i++)
    n->inputs[i] = ins[i][0] == '\0' ? -1 : tensor_index(g, ins[i]);
  for (int i = 0; i < n_out; i++)
    n->outputs[i] = tensor_index(g, outs[i]);
  return n;
}

#define NAMES(...)                      \
  ((const char *const[]){__VA_ARGS__}), \
      (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

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

static void test_arg_reduce(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "2,3,4");
  attr_int(node(g, "ArgMax", NAMES("x"), NAMES("a")), "axis", -2);
  struct ops_node *n = node(g, "ArgMin", NAMES("x"), NAMES("b"));
  attr_int(n, "axis", 2);
  attr_int(n, "keepdims", 0);
  node(g, "ArgMax", NAMES("x"), NAMES("c"));
  run_ok(g);
  check(g, "a", OPS_DTYPE_I64, "[2, 1, 4]");
  check(g, "b", OPS_DTYPE_I64, "[2, 3]");
  check(g, "c", OPS_DTYPE_I64, "[1, 3, 4]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  attr_int(node(g, "ArgMax", NAMES("x"), NAMES("a")), "axis", 2);
  run_fails(g, "node 'n' (ArgMax): axis 2 is out of range for rank 2");
  g = graph_new(13);
  input(g, "x", OPS_DTYPE_BOOL, "2,3");
  node(g, "ArgMin", NAMES("x"), NAMES("a"));
  run_fails(g, "(ArgMin): input 0 'x' is bool, expected a numeric type");
}

static void test_reductions_and_softmaxes(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "2,3,4");
  input(g, "d", OPS_DTYPE_F64, "2,3");
  attr_ints(node(g, "ReduceL2", NAMES("x"), NAMES("l2")), "axes", 2, (const int64_t[]){0, -1});
  attr_int(node(g, "ReduceLogSumExp", NAMES("d"), NAMES("lse")), "keepdims", 0);
  node(g, "LogSoftmax", NAMES("x"), NAMES("ls"));
  node(g, "Hardmax", NAMES("x"), NAMES("hm"));
  run_ok(g);
  check(g, "l2", OPS_DTYPE_F32, "[1, 3, 1]");
  check(g, "lse", OPS_DTYPE_F64, "[]");
  check(g, "ls", OPS_DTYPE_F32, "[2, 3, 4]");
  check(g, "hm", OPS_DTYPE_F32, "[2, 3, 4]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  attr_int(node(g, "Hardmax", NAMES("x"), NAMES("y")), "axis", -3);
  run_fails(g, "(Hardmax): axis -3 is out of range for rank 2");
}

static void test_layer_norm(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(17);
  input(g, "x", OPS_DTYPE_F32, "2,3,4");
  input(g, "s", OPS_DTYPE_F32, "3,4");
  input(g, "b", OPS_DTYPE_F32, "4");
  struct ops_node *n = node(g, "LayerNormalization", NAMES("x", "s", "b"), NAMES("y", "m", "v"));
  attr_int(n, "axis", 1);
  run_ok(g);
  check(g, "y", OPS_DTYPE_F32, "[2, 3, 4]");
  check(g, "m", OPS_DTYPE_F32, "[2, 1, 1]");
  check(g, "v", OPS_DTYPE_F32, "[2, 1, 1]");
  ops_graph_free(g);

  /* Scale alone, default axis -1, f64 statistics. */
  g = graph_new(17);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  input(g, "s", OPS_DTYPE_F32, "3");
  n = node(g, "LayerNormalization", NAMES("x", "s"), NAMES("y", "m"));
  attr_int(n, "stash_type", 11);
  run_ok(g);
  check(g, "m", OPS_DTYPE_F64, "[2, 1]");
  ops_graph_free(g);

  g = graph_new(17);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  input(g, "s", OPS_DTYPE_F32, "2");
  node(g, "LayerNormalization", NAMES("x", "s"), NAMES("y"));
  run_fails(g, "(LayerNormalization): cannot broadcast input 1 's' [2] to [3]");
  g = graph_new(17);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  input(g, "s", OPS_DTYPE_F32, "3");
  attr_int(node(g, "LayerNormalization", NAMES("x", "s"), NAMES("y")), "stash_type", 7);
  run_fails(g, "attribute 'stash_type' 7 is not a floating-point dtype");
  g = graph_new(17);
  input(g, "x", OPS_DTYPE_F32, "2,3");
  node(g, "LayerNormalization", NAMES("x"), NAMES("y"));
  run_fails(g, "has 1 inputs, expected 2 to 3");
}

static void test_shape_keeping_norms(void **state) {
  (void)state;
  struct ops_graph *g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,3,4,4");
  input(g, "s", OPS_DTYPE_F32, "3");
  input(g, "b", OPS_DTYPE_F32, "3");
  node(g, "InstanceNormalization", NAMES("x", "s", "b"), NAMES("in"));
  node(g, "MeanVarianceNormalization", NAMES("x"), NAMES("mvn"));
  attr_int(node(g, "LRN", NAMES("x"), NAMES("lrn")), "size", 3);
  run_ok(g);
  check(g, "in", OPS_DTYPE_F32, "[1, 3, 4, 4]");
  check(g, "mvn", OPS_DTYPE_F32, "[1, 3, 4, 4]");
  check(g, "lrn", OPS_DTYPE_F32, "[1, 3, 4, 4]");
  ops_graph_free(g);

  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "1,3,4");
  input(g, "s", OPS_DTYPE_F32, "2");
  input(g, "b", OPS_DTYPE_F32, "3");
  node(g, "InstanceNormalization", NAMES("x", "s", "b"), NAMES("y"));
  run_fails(g, "input 1 's' has shape [2], expected [3] (one per channel)");
  g = graph_new(13);
  input(g, "x", OPS_DTYPE_F32, "3");
  attr_int(node(g, "LRN", NAMES("x"), NAMES("y")), "size", 3);
  run_fails(g, "(LRN): input 0 'x' has rank 1, expected at least 2");
  g = graph_new(13);
  input(g, "x", OPS_DTYPE_I32, "1,3");
  node(g, "MeanVarianceNormalization", NAMES("x"), NAMES("y"));
  run_fails(g, "(MeanVarianceNormalization): input 0 'x' is i32, expected a float type");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_arg_reduce),
      cmocka_unit_test(test_reductions_and_softmaxes),
      cmocka_unit_test(test_layer_norm),
      cmocka_unit_test(test_shape_keeping_norms),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
