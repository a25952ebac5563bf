/*
 * Binding the last node of a hand-built graph (graph-builder.h) to the scalar unit and running
 * its kernel on caller-owned buffers, for tests that check a binder and its kernel together.
 */
#ifndef OPSCOPE_TESTS_KERNELS_BIND_RUN_H
#define OPSCOPE_TESTS_KERNELS_BIND_RUN_H

#include "test-util.h"

#include "compiler/bind.h"
#include "kernel-tester.h"
#include "src/graph.h"

/* Binds the graph's last node; the message, if any, is in *d (file "m.onnx"). */
static inline enum ops_status br_bind(const struct ops_graph *g, struct ops_binding *b,
                                      struct ops_diag *d) {
  ops_diag_init(d, "m.onnx");
  return ops_bind_scalar(g, &g->nodes[g->n_nodes - 1], b, d);
}

/* Binds the last node (which must succeed) and runs its kernel: input i reads in[i], or the
 * tensor's own value when in[i] is NULL; output i writes out[i]. */
static inline enum ops_kresult br_run(const struct ops_graph *g, const void *const *in,
                                      void *const *out) {
  const struct ops_node *n = &g->nodes[g->n_nodes - 1];
  struct ops_binding b;
  struct ops_diag d;
  enum ops_status st = br_bind(g, &b, &d);
  if (st != OPS_OK) print_error("bind failed: %s\n", d.msg);
  assert_int_equal(st, OPS_OK);
  struct kt k;
  kt_init(&k);
  for (int i = 0; i < n->n_inputs; i++) {
    const struct ops_tensor *t = ops_node_input(g, n, i);
    if (t == NULL) {
      kt_in(&k, NULL, 0, KT_SCALAR);
      continue;
    }
    kt_in(&k, in[i] != NULL ? in[i] : t->data, (int)t->dtype,
          kt_dims_of(t->shape.rank, t->shape.dims));
  }
  for (int i = 0; i < n->n_outputs; i++) {
    const struct ops_tensor *t = n->outputs[i] >= 0 ? &g->tensors[n->outputs[i]] : NULL;
    if (t == NULL) {
      kt_out(&k, NULL, 0, KT_SCALAR);
      continue;
    }
    kt_out(&k, out[i], (int)t->dtype, kt_dims_of(t->shape.rank, t->shape.dims));
  }
  enum ops_kresult r = kt_run(&k, b.kernel->fn, b.params);
  ops_binding_done(&b);
  return r;
}

#endif /* OPSCOPE_TESTS_KERNELS_BIND_RUN_H */
