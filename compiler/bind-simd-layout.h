/*
 * Binding of the SIMD data-movement kernels (kernels/drivers/layout.c) for the simd and
 * threads units: Transpose, Concat, Slice, and Reshape, Flatten, Squeeze, Unsqueeze and
 * Identity, of any dtype. Called by ops_bind_simd
 * (compiler/bind-simd.c) after the scalar binder has validated the node. Private to compiler/.
 */
#ifndef OPSCOPE_COMPILER_BIND_SIMD_LAYOUT_H
#define OPSCOPE_COMPILER_BIND_SIMD_LAYOUT_H

#include "compiler/bind.h"
#include "compiler/compiler-impl.h"

/* Fills out->params (owned) for node c->node from its scalar binding's params `ref`
 * (struct ops_transpose_params, ops_concat_params or ops_slice_params; unused for the copies).
 * OPS_ERR_UNSUPPORTED for elements not 1, 2, 4 or 8 bytes wide (no dtype opscope executes),
 * OPS_ERR_NO_MEMORY; on failure *out is empty. */
enum ops_status ops_bind_simd_layout(const struct bind_ctx *c, const void *ref,
                                     struct ops_binding *out);

#endif /* OPSCOPE_COMPILER_BIND_SIMD_LAYOUT_H */
