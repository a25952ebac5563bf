/*
 * Graph building for the shape-inference tests of one op family (test-shape-infer-*.c): tensors
 * and nodes by name, shapes as text ("1,3,-1"), and a check of an inferred dtype and shape.
 * test-shape-infer.c has its own, older set with named nodes and constants.
 */
#ifndef OPSCOPE_TESTS_SRC_INFER_BUILDER_H
#define OPSCOPE_TESTS_SRC_INFER_BUILDER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "infer-tester.h"

#include "src/graph.h"
#include "src/size.h"

static inline struct ops_shape parse_shape(const char *text) {
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

static inline int tensor_index(struct ops_graph *g, const char *name) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  int t;
  assert_int_equal(ops_graph_intern_tensor(g, name, &t, &d), OPS_OK);
  return t;
}

static inline void input(struct ops_graph *g, const char *name, enum ops_dtype dtype,
                         const char *shape) {
  int t = tensor_index(g, name);
  g->tensors[t].dtype = dtype;
  g->tensors[t].shape = parse_shape(shape);
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  assert_int_equal(ops_graph_add_input(g, t, &d), OPS_OK);
}

/* An initializer of `nbytes` bytes of `data`. */
static inline void init(struct ops_graph *g, const char *name, enum ops_dtype dtype,
                        const char *shape, const void *data, size_t nbytes) {
  int t = tensor_index(g, name);
  struct ops_tensor *x = &g->tensors[t];
  x->dtype = dtype;
  x->shape = parse_shape(shape);
  x->role = OPS_TENSOR_INITIALIZER;
  assert_true(ops_tensor_set_data_copy(x, data, nbytes));
}

/* A node reading `ins` and writing `outs` (tensor names; an empty input name is omitted). */
static inline struct ops_node *node(struct ops_graph *g, const char *op_type,
                                    const char *const *ins, int n_in, const char *const *outs,
                                    int n_out) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_node *n;
  assert_int_equal(ops_graph_add_node(g, &n, NULL, &d), OPS_OK);
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
  for (int i = 0; i < n_in; i++)
    n->inputs[i] = ins[i][0] == '\0' ? -1 : tensor_index(g, ins[i]);
  for (int i = 0; i < n_out; i++)
    n->outputs[i] = tensor_index(g, outs[i]);
  return n;
}

#define NAMES(...)                      \
  ((const char *const[]){__VA_ARGS__}), \
      (int)(sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static inline void attr_string(struct ops_node *n, const char *name, const char *s) {
  struct ops_attr *a = attr_add(n, name, OPS_ATTR_STRING);
  a->s = ops_strdup(s);
  a->s_len = strlen(s);
}

static inline void check(const struct ops_graph *g, const char *name, enum ops_dtype dtype,
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

#endif /* OPSCOPE_TESTS_SRC_INFER_BUILDER_H */
