/*
 * SIMD attribute limits of the element-wise, Softmax and reduction kernels
 * (kernels/drivers/f32-elementwise.c); called from ops_simd_caps_accept (planner/simd-caps.c)
 * and by their binder (compiler/bind-simd-elementwise.c), so both accept the same nodes.
 */
#ifndef OPSCOPE_PLANNER_SIMD_CAPS_ELEMENTWISE_H
#define OPSCOPE_PLANNER_SIMD_CAPS_ELEMENTWISE_H

#include <stdbool.h>
#include <stddef.h>

#include "src/graph.h"

/* True when the SIMD kernel runs n as it is: Pow only with a constant scalar exponent of 2 or
 * 0.5 and an output of the base's shape; Max and Min with two inputs; Softmax and LogSoftmax
 * only when each normalized vector is contiguous; ReduceSum and ReduceMean only over trailing
 * axes; LayerNormalization only with a Scale and B of the normalized dims' full shape. Otherwise
 * false with text (len bytes) naming what it does not handle. Nodes the scalar binder would reject
 * anyway are accepted here and rejected there with its message. */
bool ops_simd_caps_elementwise(const struct ops_graph *g, const struct ops_node *n, char *text,
                               size_t len);

/* The Pow exponent the SIMD kernel takes for n: 2 or 0.5 when input 1 is a constant scalar of
 * that value, else 0. */
double ops_simd_caps_pow_exponent(const struct ops_graph *g, const struct ops_node *n);

#endif /* OPSCOPE_PLANNER_SIMD_CAPS_ELEMENTWISE_H */
