/*
 * Building small graphs by hand for the binder tests: tensors with known dtype, shape and value,
 * nodes, and attributes. Functions are static inline so each test uses what it needs.
 */
#ifndef OPSCOPE_TESTS_KERNELS_GRAPH_BUILDER_H
#define OPSCOPE_TESTS_KERNELS_GRAPH_BUILDER_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "src/graph.h"
#include "src/size.h"

/* A tensor with a known dtype and shape, and optionally a value. */
static inline int tensor(struct ops_graph *g, const char *name, enum ops_dtype dtype, int rank,
                         const int64_t *dims, const void *data, size_t nbytes) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  int idx;
  assert_int_equal(ops_graph_add_tensor(g, name, &idx, &d), OPS_OK);
  struct ops_tensor *t = &g->tensors[idx];
  t->dtype = dtype;
  t->shape = ops_shape_make(rank, dims);
  t->role = data != NULL ? OPS_TENSOR_INITIALIZER : OPS_TENSOR_ACTIVATION;
  if (data != NULL) assert_true(ops_tensor_set_data_copy(t, data, nbytes));
  return idx;
}

#define DIMS(...)                                                          \
  (int)(sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (int64_t[]) { \
    __VA_ARGS__                                                            \
  }

/* A node; ins and outs are tensor indices (-1 for omitted), terminated by INT32_MIN. */
static inline struct ops_node *node(struct ops_graph *g, const char *name, const char *op_type,
                                    const int *ins, const int *outs) {
  struct ops_diag d;
  ops_diag_init(&d, NULL);
  struct ops_node *n;
  assert_int_equal(ops_graph_add_node(g, &n, NULL, &d), OPS_OK);
  n->name = ops_strdup(name);
  n->op_type = ops_strdup(op_type);
  n->domain = ops_strdup("");
  n->op = ops_op_parse(op_type);
  while (ins[n->n_inputs] != INT32_MIN)
    n->n_inputs++;
  while (outs[n->n_outputs] != INT32_MIN)
    n->n_outputs++;
  n->inputs = calloc((size_t)n->n_inputs + 1, sizeof(int));
  n->outputs = calloc((size_t)n->n_outputs + 1, sizeof(int));
  memcpy(n->inputs, ins, (size_t)n->n_inputs * sizeof(int));
  memcpy(n->outputs, outs, (size_t)n->n_outputs * sizeof(int));
  return n;
}

#define IO(...) ((const int[]){__VA_ARGS__, INT32_MIN})
#define NONE ((const int[]){INT32_MIN})

static inline struct ops_attr *add_attr(struct ops_node *n, const char *name,
                                        enum ops_attr_type type) {
  n->attrs = realloc(n->attrs, (size_t)(n->n_attrs + 1) * sizeof *n->attrs);
  struct ops_attr *a = &n->attrs[n->n_attrs++];
  memset(a, 0, sizeof *a);
  a->name = ops_strdup(name);
  a->type = type;
  return a;
}

static inline void attr_ints(struct ops_node *n, const char *name, size_t count, const int64_t *v) {
  struct ops_attr *a = add_attr(n, name, OPS_ATTR_INTS);
  a->ints = malloc(count * sizeof *a->ints + 1);
  memcpy(a->ints, v, count * sizeof *v);
  a->count = count;
}

static inline void attr_int(struct ops_node *n, const char *name, int64_t v) {
  add_attr(n, name, OPS_ATTR_INT)->i = v;
}

static inline void attr_string(struct ops_node *n, const char *name, const char *s) {
  struct ops_attr *a = add_attr(n, name, OPS_ATTR_STRING);
  a->s = ops_strdup(s);
  a->s_len = strlen(s);
}

#define INTS(...)                                                     \
  (sizeof((int64_t[]){__VA_ARGS__}) / sizeof(int64_t)), (int64_t[]) { \
    __VA_ARGS__                                                       \
  }

#endif /* OPSCOPE_TESTS_KERNELS_GRAPH_BUILDER_H */
