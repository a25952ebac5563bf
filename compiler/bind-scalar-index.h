/*
 * Binding of the index ops to the scalar unit (compiler/bind-scalar-index.c): GatherElements,
 * GatherND, ScatterElements, Scatter and ScatterND. Called from ops_bind_scalar() after its
 * common checks (registry entry found, every tensor typed and shaped, input 0 present).
 */
#ifndef OPSCOPE_COMPILER_BIND_SCALAR_INDEX_H
#define OPSCOPE_COMPILER_BIND_SCALAR_INDEX_H

#include "src/diag.h"
#include "src/graph.h"

/* Checks `node` and fills *params (malloc'd, owned by the caller from then on). Fails with
 * OPS_ERR_BAD_INPUT for shapes or attributes the spec forbids and OPS_ERR_UNSUPPORTED for a
 * reduction the kernels do not have for the dtype; the message names the node. */
enum ops_status ops_bind_scalar_index(const struct ops_graph *g, const struct ops_node *node,
                                      struct ops_diag *d, void **params);

#endif /* OPSCOPE_COMPILER_BIND_SCALAR_INDEX_H */
