/*
 * Binding of the data-movement and fill ops of issue #3 to the scalar unit
 * (compiler/bind-scalar-shape-ops.c): Pad, Tile, Expand, Split, Compress, ConstantOfShape, Range,
 * EyeLike, Trilu, CumSum, OneHot and CastLike. Called from ops_bind_scalar() after its common
 * checks (registry entry found, every tensor typed and shaped, input 0 present).
 */
#ifndef OPSCOPE_COMPILER_BIND_SCALAR_SHAPE_OPS_H
#define OPSCOPE_COMPILER_BIND_SCALAR_SHAPE_OPS_H

#include "src/diag.h"
#include "src/graph.h"

/* Checks `node` and fills *params (malloc'd, owned by the caller from then on; NULL for the ops
 * without params). Fails with OPS_ERR_BAD_INPUT for a node that contradicts itself and
 * OPS_ERR_UNSUPPORTED for one the kernels cannot run (an input that decides the output shape
 * is not a constant), each with a message naming the node. */
enum ops_status ops_bind_scalar_shape_ops(const struct ops_graph *g, const struct ops_node *node,
                                          struct ops_diag *d, void **params);

#endif /* OPSCOPE_COMPILER_BIND_SCALAR_SHAPE_OPS_H */
