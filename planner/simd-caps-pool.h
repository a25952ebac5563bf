/*
 * SIMD attribute limits of the pooling kernels (kernels/drivers/f32-pool.c); called from
 * ops_simd_caps_accept (planner/simd-caps.c) and by their binder (compiler/bind-simd-pool.c),
 * so both accept the same nodes.
 */
#ifndef OPSCOPE_PLANNER_SIMD_CAPS_POOL_H
#define OPSCOPE_PLANNER_SIMD_CAPS_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "src/graph.h"

/* True when the SIMD kernel runs MaxPool or AveragePool node n as it is: 1 or 2 spatial dims,
 * every dilation 1, and for MaxPool no Indices output. Otherwise false with text (len bytes)
 * naming what it does not handle ("MaxPool with dilations 2x2 has no SIMD kernel"). Nodes the
 * scalar binder would reject anyway are accepted here and rejected there with its message. */
bool ops_simd_caps_pool(const struct ops_graph *g, const struct ops_node *n, char *text,
                        size_t len);

#endif /* OPSCOPE_PLANNER_SIMD_CAPS_POOL_H */
