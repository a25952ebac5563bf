/*
 * Binding: what one node becomes on one unit. The binder picks the kernel from the registry
 * (kernels/registry.h), checks the attributes and shapes the kernel relies on, and fills the
 * kernel's params struct (kernels/params.h) from the node's attributes and constant inputs.
 *
 * Precondition: shape inference has run and every input and output of the node has a known
 * dtype and shape. A node the kernel cannot run returns OPS_ERR_UNSUPPORTED with a message
 * naming the node ("node 'conv1' (Conv): auto_pad VALID with dilations is not supported").
 */
#ifndef OPSCOPE_COMPILER_BIND_H
#define OPSCOPE_COMPILER_BIND_H

#include <stddef.h>

#include "kernels/registry.h"
#include "src/diag.h"
#include "src/graph.h"

struct ops_binding {
  const struct ops_kernel_entry *kernel; /* borrowed from the static registry */
  void *params;         /* owned (malloc); the op's params struct, or NULL when it has none */
  size_t scratch_bytes; /* bytes of scratch the kernel needs per call */
  size_t packed_bytes;  /* bytes of weights packed at bind time (in params); 0 when none */
};

/* Binds `node` of `g` to the scalar unit. On failure *out is left empty (nothing to free). */
enum ops_status ops_bind_scalar(const struct ops_graph *g, const struct ops_node *node,
                                struct ops_binding *out, struct ops_diag *d);

/* Binds `node` to the simd unit, or the threads unit (`unit`), whose kernels are the same ones
 * run with their GEMM split over the pool (compiler/bind-simd.c). */
enum ops_status ops_bind_simd(const struct ops_graph *g, const struct ops_node *node, int unit,
                              struct ops_binding *out, struct ops_diag *d);

/* Frees what a binding owns and empties it. */
void ops_binding_done(struct ops_binding *b);

#endif /* OPSCOPE_COMPILER_BIND_H */
