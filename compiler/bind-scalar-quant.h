/*
 * Binding of the quantization ops to the scalar unit (compiler/bind-scalar-quant.c):
 * QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger, QLinearMatMul,
 * ConvInteger and QLinearConv. Called from ops_bind_scalar() after its common checks (registry
 * entry found, every tensor typed and shaped, input 0 present).
 */
#ifndef OPSCOPE_COMPILER_BIND_SCALAR_QUANT_H
#define OPSCOPE_COMPILER_BIND_SCALAR_QUANT_H

#include "src/diag.h"
#include "src/graph.h"

/* Checks `node` and fills *params (malloc'd, owned by the caller from then on; NULL for the ops
 * whose kernels need none). Fails with OPS_ERR_BAD_INPUT or OPS_ERR_UNSUPPORTED and a message
 * naming the node. */
enum ops_status ops_bind_scalar_quant(const struct ops_graph *g, const struct ops_node *node,
                                      struct ops_diag *d, void **params);

#endif /* OPSCOPE_COMPILER_BIND_SCALAR_QUANT_H */
