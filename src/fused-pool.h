/*
 * Geometry of a Conv with a fused MaxPool (struct ops_fused_pool in src/graph.h): the Conv's
 * own output dims, which no tensor holds once the pool is fused, and the pool's output dims.
 * Shared by shape inference, the binders, the planner and the cost model, so they all agree on
 * the intermediate the fused kernel computes.
 */
#ifndef OPSCOPE_SRC_FUSED_POOL_H
#define OPSCOPE_SRC_FUSED_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "src/graph.h"

/* Spatial output dims of the pool over an input of in[0] x in[1], ONNX's rule: floor, or with
 * ceil_mode one more window where it starts inside the input or its begin padding. False when
 * the window does not fit (no output) or a value is out of range. */
bool ops_fused_pool_out(const struct ops_fused_pool *p, const int64_t in[2], int64_t out[2]);

/* The Conv's output dims [N, M, H, W] of node `n` (a 2-D Conv, auto_pad NOTSET) from its input,
 * weight and attributes. False when a shape is unknown, not 4-D, or the window does not fit. */
bool ops_fused_conv_dims(const struct ops_graph *g, const struct ops_node *n, int64_t dims[4]);

/* Reads the pool part of MaxPool node `mp` into *out when a fused kernel can run it: 2-D
 * kernel_shape, auto_pad NOTSET, dilations 1, no Indices output, strides and pads in range.
 * False, with *out untouched, otherwise. The kernel and pads are checked by
 * ops_fused_pool_out, which a caller runs on the Conv's output dims next. */
bool ops_fused_pool_from_node(const struct ops_node *mp, struct ops_fused_pool *out);

#endif /* OPSCOPE_SRC_FUSED_POOL_H */
