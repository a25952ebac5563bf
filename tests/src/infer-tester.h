/*
 * What the shape-inference tests share: a hand-built graph named "hand.onnx", attributes, and
 * running inference expecting success or a given error. Static inline so each test file uses
 * what it needs.
 */
#ifndef OPSCOPE_TESTS_SRC_INFER_TESTER_H
#define OPSCOPE_TESTS_SRC_INFER_TESTER_H

#include <stdlib.h>
#include <string.h>

#include "test-util.h"

#include "src/graph.h"
#include "src/shape-infer.h"
#include "src/size.h"

static inline struct ops_graph *graph_new(int64_t opset) {
  struct ops_graph *g = ops_graph_new();
  assert_non_null(g);
  g->opset = opset;
  g->path = ops_strdup("hand.onnx");
  g->format = "onnx";
  return g;
}

static inline struct ops_attr *attr_add(struct ops_node *n, const char *name,
                                        enum ops_attr_type type) {
  struct ops_attr *a = realloc(n->attrs, (size_t)(n->n_attrs + 1) * sizeof *a);
  assert_non_null(a);
  n->attrs = a;
  a = &n->attrs[n->n_attrs++];
  memset(a, 0, sizeof *a);
  a->name = ops_strdup(name);
  a->type = type;
  return a;
}

static inline void attr_int(struct ops_node *n, const char *name, int64_t v) {
  attr_add(n, name, OPS_ATTR_INT)->i = v;
}

static inline void attr_ints(struct ops_node *n, const char *name, size_t count, const int64_t *v) {
  struct ops_attr *a = attr_add(n, name, OPS_ATTR_INTS);
  a->ints = calloc(count + 1, sizeof *a->ints);
  assert_non_null(a->ints);
  memcpy(a->ints, v, count * sizeof *v);
  a->count = count;
}

static inline enum ops_status run(struct ops_graph *g, struct ops_diag *d) {
  ops_diag_init(d, NULL);
  assert_int_equal(ops_graph_validate(g, d), OPS_OK);
  return ops_shape_infer(g, d);
}

static inline void run_ok(struct ops_graph *g) {
  struct ops_diag d;
  enum ops_status st = run(g, &d);
  if (st != OPS_OK) fail_msg("ops_shape_infer failed: %s", d.msg);
}

/* Runs inference expecting OPS_ERR_BAD_INPUT with `needle` in the message, and frees g. */
static inline void run_fails(struct ops_graph *g, const char *needle) {
  struct ops_diag d;
  enum ops_status st = run(g, &d);
  if (st != OPS_ERR_BAD_INPUT) {
    fail_msg("expected bad input with \"%s\", got status %d: %s", needle, st, d.msg);
  }
  OPS_ASSERT_CONTAINS(d.msg, "hand.onnx: ");
  OPS_ASSERT_CONTAINS(d.msg, needle);
  ops_graph_free(g);
}

#endif /* OPSCOPE_TESTS_SRC_INFER_TESTER_H */
