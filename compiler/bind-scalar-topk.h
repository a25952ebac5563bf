/*
 * Binding TopK to the scalar unit (compiler/bind-scalar-topk.c): checks the node's attributes,
 * inputs and output dims against what the kernel will walk, and fills its params.
 */
#ifndef OPSCOPE_COMPILER_BIND_SCALAR_TOPK_H
#define OPSCOPE_COMPILER_BIND_SCALAR_TOPK_H

#include "src/diag.h"
#include "src/graph.h"

/* Binds `node` (op TopK) of `g`; on success *params holds the kernel's params (owned,
 * malloc), or NULL when the kernel takes none. Every failure names the node. */
enum ops_status ops_bind_scalar_top_k(const struct ops_graph *g, const struct ops_node *node,
                                      struct ops_diag *d, void **params);

#endif /* OPSCOPE_COMPILER_BIND_SCALAR_TOPK_H */
