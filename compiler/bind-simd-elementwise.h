/*
 * Binding of the simd and threads units' element-wise, Softmax and reduction kernels
 * (kernels/drivers/f32-elementwise.c), called from ops_bind_simd (compiler/bind-simd.c) after
 * the scalar binder validated the node.
 */
#ifndef OPSCOPE_COMPILER_BIND_SIMD_ELEMENTWISE_H
#define OPSCOPE_COMPILER_BIND_SIMD_ELEMENTWISE_H

#include "compiler/bind.h"
#include "compiler/compiler-impl.h"

/* Lays c's node out as rows of contiguous runs (struct ops_simd_ew_params) into out->params
 * (malloc'd, owned by out). ref_params is what the scalar binder produced for the node
 * (borrowed). Fails with OPS_ERR_UNSUPPORTED, naming the node, when the SIMD kernel does not
 * handle its attributes (the same test as the planner's, planner/simd-caps-elementwise.c), and
 * OPS_ERR_NO_MEMORY. */
enum ops_status ops_bind_simd_elementwise(const struct bind_ctx *c, const void *ref_params,
                                          struct ops_binding *out);

#endif /* OPSCOPE_COMPILER_BIND_SIMD_ELEMENTWISE_H */
