/*
 * Binding of the reductions and normalizations to the scalar unit (compiler/bind-scalar-reduce.c):
 * the Reduce* ops, ArgMax, ArgMin, LayerNormalization, InstanceNormalization,
 * MeanVarianceNormalization and LRN. Called from ops_bind_scalar() after its common checks
 * (registry entry found, every tensor typed and shaped, input 0 present).
 */
#ifndef OPSCOPE_COMPILER_BIND_SCALAR_REDUCE_H
#define OPSCOPE_COMPILER_BIND_SCALAR_REDUCE_H

#include "src/diag.h"
#include "src/graph.h"

/* Checks `node` and fills *params (malloc'd, owned by the caller from then on). */
enum ops_status ops_bind_scalar_reduce(const struct ops_graph *g, const struct ops_node *node,
                                       struct ops_diag *d, void **params);

#endif /* OPSCOPE_COMPILER_BIND_SCALAR_REDUCE_H */
