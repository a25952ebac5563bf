/* Tests of src/graph.c: construction, lookup, attributes, validation and topological order. */
#include <stdlib.h>

#include "test-util.h"

#include "src/graph.h"
#include "src/size.h"

/* Adds node `name` of `op_type` reading `in` (NULL-terminated names) and writing `out`. */
static struct ops_node *add_node(struct ops_graph *g, const char *name, const char *op_type,
                                 const char *const *in, const char *const *out) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_node *n;
  assert_int_equal(ops_graph_add_node(g, &n, NULL, &d), OPS_OK);
  n->name = ops_strdup(name);
  n->op_type = ops_strdup(op_type);
  n->domain = ops_strdup("");
  n->op = ops_op_parse(op_type);
  int n_in = 0, n_out = 0;
  while (in[n_in])
    n_in++;
  while (out[n_out])
    n_out++;
  n->inputs = calloc((size_t)n_in + 1, sizeof(int));
  n->outputs = calloc((size_t)n_out + 1, sizeof(int));
  /* Interning grows the tensor array only; the node's arrays stay valid. */
  int *ins = n->inputs, *outs = n->outputs;
  n->n_inputs = n_in;
  n->n_outputs = n_out;
  for (int i = 0; i < n_in; i++)
    assert_int_equal(ops_graph_intern_tensor(g, in[i], &ins[i], &d), OPS_OK);
  for (int i = 0; i < n_out; i++)
    assert_int_equal(ops_graph_intern_tensor(g, out[i], &outs[i], &d), OPS_OK);
  return n;
}

static struct ops_graph *chain_graph(void) {
  struct ops_graph *g = ops_graph_new();
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  int x;
  assert_int_equal(ops_graph_add_tensor(g, "x", &x, &d), OPS_OK);
  assert_int_equal(ops_graph_add_input(g, x, &d), OPS_OK);
  /* Deliberately out of order: c consumes b, which is produced later in the file. */
  add_node(g, "c", "Relu", (const char *[]){"b", NULL}, (const char *[]){"y", NULL});
  add_node(g, "a", "Relu", (const char *[]){"x", NULL}, (const char *[]){"a_out", NULL});
  add_node(g, "b", "Neg", (const char *[]){"a_out", NULL}, (const char *[]){"b", NULL});
  assert_int_equal(ops_graph_add_output(g, ops_graph_find_tensor(g, "y"), &d), OPS_OK);
  return g;
}

static void test_topological_order(void **state) {
  (void)state;
  struct ops_graph *g = chain_graph();
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  assert_int_equal(ops_graph_validate(g, &d), OPS_OK);
  assert_string_equal(g->nodes[0].name, "a");
  assert_string_equal(g->nodes[1].name, "b");
  assert_string_equal(g->nodes[2].name, "c");
  assert_int_equal(g->tensors[ops_graph_find_tensor(g, "y")].producer, 2);
  ops_graph_free(g);
}

static void test_cycle(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  add_node(g, "p", "Relu", (const char *[]){"q_out", NULL}, (const char *[]){"p_out", NULL});
  add_node(g, "q", "Relu", (const char *[]){"p_out", NULL}, (const char *[]){"q_out", NULL});
  struct ops_diag d;
  ops_diag_init(&d, "cyc.onnx");
  assert_int_equal(ops_graph_validate(g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "cyc.onnx: the graph has a cycle through node");
  ops_graph_free(g);
}

static void test_dangling_input(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  add_node(g, "r", "Relu", (const char *[]){"nowhere", NULL}, (const char *[]){"y", NULL});
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_validate(g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "node 'r' (Relu) input 0 'nowhere' is not produced by any node");
  ops_graph_free(g);
}

static void test_produced_twice_and_duplicate_names(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  struct ops_diag d;
  int x;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_add_tensor(g, "x", &x, &d), OPS_OK);
  assert_int_equal(ops_graph_add_input(g, x, &d), OPS_OK);
  add_node(g, "r1", "Relu", (const char *[]){"x", NULL}, (const char *[]){"y", NULL});
  add_node(g, "r2", "Relu", (const char *[]){"x", NULL}, (const char *[]){"y", NULL});
  assert_int_equal(ops_graph_validate(g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "tensor 'y' is produced twice");
  ops_graph_free(g);

  g = ops_graph_new();
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_add_tensor(g, "x", &x, &d), OPS_OK);
  assert_int_equal(ops_graph_add_input(g, x, &d), OPS_OK);
  add_node(g, "same", "Relu", (const char *[]){"x", NULL}, (const char *[]){"y1", NULL});
  add_node(g, "same", "Relu", (const char *[]){"x", NULL}, (const char *[]){"y2", NULL});
  assert_int_equal(ops_graph_validate(g, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "two nodes are named 'same'");
  ops_graph_free(g);
}

static void test_duplicate_tensor_and_lookup(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  char name[32];
  /* Enough tensors to make the index grow several times. */
  for (int i = 0; i < 1000; i++) {
    int t;
    snprintf(name, sizeof name, "t%d", i);
    assert_int_equal(ops_graph_add_tensor(g, name, &t, &d), OPS_OK);
    assert_int_equal(t, i);
  }
  for (int i = 0; i < 1000; i += 37) {
    snprintf(name, sizeof name, "t%d", i);
    assert_int_equal(ops_graph_find_tensor(g, name), i);
  }
  assert_int_equal(ops_graph_find_tensor(g, "absent"), -1);
  int t;
  assert_int_equal(ops_graph_add_tensor(g, "t5", &t, &d), OPS_ERR_BAD_INPUT);
  OPS_ASSERT_CONTAINS(d.msg, "tensor 't5' is defined twice");
  ops_graph_free(g);
}

static void test_attribute_types(void **state) {
  (void)state;
  struct ops_graph *g = ops_graph_new();
  struct ops_node *n =
      add_node(g, "conv", "Conv", (const char *[]){"x", NULL}, (const char *[]){"y", NULL});
  n->attrs = calloc(2, sizeof *n->attrs);
  n->n_attrs = 2;
  n->attrs[0].name = ops_strdup("group");
  n->attrs[0].type = OPS_ATTR_INT;
  n->attrs[0].i = 2;
  n->attrs[1].name = ops_strdup("strides");
  n->attrs[1].type = OPS_ATTR_FLOAT;
  n->attrs[1].f = 1.5f;
  struct ops_diag d;
  ops_diag_init(&d, "m.onnx");
  int64_t v;
  assert_int_equal(ops_node_attr_int(n, "group", 1, &v, &d), OPS_OK);
  assert_int_equal(v, 2);
  assert_int_equal(ops_node_attr_int(n, "absent", 7, &v, &d), OPS_OK);
  assert_int_equal(v, 7);
  const int64_t *ints;
  size_t count;
  assert_int_equal(ops_node_attr_ints(n, "strides", &ints, &count, &d), OPS_ERR_BAD_INPUT);
  assert_string_equal(d.msg,
                      "m.onnx: node 'conv' (Conv): attribute 'strides' is float, expected ints");
  ops_graph_free(g);
}

static void test_shape_helpers(void **state) {
  (void)state;
  struct ops_shape s = ops_shape_make(3, (const int64_t[]){2, -1, 4});
  char buf[64];
  assert_string_equal(ops_shape_format(&s, buf, sizeof buf), "[2, ?, 4]");
  assert_false(ops_shape_is_known(&s));
  s.dims[1] = 3;
  int64_t n;
  assert_true(ops_shape_numel(&s, &n));
  assert_int_equal(n, 24);
  struct ops_shape huge = ops_shape_make(2, (const int64_t[]){INT64_C(1) << 40, INT64_C(1) << 40});
  assert_false(ops_shape_numel(&huge, &n));
  struct ops_shape scalar = ops_shape_make(0, NULL);
  assert_string_equal(ops_shape_format(&scalar, buf, sizeof buf), "[]");
  assert_true(ops_shape_numel(&scalar, &n));
  assert_int_equal(n, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_topological_order),
      cmocka_unit_test(test_cycle),
      cmocka_unit_test(test_dangling_input),
      cmocka_unit_test(test_produced_twice_and_duplicate_names),
      cmocka_unit_test(test_duplicate_tensor_and_lookup),
      cmocka_unit_test(test_attribute_types),
      cmocka_unit_test(test_shape_helpers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
