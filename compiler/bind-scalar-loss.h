/*
 * Binding of the loss ops to the scalar unit (compiler/bind-scalar-loss.c):
 * NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss. Called from ops_bind_scalar() after
 * its common checks (registry entry found, every tensor typed and shaped, input 0 present).
 */
#ifndef OPSCOPE_COMPILER_BIND_SCALAR_LOSS_H
#define OPSCOPE_COMPILER_BIND_SCALAR_LOSS_H

#include "src/diag.h"
#include "src/graph.h"

/* Checks `node` and fills *params (malloc'd, owned by the caller from then on). SCE's optional
 * log_prob output is checked here too. Fails with OPS_ERR_BAD_INPUT naming the node. */
enum ops_status ops_bind_scalar_loss(const struct ops_graph *g, const struct ops_node *node,
                                     struct ops_diag *d, void **params);

#endif /* OPSCOPE_COMPILER_BIND_SCALAR_LOSS_H */
