/*
 * Binding of the resampling and block-rearranging ops to the scalar unit
 * (compiler/bind-scalar-resize.c): Resize, Upsample, DepthToSpace and SpaceToDepth. Called from
 * ops_bind_scalar() after its common checks (registry entry found, every tensor typed and
 * shaped, input 0 present).
 */
#ifndef OPSCOPE_COMPILER_BIND_SCALAR_RESIZE_H
#define OPSCOPE_COMPILER_BIND_SCALAR_RESIZE_H

#include <stddef.h>

#include "src/diag.h"
#include "src/graph.h"

/* Resize and Upsample: checks `node`, fills *params (malloc'd, owned by the caller from then on)
 * and sets *scratch_bytes to the bytes of scratch the kernel needs for its tap tables. */
enum ops_status ops_bind_scalar_resize(const struct ops_graph *g, const struct ops_node *node,
                                       struct ops_diag *d, void **params, size_t *scratch_bytes);

/* DepthToSpace and SpaceToDepth: checks `node` and fills *params (malloc'd, owned by the caller
 * from then on). */
enum ops_status ops_bind_scalar_depth_space(const struct ops_graph *g, const struct ops_node *node,
                                            struct ops_diag *d, void **params);

#endif /* OPSCOPE_COMPILER_BIND_SCALAR_RESIZE_H */
