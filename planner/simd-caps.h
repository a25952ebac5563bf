/*
 * Attribute limits of the SIMD kernels: the registry says whether an op has a SIMD kernel for
 * its dtype; this says whether that kernel handles the node's attributes and shapes (a MaxPool
 * with dilations, a Softmax over a non-last axis). A refusal becomes the ATTR reason, and the
 * SIMD binder (compiler/bind-simd*.c) accepts exactly what this accepts.
 */
#ifndef OPSCOPE_PLANNER_SIMD_CAPS_H
#define OPSCOPE_PLANNER_SIMD_CAPS_H

#include <stdbool.h>
#include <stddef.h>

#include "src/graph.h"

/* True when the SIMD kernel of n's op runs n as it is; otherwise false with text (len bytes)
 * saying which attribute or shape it does not handle, e.g. "MaxPool with dilations 2x2 has no
 * SIMD kernel". Called only for nodes whose op and dtype have a SIMD kernel. */
bool ops_simd_caps_accept(const struct ops_graph *g, const struct ops_node *n, char *text,
                          size_t len);

#endif /* OPSCOPE_PLANNER_SIMD_CAPS_H */
